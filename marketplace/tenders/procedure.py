"""The procedure of a tender and the VAT of its lots: the kind of procedure, the applications'
deadline of two-phase procedures (when the team is fixed, R2142-26) and each lot's VAT regime.

Helpers of operations.py (they flush nothing and check no permission: their callers do).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask_babel import gettext as _

from marketplace.errors import Conflict, ValidationError
from marketplace.tenders.models import TWO_PHASE_PROCEDURES, Tender, TenderLot
from marketplace.timeutil import as_utc, utcnow


def applications_closed(tender: Tender, now: datetime | None = None) -> bool:
    """The team is fixed: the applications' deadline of a two-phase procedure has passed (or,
    in one phase, the offers' deadline, when application and offer are handed in together)."""
    fixed_at = tender.team_fixed_at
    return fixed_at is not None and as_utc(fixed_at) <= (now or utcnow())


def set_lot_vat(lot: TenderLot, regime: str | None, rate: str | None) -> None:
    """A lot's VAT: what is given, else what it had (standard at 20 % for a new lot); a rate
    alone means the standard regime; reverse charge and exemption have no rate."""
    if regime is None:
        regime = "standard" if rate is not None else (lot.vat_regime or "standard")
    if regime != "standard":
        rate = None
    elif rate is None:
        rate = lot.vat_rate if lot.vat_regime in (None, "standard") and lot.vat_rate else "20.0"
    lot.vat_regime, lot.vat_rate = regime, rate


def set_procedure(tender: Tender, values: dict[str, Any]) -> None:
    """The kind of procedure and, in two phases, the applications' deadline: before the offers'
    deadline, in the future when changed; neither changes once the applications are in."""
    kind = values.get("procedure_kind", tender.procedure_kind)
    given = values.get("applications_deadline")
    moment = values.get("applications_deadline", tender.applications_deadline)
    changed = kind != tender.procedure_kind or (
        "applications_deadline" in values and _moment_changed(tender, moment)
    )
    if changed and tender.id is not None and applications_closed(tender):
        raise Conflict(
            _(
                "The applications were handed in: the procedure and its applications' deadline "
                "can no longer change."
            )
        )
    if kind not in TWO_PHASE_PROCEDURES:
        if given is not None:
            message = _("Only a procedure in two phases has an applications' deadline.")
            raise ValidationError(message, {"applications_deadline": [message]})
        moment = None
    elif moment is not None:
        if _moment_changed(tender, moment) and as_utc(moment) <= utcnow():
            message = _("The applications' deadline must be in the future.")
            raise ValidationError(message, {"applications_deadline": [message]})
        if as_utc(moment) > as_utc(values.get("deadline", tender.deadline)):
            message = _("Applications are due before the offers' deadline.")
            raise ValidationError(message, {"applications_deadline": [message]})
    tender.procedure_kind = kind
    tender.applications_deadline = moment


def _moment_changed(tender: Tender, moment: datetime | None) -> bool:
    before = tender.applications_deadline
    if before is None or moment is None:
        return before is not moment
    return as_utc(before) != as_utc(moment)
