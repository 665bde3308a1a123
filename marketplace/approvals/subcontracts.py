"""The CAE signs large invoices between CAEs: each CAE may set an amount (HT) above which an
invoice record between two CAEs (the subcontractor's CAE sells, the client's CAE buys) needs its
approval before the subcontractor accepts it. Both CAEs whose threshold the amount exceeds must
approve; work inside one CAE is no invoice and is never asked.

The CAEs are asked when the record is proposed (their managers are notified), under the
amounts in force then; the move to ``accepted`` is refused (409, naming the CAEs) until every CAE
asked approved. An amount set or changed later applies to the records proposed after it: a
record no CAE was asked about is never held (nobody would be there to answer). A refusal stays:
the client cancels the record and proposes another. The approvals are the record's sign-off
history (asked when, decided by whom and when, why), shown on its page.
"""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from marketplace.actors import Viewer
from marketplace.approvals import notify
from marketplace.approvals.models import CaeApproval
from marketplace.approvals.operations import (
    AWAITING,
    approvals_of,
    ask,
    check_decision,
    invoice_threshold,
    record_decision,
)
from marketplace.caes.models import Cae
from marketplace.errors import Conflict
from marketplace.extensions import db
from marketplace.links import site_path
from marketplace.subcontracting.models import Subcontract

KIND = "subcontract"
WHAT = _l("an invoice record between CAEs")


def caes_to_sign(record: Subcontract) -> list[Cae]:
    """The parties' CAEs whose threshold this invoice record's amount exceeds."""
    if record.client_cae_id is None or record.subcontractor_cae_id is None:
        return []
    if record.client_cae_id == record.subcontractor_cae_id:
        return []  # one legal entity: no invoice between its entrepreneurs
    caes = []
    for cae in (record.subcontractor_cae, record.client_cae):
        threshold = invoice_threshold(cae.id if cae is not None else None)
        if cae is not None and threshold is not None and record.amount_cents > threshold:
            caes.append(cae)
    return caes


def on_subcontract_move(actor: Viewer, record: Subcontract, to: str) -> None:
    """The one hook of the records' operations: ask the CAEs when a record is proposed, refuse
    its acceptance until the CAEs asked then approved."""
    if to == "proposed":
        caes = caes_to_sign(record)
        if caes:
            db.session.flush()
        for cae in caes:
            if ask(actor, KIND, record.id, cae) is not None:
                notify.approval_requested(cae, WHAT, record.title)
    elif to == "accepted" and not record.internal:
        rows = approvals_of(KIND, record.id).values()
        missing = sorted(row.cae.name for row in rows if row.state != "approved")
        if missing:
            raise Conflict(
                _(
                    "This invoice record needs the approval of these CAEs before it is "
                    "accepted: %(caes)s.",
                    caes=", ".join(missing),
                )
            )


def decide_subcontract(
    actor: Viewer, approval: CaeApproval, approve: Any, comment: Any
) -> CaeApproval:
    text = check_decision(approve, comment)
    record = db.session.get(Subcontract, approval.subject_id)
    if record is None or record.status not in AWAITING[KIND]:
        raise Conflict(_("This record is no longer awaiting the CAE's approval."))
    record_decision(actor, approval, approve, text, None)
    db.session.flush()
    url = site_path("subcontracts.show", record_id=record.id)
    recipients = [record.client.user, record.subcontractor.user]
    notify.approval_decided(recipients, approval, record.title, url)
    return approval
