"""Worker processes of test_races.py: each builds its own application on the test database,
reads the object, waits until every process has read it in the same state, then makes its move
and commits. The worst interleaving, on purpose: every process decided its move was allowed
before any of them wrote, and each one pauses before its first write, so that whatever it
re-reads inside the operation it reads before the others have written."""

from __future__ import annotations

import time
from typing import Any

PAUSE = 0.5  # seconds before the first write of each process


def move(config: dict[str, Any], action: str, args: tuple, barrier: Any, results: Any) -> None:
    from marketplace import create_app
    from marketplace.accounts.models import User
    from marketplace.errors import Conflict
    from marketplace.extensions import db

    app = create_app(config)
    with app.app_context():
        _pause_before_first_write(db.engine)
        user_id, object_id, choice = args
        actor = db.session.get(User, user_id)
        model, operation = _operation(action)
        seen = db.session.get(model, object_id)
        db.session.refresh(seen)  # read everything the move checks
        _ = actor.profile.id
        barrier.wait()
        try:
            operation(actor, seen, choice)
            db.session.commit()
            results.put("ok")
        except Conflict:
            db.session.rollback()
            results.put("conflict")
        except Exception as error:  # reported to the test, which fails on it
            db.session.rollback()
            results.put(f"error: {error!r}"[:300])
        finally:
            db.session.remove()
            db.engine.dispose()


def _operation(action: str):
    """The model read and the operation called for an action of the tests."""
    from marketplace.collectives import operations as collectives
    from marketplace.collectives.models import JoinRequest
    from marketplace.subcontracting.models import Offer, Subcontract
    from marketplace.subcontracting.operations import accept_response
    from marketplace.subcontracting.records import transition
    from marketplace.tenders.models import Tender, TenderApplication
    from marketplace.tenders.operations import change_status, decide

    return {
        "accept": (Offer, accept_response),
        "transition": (Subcontract, transition),
        "tender": (Tender, change_status),
        "application": (TenderApplication, lambda a, app, accept: decide(a, app, accept, 0)),
        "request": (JoinRequest, collectives.decide_request),
    }[action]


def _pause_before_first_write(engine: Any) -> None:
    from sqlalchemy import event

    paused: list[bool] = []

    @event.listens_for(engine, "before_cursor_execute")
    def pause(_conn, _cursor, statement: str, *_args) -> None:
        if not paused and statement.lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE")):
            paused.append(True)
            time.sleep(PAUSE)
