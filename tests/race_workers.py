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
    from marketplace.subcontracting.models import Offer, Subcontract
    from marketplace.subcontracting.operations import accept_response
    from marketplace.subcontracting.records import transition
    from marketplace.tenders.models import Tender
    from marketplace.tenders.operations import change_status

    app = create_app(config)
    with app.app_context():
        _pause_before_first_write(db.engine)
        user_id, object_id, choice = args
        actor = db.session.get(User, user_id)
        model = {"accept": Offer, "transition": Subcontract, "tender": Tender}[action]
        seen = db.session.get(model, object_id)
        _ = seen.status, actor.profile.id  # read everything the move checks
        barrier.wait()
        try:
            if action == "accept":
                accept_response(actor, seen, choice)
            elif action == "transition":
                transition(actor, seen, choice)
            else:
                change_status(actor, seen, choice)
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


def _pause_before_first_write(engine: Any) -> None:
    from sqlalchemy import event

    paused: list[bool] = []

    @event.listens_for(engine, "before_cursor_execute")
    def pause(_conn, _cursor, statement: str, *_args) -> None:
        if not paused and statement.lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE")):
            paused.append(True)
            time.sleep(PAUSE)
