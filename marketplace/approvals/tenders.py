"""The CAE signs its tenders: before a team's offer moves to ``submitted``, every CAE of the team
must have approved the team as it stands.

- Asking: when the owner moves the tender to ``team_formed`` every CAE of the team is asked at
  once (its managers are notified); the owner asks again from the tender page or with
  ``POST /tenders/{id}/approvals`` after a refusal or a change of the team.
- An approval holds for the team it was given to (``team_key``: its members, roles, lots,
  shares, lead and form); when the team changes, that approval is void (shown ``outdated``) and
  must be asked again.
- Each request, approval and refusal is a ``tender_events`` row (``approval_id`` set).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from marketplace.actors import SYSTEM, Viewer
from marketplace.approvals import notify
from marketplace.approvals.models import CaeApproval
from marketplace.approvals.operations import (
    AWAITING,
    approvals_of,
    ask,
    check_decision,
    record_decision,
)
from marketplace.caes.models import Cae
from marketplace.errors import Conflict, PermissionDenied
from marketplace.extensions import db
from marketplace.links import site_path
from marketplace.tenders.models import Tender, TenderEvent

KIND = "tender"
#: Statuses in which the team may still be approved (before the offer is handed in).
OPEN_STATUSES = AWAITING[KIND]
WHAT = _l("the offer of the joint tender")


def team_key(tender: Tender) -> str:
    """A fingerprint of the team as the CAEs approve it."""
    members = sorted(
        (m.profile_id, m.role, m.share_cents, sorted(lot.id for lot in m.lots))
        for m in tender.members
    )
    data = [members, tender.lead_profile_id, tender.form]
    return hashlib.sha256(json.dumps(data, default=str).encode()).hexdigest()


def team_caes(tender: Tender) -> list[Cae]:
    """The CAEs of the team's members, in the team's order."""
    caes: dict[int, Cae] = {}
    for member in tender.members:
        cae = member.profile.user.cae
        if cae is not None and cae.id not in caes:
            caes[cae.id] = cae
    return list(caes.values())


@dataclass
class CaeSignature:
    cae: Cae
    #: pending, approved, refused, outdated (approved for an earlier team) or not_asked.
    state: str
    approval: CaeApproval | None


def signatures(tender: Tender) -> list[CaeSignature]:
    """Where each CAE of the team stands (two queries whatever the team)."""
    rows = approvals_of(KIND, tender.id)
    key = team_key(tender)
    result = []
    for cae in team_caes(tender):
        approval = rows.get(cae.id)
        if approval is None:
            state = "not_asked"
        elif approval.state == "approved" and approval.team_key != key:
            state = "outdated"
        else:
            state = approval.state
        result.append(CaeSignature(cae, state, approval))
    return result


def approval_history(tender: Tender) -> list[tuple[TenderEvent, str]]:
    """The tender's requests, approvals and refusals, oldest first, each with the name of the
    CAE it concerns (one query for the names)."""
    events = [e for e in tender.events if e.approval_id is not None]
    if not events:
        return []
    ids = {e.approval_id for e in events}
    names: dict[int | None, str] = dict(
        db.session.execute(
            select(CaeApproval.id, Cae.name)
            .join(Cae, Cae.id == CaeApproval.cae_id)
            .where(CaeApproval.id.in_(ids))
        ).all()
    )
    return [(e, names.get(e.approval_id, "")) for e in events]


def _event(actor: Viewer, tender: Tender, approval: CaeApproval, frm: str | None) -> None:
    tender.events.append(
        TenderEvent(
            approval_id=approval.id,
            actor_id=actor.id if actor.is_authenticated else None,
            from_state=frm,
            to_state=approval.state,
        )
    )


def request_approvals(actor: Viewer, tender: Tender) -> list[CaeApproval]:
    """Ask every CAE of the team that has not approved the current team (the owner; SYSTEM).
    Returns the approvals asked now (none when every CAE is asked or has approved)."""
    owner = tender.owner
    if actor is not SYSTEM and not (
        actor.is_authenticated and owner is not None and actor.id == owner.user_id
    ):
        raise PermissionDenied(_("Only the person who posted the tender may do this."))
    if tender.status not in OPEN_STATUSES:
        raise Conflict(_("The team can no longer change once the offer is submitted."))
    key = team_key(tender)
    asked = []
    for cae in team_caes(tender):
        outcome = ask(actor, KIND, tender.id, cae, key)
        if outcome is None:
            continue
        approval, frm = outcome
        _event(actor, tender, approval, frm)
        notify.approval_requested(cae, WHAT, tender.title)
        asked.append(approval)
    db.session.flush()
    return asked


def require_approved(tender: Tender) -> None:
    """The submit gate: Conflict naming the CAEs whose approval of this team is missing."""
    missing = [s.cae.name for s in signatures(tender) if s.state != "approved"]
    if missing:
        raise Conflict(
            _(
                "The offer cannot be submitted yet: the CAE signs its offers, and these CAEs "
                "have not approved the team as it stands: %(caes)s.",
                caes=", ".join(missing),
            )
        )


def decide_tender(actor: Viewer, approval: CaeApproval, approve: Any, comment: Any) -> CaeApproval:
    """A manager of the CAE approves the current team or refuses it (saying why)."""
    text = check_decision(approve, comment)
    tender = db.session.get(Tender, approval.subject_id)
    if tender is None or tender.status not in OPEN_STATUSES:
        raise Conflict(_("This offer is no longer awaiting the CAE's approval."))
    if approval.cae_id not in {cae.id for cae in team_caes(tender)}:
        raise Conflict(_("This CAE is no longer in the team."))
    record_decision(actor, approval, approve, text, team_key(tender))
    _event(actor, tender, approval, "pending")
    db.session.flush()
    recipients = [tender.owner.user if tender.owner else None, approval.requested_by]
    url = site_path("tenders.show", tender_id=tender.id)
    notify.approval_decided(recipients, approval, tender.title, url)
    return approval


def on_status_change(actor: Viewer, tender: Tender, to: str) -> None:
    """Called by the tender's status move: the gate before ``submitted``; the CAEs are asked
    when the team is formed."""
    if to == "submitted":
        require_approved(tender)


def after_status_change(actor: Viewer, tender: Tender, to: str) -> None:
    if to == "team_formed":
        request_approvals(actor, tender)


def approve_team(actor: Viewer, tender: Tender, comment: str = "") -> None:
    """Ask and approve at once for every CAE of the team (SYSTEM: the demo data and the command
    line; a manager of every CAE otherwise)."""
    request_approvals(SYSTEM, tender)
    for signature in signatures(tender):
        if signature.approval is not None and signature.approval.state == "pending":
            decide_tender(actor, signature.approval, True, comment)
