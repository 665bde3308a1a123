"""Run work after the transaction commits (mail, index sync), never before and never on rollback."""

from __future__ import annotations

import logging
from collections.abc import Callable

from sqlalchemy import event
from sqlalchemy.orm import Session

log = logging.getLogger(__name__)
_KEY = "essaim_after_commit"


def on_commit(session: Session, callback: Callable[[], None]) -> None:
    """Call callback once session's current transaction is committed; drop it on rollback."""
    session.info.setdefault(_KEY, []).append(callback)


@event.listens_for(Session, "after_commit")
def _run_callbacks(session: Session) -> None:
    if session.in_nested_transaction():  # a SAVEPOINT released: the real commit is still to come
        return
    callbacks = session.info.pop(_KEY, [])
    for callback in callbacks:
        try:
            callback()
        except Exception:  # the commit is done: report, never undo it
            log.exception("after-commit callback failed")


@event.listens_for(Session, "after_rollback")
def _drop_callbacks(session: Session) -> None:
    if session.in_nested_transaction():  # only a SAVEPOINT rolled back: the transaction goes on
        return
    session.info.pop(_KEY, None)
