"""The tender list: SQL filters, and the search index for words (search_documents)."""

from __future__ import annotations

from functools import partial
from typing import Any

from marketplace.actors import Viewer
from marketplace.extensions import db
from marketplace.places.search import Located
from marketplace.search.listing import list_page, no_filter
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
    return list_page(
        viewer,
        filters,
        page,
        per_page,
        database=lambda: filtered_tenders(viewer, filters),
        doc_type=NAME,
        terms=partial(_index_terms, filters),
        # The deadline filters are the database's only: it re-filters the ranked ids.
        reload=lambda ids: db.session.scalars(filtered_tenders(viewer, filters, ids)).unique(),
        exhaustive=True,
        count_miss=no_filter,  # (the index found nothing, whatever the deadline filters)
    )


def _index_terms(filters: TenderFilters, place: Located) -> dict[str, Any]:
    terms: dict[str, Any] = {}
    if filters.department:
        terms["department"] = filters.department
    if filters.status:
        terms["tender_status"] = filters.status
    if filters.skill:
        terms["tender_skill"] = fold(filters.skill).replace(",", " ")
    place.index_terms(terms, Tender, lambda i: f"{NAME}:{i}")
    return terms
