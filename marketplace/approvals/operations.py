"""The CAE's sign-off: ask, decide, list. Shared by the tenders' gate (approvals/tenders.py) and
the subcontract records' hook (approvals/subcontracts.py).

Only the managers of the CAE (and admins) see or decide its approvals; to everyone else an
approval does not exist (NotFound). A decision is a compare-and-set from ``pending``: of two
managers deciding at once, one wins and the other gets a Conflict (409).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import and_, exists, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from marketplace.actors import SYSTEM, Viewer
from marketplace.approvals.models import CaeApproval, CaeApprovalSetting
from marketplace.caes.models import Cae
from marketplace.errors import Conflict, NotFound, PermissionDenied, ValidationError
from marketplace.extensions import db
from marketplace.statemachine import change_state
from marketplace.subcontracting.models import Subcontract
from marketplace.tenders.models import Tender
from marketplace.timeutil import utcnow


def _people() -> tuple[Any, ...]:
    """Who asked and who decided, read with a page of approvals (no query per row)."""
    return (selectinload(CaeApproval.requested_by), selectinload(CaeApproval.decided_by))


#: A refusal says why, in at most this many characters.
COMMENT_LIMIT = 1000
#: pending → approved or refused by the CAE's managers; a refused or outdated approval is asked
#: again (→ pending) by the subject's owner.
TRANSITIONS: dict[str, tuple[str, ...]] = {
    "pending": ("approved", "refused"),
    "approved": ("pending",),
    "refused": ("pending",),
}


#: The states of its subject in which an approval is still awaited: a tender before its offer
#: is submitted, an invoice record before it is accepted. A pending approval of a cancelled
#: tender or of a cancelled or declined record no longer awaits anyone.
AWAITING: dict[str, tuple[str, ...]] = {
    "tender": ("open", "team_formed"),
    "subcontract": ("proposed",),
}


def still_awaited() -> Any:
    """SQL: the approval's subject still awaits it (see AWAITING)."""
    return or_(
        and_(
            CaeApproval.subject_kind == "tender",
            exists().where(
                Tender.id == CaeApproval.subject_id, Tender.status.in_(AWAITING["tender"])
            ),
        ),
        and_(
            CaeApproval.subject_kind == "subcontract",
            exists().where(
                Subcontract.id == CaeApproval.subject_id,
                Subcontract.status.in_(AWAITING["subcontract"]),
            ),
        ),
    )


def can_manage(viewer: Viewer, cae_id: int) -> bool:
    return viewer is SYSTEM or viewer.manages(cae_id)


def approving_cae(viewer: Viewer, cae_id: int | None) -> Cae:
    """The CAE this viewer manages (its managers, admins); NotFound for everyone else, as for
    a CAE that does not exist."""
    cae = db.session.get(Cae, cae_id) if cae_id is not None else None
    if cae is None or not can_manage(viewer, cae.id):
        raise NotFound(_("This CAE does not exist or is not visible to you."))
    return cae


def approvals_of(kind: str, subject_id: int) -> dict[int, CaeApproval]:
    """The approvals of one subject by CAE id (one query)."""
    stmt = select(CaeApproval).where(
        CaeApproval.subject_kind == kind, CaeApproval.subject_id == subject_id
    )
    return {a.cae_id: a for a in db.session.scalars(stmt)}


def ask(
    actor: Viewer, kind: str, subject_id: int, cae: Cae, team_key: str | None = None
) -> tuple[CaeApproval, str | None] | None:
    """Ask ``cae`` to approve the subject: a new pending row, or a refused / outdated one back to
    pending. Returns (approval, previous state) when something was asked, None when the CAE
    already has the question (pending) or its answer still holds."""
    existing = approvals_of(kind, subject_id).get(cae.id)
    requester = actor.id if actor.is_authenticated else None
    if existing is None:
        db.session.flush()
        try:
            with db.session.begin_nested():  # a concurrent request for the same CAE
                approval = CaeApproval(
                    cae_id=cae.id,
                    cae=cae,
                    subject_kind=kind,
                    subject_id=subject_id,
                    state="pending",
                    requested_by_id=requester,
                    requested_at=utcnow(),
                    comment="",
                )
                db.session.add(approval)
                db.session.flush()
        except IntegrityError:
            return None
        return approval, None
    if existing.state == "pending":
        return None
    if existing.state == "approved" and existing.team_key == team_key:
        return None
    frm = existing.state
    asked = Conflict(_("This approval was just asked or decided by someone else."))
    change_state(
        existing,
        "state",
        frm,
        "pending",
        asked,
        requested_by_id=requester,
        requested_at=utcnow(),
        decided_by_id=None,
        decided_at=None,
        comment="",
    )
    return existing, frm


def get_approval(viewer: Viewer, approval_id: int) -> CaeApproval:
    """An approval for the managers of its CAE and admins; NotFound for everyone else."""
    approval = db.session.get(CaeApproval, approval_id)
    if approval is None or not can_manage(viewer, approval.cae_id):
        raise NotFound(_("This approval does not exist or is not visible to you."))
    return approval


def check_decision(approve: Any, comment: Any) -> str:
    """The cleaned comment; a refusal must say why. ValidationError otherwise."""
    if not isinstance(approve, bool):
        raise ValidationError(
            _("Some fields need your attention."), {"approve": [_("Expected true or false.")]}
        )
    if comment is not None and not isinstance(comment, str):
        raise ValidationError(
            _("Some fields need your attention."), {"comment": [_("Expected a text.")]}
        )
    text = (comment or "").strip()
    if len(text) > COMMENT_LIMIT:
        message = _("At most %(n)d characters.", n=COMMENT_LIMIT)
        raise ValidationError(_("Some fields need your attention."), {"comment": [message]})
    if not approve and not text:
        message = _("Say why the CAE refuses: the team or the person will read it.")
        raise ValidationError(_("Some fields need your attention."), {"comment": [message]})
    return text


def record_decision(
    actor: Viewer, approval: CaeApproval, approve: bool, comment: str, team_key: str | None
) -> None:
    """The compare-and-set of a decision (pending → approved/refused) with who, when and why."""
    if not can_manage(actor, approval.cae_id):
        raise NotFound(_("This approval does not exist or is not visible to you."))
    to = "approved" if approve else "refused"
    if approval.state != "pending":
        raise Conflict(_("This approval has already been decided."))
    decided = Conflict(_("This approval has already been decided."))
    change_state(
        approval,
        "state",
        "pending",
        to,
        decided,
        decided_by_id=actor.id if actor.is_authenticated else None,
        decided_at=utcnow(),
        comment=comment,
        team_key=team_key,
    )


def approvals_for_cae(viewer: Viewer, cae_id: int, state: str | None = None):
    """SELECT of a CAE's approvals, oldest request first (its managers and admins; NotFound
    for everyone else, as if the CAE had none to show)."""
    approving_cae(viewer, cae_id)
    stmt = select(CaeApproval).where(CaeApproval.cae_id == cae_id)
    if state:
        stmt = stmt.where(CaeApproval.state == state)
    if state == "pending":
        stmt = stmt.where(still_awaited())
    return stmt.order_by(CaeApproval.requested_at, CaeApproval.id)


def managed_cae_ids(viewer: Viewer) -> list[int] | None:
    """The CAEs whose approvals this person handles: None for admins (all)."""
    if viewer.is_admin:
        return None
    if viewer.is_manager and viewer.cae_id is not None:
        return [viewer.cae_id]
    return []


def waiting_for(viewer: Viewer, cae_ids: Iterable[int] | None = None):
    """SELECT of the pending approvals this manager (or admin) may decide, oldest first
    (those whose subject still awaits them)."""
    mine = managed_cae_ids(viewer)
    stmt = select(CaeApproval).where(CaeApproval.state == "pending", still_awaited())
    if mine is not None:
        stmt = stmt.where(CaeApproval.cae_id.in_(mine))
    if cae_ids is not None:
        stmt = stmt.where(CaeApproval.cae_id.in_(list(cae_ids)))
    return stmt.options(*_people()).order_by(CaeApproval.requested_at, CaeApproval.id)


def recently_decided(viewer: Viewer, limit: int = 20) -> list[CaeApproval]:
    """The last decisions of the CAEs this manager (or admin) handles, newest first."""
    mine = managed_cae_ids(viewer)
    stmt = select(CaeApproval).where(CaeApproval.state != "pending").options(*_people())
    if mine is not None:
        stmt = stmt.where(CaeApproval.cae_id.in_(mine))
    stmt = stmt.order_by(CaeApproval.decided_at.desc(), CaeApproval.id.desc()).limit(limit)
    return list(db.session.scalars(stmt))


# The CAE's rule for invoice records -------------------------------------------------------------


def invoice_threshold(cae_id: int | None) -> int | None:
    if cae_id is None:
        return None
    setting = db.session.get(CaeApprovalSetting, cae_id)
    return setting.invoice_threshold_cents if setting is not None else None


def set_invoice_threshold(actor: Viewer, cae: Cae, cents: int | None) -> CaeApprovalSetting:
    """Managers of the CAE and admins set the amount (HT) above which an invoice record between
    CAEs needs the CAE's approval; None: no approval needed."""
    if not can_manage(actor, cae.id):
        raise PermissionDenied(_("Only administrators and the managers of this CAE can do this."))
    setting = db.session.get(CaeApprovalSetting, cae.id)
    if setting is None:
        setting = CaeApprovalSetting(cae_id=cae.id)
        db.session.add(setting)
    setting.invoice_threshold_cents = cents
    setting.updated_at = utcnow()
    db.session.flush()
    return setting
