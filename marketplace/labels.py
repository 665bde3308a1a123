"""The words the templates show for stored values (``labels.STATUS[profile.status]``...).

Every value set declares its labels once, on its enum (marketplace/enums.py); this module only
gathers them under the names the templates use, with the words of the buttons that make a move
(``moves()``: a status carries those too).
"""

from flask_babel import lazy_gettext as _l

from marketplace.accounts import models as accounts
from marketplace.alerts import models as alerts
from marketplace.approvals import models as approvals
from marketplace.audience import Audience
from marketplace.audit import AuditAction
from marketplace.profiles import models as profiles
from marketplace.skills.models import SkillLevel
from marketplace.subcontracting import models as subcontracting
from marketplace.tenders import models as tenders
from marketplace.vatrates import VatRate

STATUS = profiles.ProfileStatus.labels()
APPROVAL = approvals.ApprovalState.labels()
APPROVAL_VIEW = approvals.ApprovalView.labels()
APPROVAL_SUBJECT = approvals.SubjectKind.labels()
AVAILABILITY = profiles.Availability.labels()
AUDIENCE = Audience.labels()
LEVEL = SkillLevel.labels()
ROLE = accounts.Role.labels()
MEMBERSHIP = accounts.MembershipState.labels()
AUDIT_ACTION = AuditAction.labels()
TENDER_STATUS = tenders.TenderStatus.labels()
#: The action that moves a tender to a status (buttons).
TENDER_MOVE = tenders.TenderStatus.moves()
BUYER_KIND = tenders.BuyerKind.labels()
PROCEDURE_KIND = tenders.ProcedureKind.labels()
LOT_VAT = tenders.LotVat.labels()
TEAM_ROLE = tenders.TeamRole.labels()
APPLY_ROLE = tenders.TenderRole.labels()
TEAM_KIND = tenders.TeamKind.labels()
TEAM_FORM = tenders.TeamForm.labels()
APPLICATION_STATE = tenders.ApplicationState.labels()
OFFER_STATUS = subcontracting.OfferStatus.labels()
RESPONSE_STATUS = subcontracting.ResponseStatus.labels()
SUBCONTRACT_STATUS = subcontracting.SubcontractStatus.labels()
#: The button that makes each move.
SUBCONTRACT_MOVE = subcontracting.SubcontractStatus.moves()
VAT_RATE = VatRate.labels()
VAT_REGIME = subcontracting.VatRegime.labels()
SUBCONTRACT_KIND = subcontracting.SubcontractKind.labels()
ALERT_KIND = alerts.AlertKind.labels()
FREQUENCY = alerts.Frequency.labels()

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
