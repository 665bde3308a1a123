"""The tender list: SQL filters, and the search index for words (search_documents)."""

from __future__ import annotations

from marketplace.actors import Viewer
from marketplace.extensions import db
from marketplace.profiles.operations import paginate
from marketplace.tenders.operations import TenderFilters, filtered_tenders
from marketplace.text import fold

#: Ranked ids read from the index for a query (then filtered and paged against the database).
MAX_RANKED = 1000


def search_tenders(viewer: Viewer, filters: TenderFilters, page: int, per_page: int):
    """One page of visible tenders matching the filters: (tenders, total).

    Without words: nearest deadline first, straight from the database. With words: the ids the
    index ranks (it applies the visibility rule too), then re-checked against the database with
    the same visible_tenders() filter, best first.
    """
    if not filters.q:
        return paginate(filtered_tenders(viewer, filters), page, per_page)
    from marketplace.search.service import search_documents
    from marketplace.search.tender_document import NAME

    terms = {}
    if filters.department:
        terms["department"] = filters.department
    if filters.status:
        terms["tender_status"] = filters.status
    if filters.skill:
        terms["tender_skill"] = fold(filters.skill).replace(",", " ")
    ranked: list[int] = []
    index_page = 1
    while len(ranked) < MAX_RANKED:
        found = search_documents(viewer, NAME, filters.q, terms, index_page, 100, suggest=False)
        ranked += [doc_id for doc_id, _score in found.ranked]
        if index_page * 100 >= found.total or not found.ranked:
            break
        index_page += 1
    if not ranked:
        return [], 0
    rows = {t.id: t for t in db.session.scalars(filtered_tenders(viewer, filters, ranked)).unique()}
    ordered = [rows[i] for i in ranked if i in rows]
    start = (page - 1) * per_page
    return ordered[start : start + per_page], len(ordered)
