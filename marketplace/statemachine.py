"""One winner per state change: a compare-and-set UPDATE shared by every domain.

Two requests (two worker processes, two nodes) that read the same row in the same state may
both decide that their move is allowed. Only the database can tell which one came first, so the
move itself is written as ``UPDATE … SET state = :new WHERE id = :id AND state = :expected``:
the first UPDATE changes one row, every later one finds the state changed and changes none,
which the caller turns into the domain's Conflict (409).

This holds on PostgreSQL (the second UPDATE waits for the first transaction's row lock, then
re-checks its WHERE against the committed row) and on SQLite (the UPDATE takes the database's
write lock, waiting up to the connection's busy timeout, then sees the committed file). On
SQLite the UPDATE must be the request's first write after reads done outside a transaction,
which is how operations use it: a connection that upgrades an open read transaction to a
write gets "database is locked" at once instead of waiting.

Once the UPDATE has changed its row the request holds that row (PostgreSQL) or the whole
database (SQLite) until it commits, so what it reads afterwards can no longer change under it:
``hold`` uses this to guard a state without changing it.

A row that comes into being once (a join request, an application, an answer) is guarded by
its unique constraint instead: ``insert_once`` lets the database pick the one winner.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, cast

from sqlalchemy import CursorResult, inspect, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.sql import ClauseElement

from marketplace.errors import DomainError
from marketplace.extensions import db


def compare_and_set(row: Any, expected: Mapping[str, Any], values: Mapping[str, Any]) -> bool:
    """``UPDATE <row's table> SET values WHERE <row's key> AND expected``; True when this call
    changed the row. An expected value may be None (IS NULL) or a tuple of allowed values (IN).

    Pending changes are flushed first. On success the row's attributes take the new values; on
    failure the compared attributes are expired, so the row shows the committed state when it is
    next read.
    """
    state = inspect(row)
    mapper = state.mapper
    model = mapper.class_
    conditions = [
        column == value for column, value in zip(mapper.primary_key, state.identity, strict=True)
    ]
    for name, value in expected.items():
        column = getattr(model, name)
        if value is None:
            conditions.append(column.is_(None))
        elif isinstance(value, tuple):
            conditions.append(column.in_(value))
        else:
            conditions.append(column == value)
    db.session.flush()
    result = db.session.execute(
        update(model)
        .where(*conditions)
        .values(dict(values))
        .execution_options(synchronize_session=False)
    )
    if cast(CursorResult, result).rowcount != 1:
        db.session.expire(row, list({*expected, *values}))
        return False
    computed = [name for name, value in values.items() if _is_expression(value)]
    if computed:
        db.session.expire(row, computed)
    for name, value in values.items():
        if name not in computed:
            # Set through the ORM as well: the flush writes the same values again, and the
            # session's listeners (the search change log) see the change as any other.
            setattr(row, name, value)
    return True


def _is_expression(value: Any) -> bool:
    """A value computed by the database (``column + 1``, the column itself) and not a literal."""
    return isinstance(value, ClauseElement) or hasattr(value, "__clause_element__")


def change_state(
    row: Any,
    attribute: str,
    expected: str | tuple[str, ...],
    to: str,
    conflict: DomainError,
    **values: Any,
) -> None:
    """Move ``row.attribute`` from ``expected`` to ``to`` (with the other ``values``) or raise
    ``conflict`` when another request moved it first."""
    if not compare_and_set(row, {attribute: expected}, {attribute: to, **values}):
        raise conflict


def hold(
    row: Any,
    attribute: str,
    allowed: Iterable[str],
    conflict: DomainError,
    **values: Any,
) -> None:
    """Make sure ``row.attribute`` is still one of ``allowed`` and keep it so until the commit
    (the state is rewritten as it is, with the other ``values``), or raise ``conflict``."""
    column = getattr(type(row), attribute)
    allowed = tuple(allowed)
    if not compare_and_set(row, {attribute: allowed}, {attribute: column, **values}):
        raise conflict


def insert_once(row: Any, conflict: DomainError) -> None:
    """Insert ``row``, guarded by a unique constraint: a concurrent twin (a double click, two
    tabs) that was written first makes it ``conflict`` instead of a server error. The insert
    has a savepoint of its own, so the request's transaction stays usable."""
    try:
        with db.session.begin_nested():
            db.session.add(row)
            db.session.flush()
    except IntegrityError:
        raise conflict from None


def change_states(
    rows: list[Any], attribute: str, expected: str, to: str, conflict: DomainError
) -> None:
    """``change_state`` for many rows of one model at once (a bulk import): one ``UPDATE …
    WHERE id IN (…) AND state = :expected``; ``conflict`` unless it changed every row (the
    caller's transaction then rolls back, so no row moves alone)."""
    if not rows:
        return
    model = type(rows[0])
    (key,) = inspect(model).primary_key
    db.session.flush()
    changed = 0
    for start in range(0, len(rows), 1000):
        ids = [inspect(row).identity[0] for row in rows[start : start + 1000]]
        result = db.session.execute(
            update(model)
            .where(key.in_(ids), getattr(model, attribute) == expected)
            .values({attribute: to})
            .execution_options(synchronize_session=False)
        )
        changed += cast(CursorResult, result).rowcount
    if changed != len(rows):
        raise conflict
    for row in rows:
        setattr(row, attribute, to)  # the flush and its listeners (search change log) see it
