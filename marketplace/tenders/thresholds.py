"""Public procurement thresholds, as guidance on the tender form: the values in force and since
when, kept in one data file (data/thresholds.json) with their legal sources."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from functools import cache
from importlib.resources import files

from flask_babel import lazy_gettext as _l

from marketplace.timeutil import to_paris, utcnow

#: What each threshold means, in words (the amounts and dates are in the data file).
MEANING = {
    "no_publicity_supplies_services": _l(
        "Supplies and services: below it, no publicity or competition is required."
    ),
    "no_publicity_works": _l("Works: below it, no publicity or competition is required."),
    "formalised_supplies_services_central": _l(
        "Supplies and services of the central State: from it, formalised procedure."
    ),
    "formalised_supplies_services_other": _l(
        "Supplies and services of local authorities and other public buyers: from it, "
        "formalised procedure."
    ),
    "formalised_supplies_services_utilities": _l(
        "Supplies and services of network operators (entités adjudicatrices) and of defence: "
        "from it, formalised procedure."
    ),
    "formalised_works": _l("Works: from it, formalised procedure."),
}


@dataclass(frozen=True)
class Threshold:
    key: str
    amount_cents: int
    since: date
    until: date | None
    source: str

    @property
    def meaning(self) -> str:
        return str(MEANING[self.key])


@cache
def _all() -> tuple[Threshold, ...]:
    text = files(__package__).joinpath("data/thresholds.json").read_text(encoding="utf-8")
    return tuple(
        Threshold(
            key=row["key"],
            amount_cents=int(row["amount_cents"]),
            since=date.fromisoformat(row["since"]),
            until=date.fromisoformat(row["until"]) if row["until"] else None,
            source=row["source"],
        )
        for row in json.loads(text)["thresholds"]
    )


def thresholds_in_force(on: date | None = None) -> list[Threshold]:
    """The thresholds in force on a day (today in Paris by default), lowest amount first."""
    day = on or to_paris(utcnow()).date()
    return sorted(
        (t for t in _all() if t.since <= day and (t.until is None or day <= t.until)),
        key=lambda t: (t.amount_cents, t.key),
    )
