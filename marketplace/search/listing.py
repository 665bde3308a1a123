"""One pipeline for every list: profiles, collectives, tenders, offers (``list_page``).

Without words (nor a place word): the database, in the list's own order. With words: ids from
the index (which applies the visibility rule and the filters it knows) → one reload from the
database → the visibility re-check of each row (a stale index never shows a row just hidden),
in the index's order, best first.

``total`` means the same on every list: how many visible rows match. The index counts them
when it applies every filter of the list (``search_list``); when the database applies some
filters the index does not know (e.g. a tender's deadline), the ranking is read deep
(``MAX_RANKED`` ids) and the rows kept after the reload are counted (``exhaustive=True``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from sqlalchemy import Select, select

from marketplace.actors import Viewer
from marketplace.extensions import db
from marketplace.pagination import offset_of, paginate
from marketplace.places.search import Located, place_of
from marketplace.search.service import search_documents

Row = TypeVar("Row")
Reload = Callable[[list[int]], Iterable[Row]]
Visible = Callable[[Viewer, Row], bool]

#: The deepest rank read when the database filters the ranked ids again.
MAX_RANKED = 1000
#: Ids read from the index at a time for such a list.
INDEX_PAGE = 100


def no_filter(terms: dict[str, Any]) -> bool:
    """count_miss of a list whose only index terms are the person's own filters."""
    return not terms


def by_ids(model: Any) -> Reload[Any]:
    """Reload rows of a model by primary key (one SELECT … WHERE id IN …)."""

    def reload(ids: list[int]) -> Iterable[Any]:
        return db.session.scalars(select(model).where(model.id.in_(ids))).unique()

    return reload


def list_page(
    viewer: Viewer,
    filters: Any,
    page: int,
    per_page: int,
    *,
    database: Callable[[], Select],
    doc_type: str,
    terms: Callable[[Located], dict[str, Any]],
    reload: Reload[Row],
    visible: Visible[Row] | None = None,
    exhaustive: bool = False,
    complete_last: bool = False,
    count_miss: Callable[[dict[str, Any]], bool] | None = None,
) -> tuple[list[Row], int]:
    """One page of a list and its total. Without words: the SELECT ``database()`` gives, in
    its order. With words: the index, ``terms(place)`` beside them (see search_list);
    ``count_miss(terms)``: whether words that find nothing are counted (the person chose no
    filter but the list's default)."""
    place = place_of(filters)
    if not place.uses_index:
        return paginate(database(), page, per_page)
    index_terms = terms(place)
    return search_list(
        viewer,
        doc_type,
        place.q,
        index_terms,
        page,
        per_page,
        reload,
        visible,
        exhaustive=exhaustive,
        complete_last=complete_last,
        count_miss=count_miss is not None and count_miss(index_terms),
    )


def search_list(
    viewer: Viewer,
    doc_type: str,
    q: str | None,
    terms: dict[str, Any],
    page: int,
    per_page: int,
    reload: Reload[Row],
    visible: Visible[Row] | None = None,
    *,
    exhaustive: bool = False,
    complete_last: bool = False,
    count_miss: bool = False,
) -> tuple[list[Row], int]:
    """One page of the rows matching q and the filter terms, best first, and the total.

    ``reload(ids)`` reads the rows (and may apply the database-only filters: then pass
    ``exhaustive``); ``visible(viewer, row)`` re-checks each (None: the reload did).
    ``complete_last``: the last word also finds the words it begins (search_documents).
    ``count_miss``: words that find nothing on the first page are counted (search.misses):
    the lists pass it when the person chose no filter, as on every list where a need is typed.
    """
    if exhaustive:
        ids = _ranked_ids(viewer, doc_type, q, terms, count_miss and page == 1)
        rows = reloaded(viewer, ids, reload, visible)
        start = offset_of(page, per_page)
        return rows[start : start + per_page], len(rows)
    found = search_documents(
        viewer,
        doc_type,
        q,
        terms,
        page,
        per_page,
        suggest=False,
        complete_last=complete_last,
        count_miss=count_miss,
    )
    ids = [doc_id for doc_id, _score in found.ranked]
    return reloaded(viewer, ids, reload, visible), found.total


def reloaded(
    viewer: Viewer, ids: list[int], reload: Reload[Row], visible: Visible[Row] | None
) -> list[Row]:
    """The rows of these ids as the database has them now, visible ones only, in ids' order."""
    if not ids:
        return []
    rows = {row.id: row for row in reload(ids)}  # type: ignore[attr-defined]
    kept = (rows[i] for i in ids if i in rows)
    return [row for row in kept if visible is None or visible(viewer, row)]


def _ranked_ids(
    viewer: Viewer, doc_type: str, q: str | None, terms: dict[str, Any], count_miss: bool
) -> list[int]:
    ranked: list[int] = []
    index_page = 1
    while len(ranked) < MAX_RANKED:
        found = search_documents(
            viewer, doc_type, q, terms, index_page, INDEX_PAGE, suggest=False, count_miss=count_miss
        )
        ranked += [doc_id for doc_id, _score in found.ranked]
        if index_page * INDEX_PAGE >= found.total or not found.ranked:
            break
        index_page += 1
    return ranked
