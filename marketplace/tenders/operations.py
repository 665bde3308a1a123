"""Joint tenders: post, edit, move along the status machine, apply, decide, shape the team.

Every function takes the acting user first, checks permissions and domain rules, flushes and
never commits. Notifications leave after the commit (tenders/notify.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from marketplace.actors import SYSTEM, Viewer
from marketplace.approvals import tenders as signoff
from marketplace.collectives.models import Collective
from marketplace.collectives.rules import membership_of
from marketplace.collectives.visibility import can_view_collective
from marketplace.errors import (
    Conflict,
    DeadlinePassed,
    InvalidTransition,
    NotFound,
    PermissionDenied,
    ValidationError,
)
from marketplace.extensions import db
from marketplace.places.search import PlaceFilters, place_of
from marketplace.profiles.models import Profile
from marketplace.skills.models import Skill
from marketplace.skills.operations import get_or_create_skills
from marketplace.statemachine import change_state, insert_once
from marketplace.tenders import notify
from marketplace.tenders.models import (
    Tender,
    TenderApplication,
    TenderEvent,
    TenderInvitation,
    TenderLot,
    TenderMember,
    tender_lot_skills,
)
from marketplace.tenders.procedure import applications_closed, set_lot_vat, set_procedure
from marketplace.tenders.schemas import TenderApplicationCreate, TenderCreate, TenderUpdate
from marketplace.tenders.visibility import can_view_tender, visible_tenders
from marketplace.text import fold
from marketplace.timeutil import as_utc, utcnow
from marketplace.visibility import get_visible, own_profile

#: The tender's status machine: from → {to: who may make the move}. Only the owner moves it.
TRANSITIONS: dict[str, dict[str, str]] = {
    "open": {"team_formed": "owner", "cancelled": "owner"},
    "team_formed": {"open": "owner", "submitted": "owner", "cancelled": "owner"},
    "submitted": {"won": "owner", "lost": "owner", "cancelled": "owner"},
    "won": {},
    "lost": {},
    "cancelled": {},
}
#: Applications: pending → accepted or declined, by the tender's owner.
APPLICATION_TRANSITIONS: dict[str, dict[str, str]] = {
    "pending": {"accepted": "owner", "declined": "owner"},
    "accepted": {},
    "declined": {},
}
#: Statuses in which the tender's content may still be edited.
EDITABLE = ("open", "team_formed")
SIMPLE_FIELDS = (
    "title",
    "buyer_name",
    "buyer_kind",
    "reference",
    "source_url",
    "procedure",
    "procedure_kind",
    "deadline",
    "city",
    "department",
    "estimated_amount_cents",
    "description",
    "audience",
)


def _check_collective(actor: Viewer, collective_id: int | None) -> None:
    """A tender is posted for a collective only by one of its members (any role)."""
    if collective_id is None:
        return
    collective = db.session.get(Collective, collective_id)
    if collective is None or not can_view_collective(actor, collective):
        message = _("This collective does not exist or is not visible to you.")
        raise ValidationError(message, {"collective_id": [message]})
    if actor is not SYSTEM and membership_of(collective, actor) is None:
        message = _("Only the members of a collective may post a tender for it.")
        raise ValidationError(message, {"collective_id": [message]})


def _profile_of(actor: Viewer) -> Profile:
    profile = own_profile(actor)
    if profile is None:
        raise PermissionDenied(_("Sign in with a profile to do this."))
    return profile


def is_owner(actor: Viewer, tender: Tender) -> bool:
    return actor.is_authenticated and tender.owner is not None and actor.id == tender.owner.user_id


def _require_not_notice(tender: Tender) -> None:
    """A public notice is the buyer's: nobody edits it or joins it (teams are built from it)."""
    if tender.is_notice:
        raise Conflict(
            _("This is a public notice: build your team from it (“Build a team”) instead.")
        )


def _require_owner(actor: Viewer, tender: Tender) -> None:
    _require_not_notice(tender)
    if not is_owner(actor, tender):
        raise PermissionDenied(_("Only the person who posted the tender may do this."))


def deadline_passed(tender: Tender, now: datetime | None = None) -> bool:
    """Whether the deadline is over (a notice that gives none is never past it)."""
    deadline = as_utc(tender.deadline)
    return deadline is not None and deadline <= (now or utcnow())


def _lock(tender: Tender) -> None:
    """Serialise the changes of one tender's team and status (row lock on PostgreSQL), then
    re-read what the checks depend on: two decisions at once cannot both fit under the estimate."""
    db.session.execute(select(Tender.id).where(Tender.id == tender.id).with_for_update())
    db.session.refresh(
        tender,
        [
            "status",
            "deadline",
            "procedure_kind",
            "applications_deadline",
            "estimated_amount_cents",
            "lead_profile_id",
            "members",
        ],
    )


def _record(
    actor: Viewer, tender: Tender, from_state, to_state, application=None, invitation=None
) -> None:
    tender.events.append(
        TenderEvent(
            application_id=application.id if application is not None else None,
            invitation_id=invitation.id if invitation is not None else None,
            actor_id=actor.id,
            from_state=from_state,
            to_state=to_state,
        )
    )


def answer_request(
    actor: Viewer,
    tender: Tender,
    request: TenderApplication | TenderInvitation,
    to: str,
    taken: InvalidTransition,
    joining: TenderMember | None,
) -> None:
    """The one code path of an answer to a request to join the team: an application decided by
    the owner, an invitation answered by the invitee. The tender's row lock first (PostgreSQL),
    as every change of its team takes it; then one winner from ``pending``; then the team is
    re-read (on SQLite the write lock is held from that write on), so that two acceptances at
    once are counted one after the other; the person joins (``joining``) and the answer is a
    ``tender_events`` row of the tender's history."""
    frm = request.state
    _lock(tender)
    change_state(request, "state", frm, to, taken, decided_at=utcnow())
    _lock(tender)
    if joining is not None:
        _require_team_open(tender)
        if any(m.profile_id == joining.profile.id for m in tender.members):
            raise Conflict(_("This person is already in the team."))
        tender.members.append(joining)
    if isinstance(request, TenderInvitation):
        _record(actor, tender, frm, to, invitation=request)
    else:
        _record(actor, tender, frm, to, application=request)
    tender.updated_at = utcnow()
    db.session.flush()


def _set_lots(tender: Tender, lots: list[dict[str, Any]]) -> None:
    """Replace the lots with the given whole list, matched by number (ids stay stable)."""
    records = get_or_create_skills(name for lot in lots for name in lot["skills"])
    by_number = {lot.number: lot for lot in tender.lots}
    kept = []
    for data in lots:
        lot = by_number.pop(data["number"], None) or TenderLot(number=data["number"])
        lot.title = data["title"]
        lot.estimated_amount_cents = data["estimated_amount_cents"]
        lot.skills = [records[fold(name)] for name in data["skills"]]
        set_lot_vat(lot, data.get("vat_regime"), data.get("vat_rate"))
        kept.append(lot)
    tender.lots = kept


def create_tender(actor: Viewer, data: TenderCreate | dict[str, Any]) -> Tender:
    """Post a tender (checked by TenderCreate); the owner becomes the first member of the team
    and its lead."""
    profile = _profile_of(actor)
    if not actor.is_verified:
        raise PermissionDenied(_("Your CAE must verify your membership before you can post."))
    values = (data if isinstance(data, TenderCreate) else TenderCreate.load(data)).values()
    _check_collective(actor, values.get("collective_id"))
    tender = Tender(owner=profile, status="open", collective_id=values.get("collective_id"))
    for key in SIMPLE_FIELDS:
        if key in values:
            setattr(tender, key, values[key])
    tender.audience = values.get("audience", "network")
    tender.form = values.get("form")
    set_procedure(tender, values)
    db.session.add(tender)
    _set_lots(tender, values["lots"])
    tender.members = [TenderMember(profile=profile, role="cotraitant")]
    db.session.flush()
    tender.lead_profile_id = profile.id
    _record(actor, tender, None, "open")
    db.session.flush()
    return tender


def update_tender(actor: Viewer, tender: Tender, data: TenderUpdate | dict[str, Any]) -> Tender:
    """Edit (owner): any writable field, lots given whole, a status move, the team's shape
    (checked by TenderUpdate, the fields given)."""
    _require_owner(actor, tender)
    body = data if isinstance(data, TenderUpdate) else TenderUpdate.load(data, partial=True)
    values = body.values()
    status = values.pop("status", None)
    content = {k: v for k, v in values.items() if k not in ("form", "lead_profile_id", "members")}
    if content and tender.status not in EDITABLE:
        raise Conflict(_("A tender that is submitted, decided or cancelled cannot be edited."))
    if "collective_id" in values and values["collective_id"] != tender.collective_id:
        _check_collective(actor, values["collective_id"])
        tender.collective_id = values["collective_id"]
    if "deadline" in values and values["deadline"] != tender.deadline:
        tender.reminder_sent_at = None  # a new deadline deserves its own reminder
    if "procedure_kind" in values or "applications_deadline" in values or "deadline" in values:
        set_procedure(tender, values)
    for key in SIMPLE_FIELDS:
        if key in values:
            setattr(tender, key, values[key])
    if "lots" in values:
        _set_lots(tender, values["lots"])
    if "members" in values:
        set_members(actor, tender, values["members"])
    if "form" in values or "lead_profile_id" in values:
        set_team(
            actor,
            tender,
            values.get("form", tender.form),
            values.get("lead_profile_id", tender.lead_profile_id),
        )
    if status is not None and status != tender.status:
        change_status(actor, tender, status)
    tender.updated_at = utcnow()
    db.session.flush()
    return tender


def set_team(
    actor: Viewer, tender: Tender, form: str | None, lead_profile_id: int | None
) -> Tender:
    """Choose the group's form and its mandataire (a cotraitant of the team)."""
    _require_owner(actor, tender)
    if form != tender.form or lead_profile_id != tender.lead_profile_id:
        _require_team_open(tender)
    if lead_profile_id is not None:
        member = next((m for m in tender.members if m.profile_id == lead_profile_id), None)
        if member is None or member.role != "cotraitant":
            raise ValidationError(
                _("The mandataire must be a cotraitant of the team."),
                {"lead_profile_id": [_("The mandataire must be a cotraitant of the team.")]},
            )
    tender.form = form
    tender.lead_profile_id = lead_profile_id or tender.owner_profile_id
    tender.updated_at = utcnow()
    db.session.flush()
    return tender


def _require_before_team_fixed(tender: Tender, too_late: str, handed_in: str) -> None:
    """The team still forms: neither the deadline passed nor, in a procedure in two phases, the
    applications handed in (each refusal with its message)."""
    if deadline_passed(tender):
        raise DeadlinePassed(too_late)
    if applications_closed(tender):
        raise DeadlinePassed(handed_in)


def _require_team_open(tender: Tender) -> None:
    _require_before_team_fixed(
        tender,
        _("The deadline has passed: the team can no longer change."),
        _(
            "The applications were handed in (procedure in two phases): the team is fixed "
            "and can no longer change."
        ),
    )
    if tender.status not in EDITABLE:
        raise Conflict(_("The team can no longer change once the offer is submitted."))


def has_applied(tender: Tender, profile_id: int) -> bool:
    """Whether this profile has an application to the tender, whatever its state."""
    application = select(TenderApplication.id).where(
        TenderApplication.tender_id == tender.id,
        TenderApplication.applicant_profile_id == profile_id,
    )
    return db.session.scalar(application) is not None


def chosen_lots(tender: Tender, lot_ids: list[int]) -> list[TenderLot]:
    """The tender's lots of ``lot_ids``, in that order; a field error on lot_ids when one is
    not the tender's."""
    lots = {lot.id: lot for lot in tender.lots}
    if any(i not in lots for i in lot_ids):
        raise ValidationError(
            _("Some fields need your attention."),
            {"lot_ids": [_("Choose lots of this tender.")]},
        )
    return [lots[i] for i in lot_ids]


def allowed_moves(actor: Viewer, tender: Tender) -> list[str]:
    """The statuses this person may move the tender to now."""
    if not is_owner(actor, tender):
        return []
    return list(TRANSITIONS[tender.status])


def change_status(actor: Viewer, tender: Tender, to: str) -> Tender:
    if to not in TRANSITIONS:
        raise ValidationError(_("Unknown status."), {"status": [_("Unknown status.")]})
    _require_owner(actor, tender)
    frm = tender.status
    if to not in TRANSITIONS.get(frm, {}):
        raise InvalidTransition(_("This tender cannot move from this status to that one."))
    if to == "open" and deadline_passed(tender):
        raise DeadlinePassed(_("The deadline has passed: the tender cannot reopen."))
    signoff.on_status_change(actor, tender, to)  # the CAEs sign before the offer is submitted
    # One winner: the move is made only if the tender is still where this request saw it.
    moved = InvalidTransition(_("This tender cannot move from this status to that one."))
    change_state(tender, "status", frm, to, moved, updated_at=utcnow())
    _record(actor, tender, frm, to)
    db.session.flush()
    signoff.after_status_change(actor, tender, to)
    if to == "cancelled":
        notify.tender_cancelled(tender)
    return tender


def apply(
    actor: Viewer, tender: Tender, data: TenderApplicationCreate | dict[str, Any]
) -> TenderApplication:
    """Apply for one or more lots as cotraitant or subcontractor → pending."""
    profile = _profile_of(actor)
    if not actor.is_verified:
        raise PermissionDenied(_("Your CAE must verify your membership before you can apply."))
    body = data if isinstance(data, TenderApplicationCreate) else TenderApplicationCreate.load(data)
    _require_not_notice(tender)
    if tender.status != "open":
        raise Conflict(_("This tender no longer takes applications."))
    _require_before_team_fixed(
        tender,
        _("The deadline has passed: applications are closed."),
        _(
            "The applications were handed in (procedure in two phases): the team is fixed "
            "and takes no more applications."
        ),
    )
    if any(m.profile_id == profile.id for m in tender.members):
        raise Conflict(_("You are already in the team."))
    if has_applied(tender, profile.id):
        raise Conflict(_("You have already applied to this tender."))
    lots = chosen_lots(tender, body.lot_ids)
    db.session.flush()
    application = TenderApplication(
        tender_id=tender.id,
        applicant_profile_id=profile.id,
        role=body.role,
        message=body.message,
        state="pending",
        lots=lots,
    )
    # A concurrent application by the same person: the unique key decides.
    insert_once(application, Conflict(_("You have already applied to this tender.")))
    db.session.refresh(tender, ["applications"])
    _record(actor, tender, None, "pending", application)
    db.session.flush()
    notify.application_received(tender, application)
    return application


def decide(actor: Viewer, application: TenderApplication, accept: Any, share_cents: Any = None):
    """The owner accepts (with the member's share) or declines a pending application."""
    tender = application.tender
    _require_owner(actor, tender)
    if not isinstance(accept, bool):
        raise ValidationError(
            _("Some fields need your attention."), {"accept": [_("Expected true or false.")]}
        )
    if share_cents is not None and (
        isinstance(share_cents, bool) or not isinstance(share_cents, int) or share_cents < 0
    ):
        raise ValidationError(
            _("Some fields need your attention."),
            {"share_cents": [_("The share is a whole number of cents, 0 or more.")]},
        )
    to = "accepted" if accept else "declined"
    frm = application.state
    if to not in APPLICATION_TRANSITIONS[frm]:
        raise InvalidTransition(_("This application has already been decided."))
    _require_team_open(tender)
    if (
        accept
        and share_cents is not None
        and (isinstance(share_cents, bool) or not isinstance(share_cents, int) or share_cents < 0)
    ):
        raise ValidationError(
            _("Some fields need your attention."),
            {"share_cents": [_("The share is a whole number of cents, 0 or more.")]},
        )
    decided = InvalidTransition(_("This application has already been decided."))
    joining = None
    if accept:
        joining = TenderMember(
            profile=application.applicant,
            role=application.role,
            share_cents=share_cents,
            application_id=application.id,
            lots=list(application.lots),
        )
    answer_request(actor, tender, application, to, decided, joining)
    if accept:
        application.share_cents = share_cents
        db.session.flush()
    notify.application_decided(tender, application)
    return application


def _check_member_item(tender: Tender, members: dict, lots: dict, item: dict[str, Any]) -> None:
    def refuse(message: str) -> ValidationError:
        return ValidationError(_("Some fields need your attention."), {"team": [message]})

    member = members.get(item["profile_id"])
    if member is None:
        raise refuse(_("This person is not in the team."))
    if any(i not in lots for i in item.get("lot_ids", [])):
        raise refuse(_("Choose lots of this tender."))
    boss_id = item.get("works_for_profile_id")
    if boss_id is not None:
        boss = members.get(boss_id)
        if member.role != "subcontractor":
            raise refuse(_("Only a subcontractor works for another member."))
        if boss is None or boss.role == "subcontractor":
            raise refuse(_("A subcontractor works for the lead or a cotraitant of the team."))


def set_members(actor: Viewer, tender: Tender, items: list[dict[str, Any]]) -> None:
    """Change the lots, shares and, for subcontractors, the member they work for (the owner's
    own included); all or nothing. Shares above the estimate are a warning (team.py), not a
    refusal."""
    _require_owner(actor, tender)
    _lock(tender)
    _require_team_open(tender)
    members = {m.profile_id: m for m in tender.members}
    lots = {lot.id: lot for lot in tender.lots}
    for item in items:
        _check_member_item(tender, members, lots, item)
    for item in items:
        member = members[item["profile_id"]]
        if "lot_ids" in item:
            member.lots = [lots[i] for i in item["lot_ids"]]
        if "share_cents" in item:
            member.share_cents = item["share_cents"]
        if "works_for_profile_id" in item:
            member.works_for_profile_id = item["works_for_profile_id"]
    tender.updated_at = utcnow()
    db.session.flush()


def get_tender(viewer: Viewer, tender_id: int) -> Tender:
    message = _("This tender does not exist or is not visible to you.")
    return get_visible(viewer, Tender, tender_id, can_view_tender, message)


def get_application(viewer: Viewer, tender: Tender, application_id: int) -> TenderApplication:
    """An application of the tender, for its owner or its applicant; NotFound otherwise."""
    application = db.session.get(TenderApplication, application_id)
    if application is None or application.tender_id != tender.id:
        raise NotFound(_("This application does not exist."))
    mine = viewer.is_authenticated and application.applicant.user_id == viewer.id
    if not (mine or is_owner(viewer, tender)):
        raise NotFound(_("This application does not exist."))
    return application


def applications_for(viewer: Viewer, tender: Tender) -> list[TenderApplication]:
    """Owner: every application; applicant: their own; anyone else: none.

    Read in one statement with their lots in a second one, whatever is already in the
    session (populate_existing: applications loaded earlier through the tender's history
    would otherwise load their lots one by one)."""
    if not viewer.is_authenticated:
        return []
    stmt = (
        select(TenderApplication)
        .where(TenderApplication.tender_id == tender.id)
        .options(selectinload(TenderApplication.lots))
        .order_by(TenderApplication.id)
        .execution_options(populate_existing=True)
    )
    if not is_owner(viewer, tender):
        stmt = stmt.join(Profile, Profile.id == TenderApplication.applicant_profile_id).where(
            Profile.user_id == viewer.id
        )
    return list(db.session.scalars(stmt).unique())


@dataclass
class TenderFilters(PlaceFilters):
    q: str | None = None
    #: "boamp": imported public notices only; "members": the members' own; None: both.
    source: str | None = None
    department: str | None = None
    skill: str | None = None
    status: str | None = None
    deadline_after: datetime | None = None
    deadline_before: datetime | None = None


def filtered_tenders(viewer: Viewer, filters: TenderFilters, ids: list[int] | None = None):
    """SELECT of visible tenders matching the filters, nearest deadline first."""
    stmt = visible_tenders(viewer)
    if ids is not None:
        stmt = stmt.where(Tender.id.in_(ids))
    if filters.source == "members":
        stmt = stmt.where(Tender.source_name.is_(None))
    elif filters.source:
        stmt = stmt.where(Tender.source_name == filters.source)
    if filters.department:
        stmt = stmt.where(Tender.department == filters.department)
    if filters.status:
        stmt = stmt.where(Tender.status == filters.status)
    if filters.skill:
        lots = (
            select(TenderLot.tender_id)
            .join(tender_lot_skills, tender_lot_skills.c.lot_id == TenderLot.id)
            .join(Skill, Skill.id == tender_lot_skills.c.skill_id)
            .where(Skill.key == fold(filters.skill))
        )
        stmt = stmt.where(Tender.id.in_(lots))
    if filters.deadline_after:
        stmt = stmt.where(Tender.deadline >= filters.deadline_after)
    if filters.deadline_before:
        stmt = stmt.where(Tender.deadline <= filters.deadline_before)
    if ids is None:  # ranked ids were already kept to the radius by the index
        stmt = place_of(filters).narrow(stmt, Tender)
    return stmt.order_by(Tender.deadline.asc().nulls_last(), Tender.id)
