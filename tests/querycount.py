"""Count the SQL statements a block of code sends (to show a page makes no query per row)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import event

from marketplace.extensions import db


class Statements(list):
    """The statements seen, in order (their SQL text)."""

    @property
    def count(self) -> int:
        return len(self)


@contextmanager
def count_queries() -> Iterator[Statements]:
    """with count_queries() as seen: ... → seen.count statements were executed."""
    seen = Statements()

    def record(conn, cursor, statement, parameters, context, executemany) -> None:
        seen.append(statement)

    engine = db.engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", record)
