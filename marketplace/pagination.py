"""The arithmetic of a page of a list: the one paginator of the pages, the API and the queries."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, func, select

from marketplace.extensions import db


def offset_of(page: int, per_page: int) -> int:
    """How many items come before page ``page`` (numbered from 1)."""
    return (page - 1) * per_page


def paginate(stmt: Select, page: int, per_page: int) -> tuple[list[Any], int]:
    """One page of a SELECT and the total count (two queries, whatever the page size)."""
    total = db.session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery()))
    found = db.session.scalars(stmt.limit(per_page).offset(offset_of(page, per_page)))
    return list(found.unique()), total or 0


@dataclass(frozen=True)
class Pager:
    """Page ``page`` of ``total`` items, ``per_page`` a page (there is always a page 1)."""

    page: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def offset(self) -> int:
        return offset_of(self.page, self.per_page)

    @property
    def first_number(self) -> int:
        """The rank of the first item of this page, counting from 1 (for an ordered list)."""
        return self.offset + 1

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def prev_num(self) -> int | None:
        return self.page - 1 if self.has_prev else None

    @property
    def next_num(self) -> int | None:
        return self.page + 1 if self.has_next else None

    @property
    def beyond(self) -> bool:
        """A page after the last one (page 1 of an empty list is not beyond)."""
        return self.page > self.pages
