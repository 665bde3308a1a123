"""The words the templates show for stored values (``labels.STATUS[profile.status]``...).

Every value set declares its labels once, on its enum (marketplace/enums.py); this module only
gathers them under the names the templates use, plus the labels of the buttons that make a move.
"""

from flask_babel import lazy_gettext as _l

from marketplace.accounts.models import MembershipState, Role
from marketplace.alerts.models import AlertKind, Frequency
from marketplace.approvals.models import ApprovalState, ApprovalView, SubjectKind
from marketplace.audience import Audience
from marketplace.audit import AuditAction
from marketplace.profiles.models import Availability, ProfileStatus
from marketplace.skills.models import SkillLevel
from marketplace.subcontracting.models import (
    OfferStatus,
    ResponseStatus,
    SubcontractKind,
    SubcontractStatus,
    VatRate,
    VatRegime,
)
from marketplace.tenders.models import (
    ApplicationState,
    BuyerKind,
    LotVat,
    ProcedureKind,
    TeamForm,
    TeamKind,
    TeamRole,
    TenderRole,
    TenderStatus,
)

STATUS = ProfileStatus.labels()
APPROVAL = ApprovalState.labels()
APPROVAL_VIEW = ApprovalView.labels()
APPROVAL_SUBJECT = SubjectKind.labels()
AVAILABILITY = Availability.labels()
AUDIENCE = Audience.labels()
LEVEL = SkillLevel.labels()
ROLE = Role.labels()
MEMBERSHIP = MembershipState.labels()
AUDIT_ACTION = AuditAction.labels()
TENDER_STATUS = TenderStatus.labels()
#: The action that moves a tender to a status (buttons).
TENDER_MOVE = {
    TenderStatus.OPEN.value: _l("Reopen the team"),
    TenderStatus.TEAM_FORMED.value: _l("The team is formed"),
    TenderStatus.SUBMITTED.value: _l("The offer is submitted"),
    TenderStatus.WON.value: _l("Won"),
    TenderStatus.LOST.value: _l("Lost"),
    TenderStatus.CANCELLED.value: _l("Cancel the tender"),
}
BUYER_KIND = BuyerKind.labels()
PROCEDURE_KIND = ProcedureKind.labels()
LOT_VAT = LotVat.labels()
TEAM_ROLE = TeamRole.labels()
APPLY_ROLE = TenderRole.labels()
TEAM_KIND = TeamKind.labels()
TEAM_FORM = TeamForm.labels()
APPLICATION_STATE = ApplicationState.labels()
OFFER_STATUS = OfferStatus.labels()
RESPONSE_STATUS = ResponseStatus.labels()
SUBCONTRACT_STATUS = SubcontractStatus.labels()
#: The button that makes each move.
SUBCONTRACT_MOVE = {
    SubcontractStatus.ACCEPTED.value: _l("Accept"),
    SubcontractStatus.DECLINED.value: _l("Decline"),
    SubcontractStatus.IN_PROGRESS.value: _l("Start the work"),
    SubcontractStatus.DELIVERED.value: _l("Mark as delivered"),
    SubcontractStatus.INVOICED.value: _l("Mark as invoiced"),
    SubcontractStatus.PAID.value: _l("Confirm payment"),
    SubcontractStatus.TRANSFERRED.value: _l("Record the internal transfer"),
    SubcontractStatus.CANCELLED.value: _l("Cancel"),
}
VAT_RATE = VatRate.labels()
VAT_REGIME = VatRegime.labels()
SUBCONTRACT_KIND = SubcontractKind.labels()
ALERT_KIND = AlertKind.labels()
FREQUENCY = Frequency.labels()

#: The CAE fields an edit names in the audit log.
CAE_FIELD = {
    "name": _l("Name"),
    "city": _l("City"),
    "department": _l("Department"),
    "website": _l("Website"),
    "sectors": _l("Sectors"),
    "description": _l("Description"),
    "siren": _l("SIREN"),
}
#: The values an audit entry's detail names, by action: "pending → verified" shows labels.
_AUDIT_MOVES = {"membership": MEMBERSHIP, "role": ROLE}


def audit_detail(action: str, detail: str) -> str:
    """The detail of an audit entry in words: its stored codes replaced by their labels."""
    if action == "cae_updated":
        return ", ".join(str(CAE_FIELD.get(name, name)) for name in detail.split(", ") if name)
    words = _AUDIT_MOVES.get(action)
    if words is None or " → " not in detail:
        return detail
    move, colon, note = detail.partition(" : ")
    frm, _arrow, to = move.partition(" → ")
    said = f"{words.get(frm, frm)} → {words.get(to, to)}"
    return f"{said}\u00a0: {note}" if colon else said
