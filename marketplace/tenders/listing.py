"""The tender list: SQL filters, and the search index for words (search_documents)."""

from __future__ import annotations

from typing import Any

from marketplace.actors import Viewer
from marketplace.extensions import db
from marketplace.pagination import paginate
from marketplace.places.search import place_of
from marketplace.search.listing import search_list
from marketplace.tenders.models import Tender
from marketplace.tenders.operations import TenderFilters, filtered_tenders
from marketplace.tenders.search import NAME
from marketplace.text import fold


def search_tenders(viewer: Viewer, filters: TenderFilters, page: int, per_page: int):
    """One page of visible tenders matching the filters: (tenders, total).

    Without words: nearest deadline first, straight from the database. With words: the ids the
    index ranks (it applies the visibility rule too), then re-checked against the database with
    the same visible_tenders() filter, best first.
    """
    place = place_of(filters)
    if not place.uses_index:
        return paginate(filtered_tenders(viewer, filters), page, per_page)
    terms: dict[str, Any] = {}
    if filters.department:
        terms["department"] = filters.department
    if filters.status:
        terms["tender_status"] = filters.status
    if filters.skill:
        terms["tender_skill"] = fold(filters.skill).replace(",", " ")
    place.index_terms(terms, Tender, lambda i: f"{NAME}:{i}")
    return search_list(
        viewer,
        NAME,
        place.q,
        terms,
        page,
        per_page,
        # The deadline filters are the database's only: it re-filters the ranked ids.
        lambda ids: db.session.scalars(filtered_tenders(viewer, filters, ids)).unique(),
        exhaustive=True,
        count_miss=not terms,  # (the index found nothing, whatever the deadline filters)
    )
