"""Statuses are contracts the CAE holds: porteur·se de projet (CAPE), entrepreneur·e salarié·e
(CESA), entrepreneur·e salarié·e associé·e (the same CESA, with a partner's share).

- A member proposes a change (the profile page, ``PATCH /me/profile``): it is kept in
  ``status_proposed`` and ``status`` stays the confirmed one until a manager of the member's CAE
  confirms it, with the contract's start date (CAPE or CESA), or refuses it.
- The CAE's managers, admins and the site's operator (members import, command line) set the
  status directly.
- Code du travail L7331-3: an entrepreneur·e salarié·e becomes associé·e at the latest three
  years after the CESA began, less the time spent under a CAPE before it
  (:func:`associate_due`); the managers' list shows who is due, soonest first.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select

from marketplace.accounts.models import User
from marketplace.actors import SYSTEM, Viewer
from marketplace.approvals import notify
from marketplace.errors import Conflict, NotFound, ValidationError
from marketplace.extensions import db
from marketplace.formatting import date_short
from marketplace.profiles.models import Profile, ProfileStatus
from marketplace.statemachine import compare_and_set
from marketplace.timeutil import utcnow

#: L7331-3: the longest an entrepreneur·e salarié·e stays without becoming associé·e.
ASSOCIATE_WITHIN_YEARS = 3
#: The contract whose start date a confirmation records, by status.
START_OF = {"project_holder": "cape_started_on", "employee": "cesa_started_on"}


def decides_directly(actor: Viewer, profile: Profile) -> bool:
    return actor is SYSTEM or actor.manages(profile.cae_id)


def set_status(actor: Viewer, profile: Profile, status: str) -> None:
    """The status written by update_profile: set by managers, admins and SYSTEM; proposed by
    the member (a proposal equal to the confirmed status withdraws the proposal)."""
    if decides_directly(actor, profile):
        profile.status = status
        profile.status_proposed = None
        profile.status_proposed_at = None
        return
    if status == profile.status:
        profile.status_proposed = None
        profile.status_proposed_at = None
        return
    if status == profile.status_proposed:
        return
    profile.status_proposed = status
    profile.status_proposed_at = utcnow()
    notify.status_proposed(profile, ProfileStatus.label_of(status))


#: A contract's start date lies within these bounds: CAEs exist since the 1990s, and a
#: contract is not recorded more than a year ahead.
EARLIEST_START = date(1990, 1, 1)
AHEAD = timedelta(days=366)


def _add_years(day: date, years: int) -> date:
    if day.year + years > date.max.year:
        return date.max
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def associate_due(cesa_started_on: date, cape_started_on: date | None = None) -> date:
    """The day by which an entrepreneur·e salarié·e must become associé·e: three years after the
    CESA began, less the CAPE time before it (L7331-3)."""
    if cape_started_on is not None and cape_started_on < cesa_started_on:
        # Three years from the CESA, less the CAPE time: three years from the CAPE's start.
        return max(cesa_started_on, _add_years(cape_started_on, ASSOCIATE_WITHIN_YEARS))
    return _add_years(cesa_started_on, ASSOCIATE_WITHIN_YEARS)


def _managed_profile(actor: Viewer, profile_id: int) -> Profile:
    profile = db.session.get(Profile, profile_id)
    if profile is None or not decides_directly(actor, profile):
        raise NotFound(_("This profile does not exist or is not visible to you."))
    return profile


def _start_date(status: str, started_on: Any) -> date | None:
    if started_on in (None, ""):
        if status in START_OF:
            message = _("Give the start date of the contract.")
            raise ValidationError(message, {"started_on": [message]})
        return None
    if isinstance(started_on, date):
        day = started_on
    else:
        try:
            day = date.fromisoformat(str(started_on))
        except ValueError:
            message = _("Expected a date (YYYY-MM-DD).")
            raise ValidationError(message, {"started_on": [message]}) from None
    latest = utcnow().date() + AHEAD
    if not EARLIEST_START <= day <= latest:
        message = _(
            "The contract's start date must lie between %(first)s and %(last)s.",
            first=date_short(EARLIEST_START),
            last=date_short(latest),
        )
        raise ValidationError(message, {"started_on": [message]})
    return day


def decide_status(actor: Viewer, profile_id: int, confirm: bool, started_on: Any = None) -> Profile:
    """A manager of the person's CAE confirms the proposed status (with the start date of the
    CAPE or the CESA it begins) or refuses it. One winner: the proposal read is the one
    decided."""
    profile = _managed_profile(actor, profile_id)
    proposed = profile.status_proposed
    if proposed is None:
        raise Conflict(_("This person has no status change awaiting confirmation."))
    values: dict[str, Any] = {"status_proposed": None, "status_proposed_at": None}
    if confirm:
        values["status"] = proposed
        day = _start_date(proposed, started_on)
        if day is not None and proposed in START_OF:
            values[START_OF[proposed]] = day
        elif day is not None and profile.cesa_started_on is None:
            # Associé·e straight away: the CESA begins then. An entrepreneur·e salarié·e keeps
            # the CESA's start (the same contract before and after, L7331-2).
            values["cesa_started_on"] = day
    if not compare_and_set(profile, {"status_proposed": proposed}, values):
        raise Conflict(_("This status change has already been decided."))
    profile.updated_at = utcnow()
    db.session.flush()
    notify.status_decided(profile, confirm, ProfileStatus.label_of(proposed))
    return profile


def proposals(viewer: Viewer, cae_id: int) -> list[Profile]:
    """The status changes awaiting the CAE's confirmation, oldest first."""
    stmt = (
        select(Profile)
        .join(User, User.id == Profile.user_id)
        .where(User.cae_id == cae_id, Profile.status_proposed.is_not(None))
        .order_by(Profile.status_proposed_at, Profile.id)
    )
    return list(db.session.scalars(stmt).unique())


@dataclass
class AssociateDue:
    profile: Profile
    #: None when the CESA's start date is not known yet.
    due_on: date | None
    overdue: bool


def associates_due(viewer: Viewer, cae_id: int, today: date | None = None) -> list[AssociateDue]:
    """The CAE's entrepreneur·es salarié·es (not yet associé·es), soonest due first; those whose
    CESA start is unknown come last."""
    today = today or utcnow().date()
    stmt = (
        select(Profile)
        .join(User, User.id == Profile.user_id)
        .where(User.cae_id == cae_id, User.is_active.is_(True), Profile.status == "employee")
    )
    rows = []
    for profile in db.session.scalars(stmt).unique():
        due = (
            associate_due(profile.cesa_started_on, profile.cape_started_on)
            if profile.cesa_started_on is not None
            else None
        )
        rows.append(AssociateDue(profile, due, due is not None and due < today))
    far = date.max - timedelta(days=1)
    return sorted(rows, key=lambda r: (r.due_on or far, r.profile.display_name))
