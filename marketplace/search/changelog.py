"""The search change log: one row per changed document, written in the changing transaction.

Session events watch the models declared by the document types (see documents.Watch): when a
flush inserts, updates or deletes one of them, rows are added to ``search_changes`` on the same
connection, so they commit or roll back with the change itself. Operations need not know.
After the commit the index of this process is synced (indexer.sync); other processes and nodes
pick the rows up at their next sync. Bulk ``UPDATE``/``DELETE`` statements bypass the ORM and
are not seen: use ``log_changes()`` next to them.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from datetime import timedelta
from typing import cast

from flask import current_app, has_app_context
from sqlalchemy import Connection, CursorResult, Table, delete, event, insert
from sqlalchemy.orm import Session

from marketplace.events import on_commit
from marketplace.search import documents
from marketplace.search.changes import SearchChange
from marketplace.search.indexer import get_indexer
from marketplace.timeutil import utcnow

log = logging.getLogger(__name__)
_DELETED_KEY = "essaim_search_deleted"
_SYNC_KEY = "essaim_search_sync"

__all__ = ["SearchChange", "log_changes", "prune"]


#: Called with the connection and the changed (doc_type, doc_id) keys, in the changing
#: transaction: data derived from the same documents (profiles.ranking) follows them there.
_LISTENERS: list[Callable[[Connection, set[tuple[str, int]]], None]] = []


def listen(listener: Callable[[Connection, set[tuple[str, int]]], None]) -> None:
    """Have ``listener`` called with every batch of change rows, in their transaction."""
    if listener not in _LISTENERS:
        _LISTENERS.append(listener)


def log_changes(session: Session, keys: Iterable[tuple[str, int]]) -> int:
    """Write change rows for (doc_type, doc_id) pairs in the session's transaction."""
    unique = {(t, int(i)) for t, i in keys}
    rows = [{"doc_type": t, "doc_id": i, "created_at": utcnow()} for t, i in sorted(unique)]
    if rows:
        connection = session.connection()
        connection.execute(insert(cast(Table, SearchChange.__table__)), rows)
        for listener in _LISTENERS:
            listener(connection, unique)
        _sync_after_commit(session)
    return len(rows)


def prune(session: Session, older_than: timedelta) -> int:
    """Delete change rows older than the given age (every node must have synced by then)."""
    cutoff = utcnow() - older_than
    result = session.execute(delete(SearchChange).where(SearchChange.created_at < cutoff))
    return cast(CursorResult, result).rowcount or 0


def _keys_for(session: Session, objects: Iterable, check_changed: bool) -> set[tuple[str, int]]:
    watches = documents.watches_by_model()
    if not watches:
        return set()
    batches: dict[int, tuple[documents.Watch, list]] = {}
    for obj in objects:
        for watch in watches.get(type(obj), ()):
            if check_changed and not watch.changed(session, obj):
                continue
            batches.setdefault(id(watch), (watch, []))[1].append(obj)
    keys: set[tuple[str, int]] = set()
    if batches:
        connection = session.connection()
        for watch, objs in batches.values():
            keys.update(
                (watch.doc_type, i) for i in watch.doc_ids(connection, objs) if i is not None
            )
    return keys


@event.listens_for(Session, "before_flush")
def _before_flush(session: Session, flush_context, instances) -> None:
    # Rows about to be deleted still exist: resolve what they index now.
    if session.deleted:
        keys = _keys_for(session, list(session.deleted), check_changed=False)
        if keys:
            session.info.setdefault(_DELETED_KEY, set()).update(keys)


@event.listens_for(Session, "after_flush")
def _after_flush(session: Session, flush_context) -> None:
    keys: set[tuple[str, int]] = session.info.pop(_DELETED_KEY, set())
    keys |= _keys_for(session, list(session.new), check_changed=False)
    keys |= _keys_for(session, list(session.dirty), check_changed=True)
    keys |= _keys_for(session, list(session.deleted), check_changed=False)
    if keys:
        log_changes(session, keys)


def _sync_after_commit(session: Session) -> None:
    """Once per transaction: sync this process's index after the commit."""
    if session.info.get(_SYNC_KEY) or not has_app_context():
        return
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    if not app.config.get("SEARCH_SYNC_ON_COMMIT", True):
        return
    indexer = get_indexer(app)
    session.info[_SYNC_KEY] = True
    on_commit(session, indexer.sync_after_commit)


@event.listens_for(Session, "after_commit")
@event.listens_for(Session, "after_rollback")
def _reset(session: Session) -> None:
    if session.in_nested_transaction():  # a SAVEPOINT ended: the transaction goes on
        return
    session.info.pop(_SYNC_KEY, None)
    session.info.pop(_DELETED_KEY, None)
