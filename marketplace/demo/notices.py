"""Demo public notices: a few imported-looking BOAMP notices (data/boamp_notices.json, in the
format of the records endpoint's results), written by the importer as `flask tenders
import-boamp` writes them, and the team tender the member to try built from one of them
(« Monter une équipe »), so that the « Avis publics » tab of the demo is not empty.

Their publication day and deadline are set from the day of loading (the notices are open in
the demo); a second run updates them in place (by idweb) and builds no second team.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlalchemy import select

from marketplace.accounts.models import User
from marketplace.demo.datafiles import read_json
from marketplace.extensions import db
from marketplace.tenders.boamp_import import SOURCE, import_records
from marketplace.tenders.models import Tender
from marketplace.tenders.notices import build_team, team_tender_of
from marketplace.timeutil import PARIS, utcnow

#: The notice the member to try has built a team from.
TEAM_NOTICE = "26-90101"


def notice_records(today: date | None = None) -> list[dict[str, Any]]:
    """The demo's records, dated from today: published some days ago, due some days ahead
    (noon, Paris time)."""
    today = today or utcnow().astimezone(PARIS).date()
    records = []
    for record in read_json("boamp_notices.json", tuples=False)["results"]:
        record = dict(record)
        due = today + timedelta(days=record.pop("deadline_in_days"))
        record["dateparution"] = (
            today - timedelta(days=record.pop("published_days_ago"))
        ).isoformat()
        record["datelimitereponse"] = f"{due.isoformat()}T12:00:00"  # Paris time, as BOAMP's
        records.append(record)
    return records


def load_demo_notices(member: User | None) -> None:
    """Import the demo notices; the member builds their team's tender from one of them."""
    report = import_records(notice_records())
    if report.errors:
        raise ValueError(f"demo notices: {report.errors}")
    notice = db.session.scalar(
        select(Tender).where(Tender.source_name == SOURCE, Tender.source_id == TEAM_NOTICE)
    )
    if member is None or notice is None or team_tender_of(member, notice) is not None:
        return
    build_team(member, notice)
