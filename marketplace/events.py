"""Events of the ground floor: work run after the commit, and the signals between domains.

``on_commit`` runs work after the transaction commits (mail, index sync), never before and never
on rollback. The signals let a lower domain announce what happens to it while the domains above
react (they connect receivers; the sender imports none of them). Receivers run in the sender's
transaction: they flush, never commit.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from blinker import Namespace
from sqlalchemy import event
from sqlalchemy.orm import Session

log = logging.getLogger(__name__)
_KEY = "essaim_after_commit"
_ROLLBACK_KEY = "essaim_after_rollback"

signals = Namespace()
#: A person deletes their account (sender: the User, still whole): each domain lets go of what
#: they hold in it, acting as them (leave the collectives, close the open offers…).
account_deleting = signals.signal("account-deleting")
#: Then each domain deletes what it keeps about the person only (notifications, settings…).
account_personal_data_deleting = signals.signal("account-personal-data-deleting")


def on_commit(session: Session, callback: Callable[[], None]) -> None:
    """Call callback once session's current transaction is committed; drop it on rollback."""
    session.info.setdefault(_KEY, []).append(callback)


def on_rollback(session: Session, callback: Callable[[], None]) -> None:
    """Call callback if session's current transaction is rolled back (undo what was done
    outside the database, e.g. a stored file); drop it on commit."""
    session.info.setdefault(_ROLLBACK_KEY, []).append(callback)


def _run(callbacks: list[Callable[[], None]], when: str) -> None:
    for callback in callbacks:
        try:
            callback()
        except Exception:  # the transaction is over: report, never undo it
            log.exception("%s callback failed", when)


@event.listens_for(Session, "after_commit")
def _run_callbacks(session: Session) -> None:
    if session.in_nested_transaction():  # a SAVEPOINT released: the real commit is still to come
        return
    session.info.pop(_ROLLBACK_KEY, None)
    _run(session.info.pop(_KEY, []), "after-commit")


@event.listens_for(Session, "after_rollback")
def _drop_callbacks(session: Session) -> None:
    if session.in_nested_transaction():  # only a SAVEPOINT rolled back: the transaction goes on
        return
    session.info.pop(_KEY, None)
    _run(session.info.pop(_ROLLBACK_KEY, []), "after-rollback")
