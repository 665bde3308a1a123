"""The managers' dashboard (/gestion): what awaits the CAE, read in a constant number of queries.

A manager sees their CAE; an administrator every CAE's requests and approvals, the e-mails that
could not be sent, and one CAE's statuses and figures when they choose it (``?cae=``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload, lazyload

from marketplace.accounts.management import dashboard_caes, managed_cae, require_manager
from marketplace.accounts.models import User
from marketplace.actors import Viewer
from marketplace.approvals.decisions import Subject, subjects_of
from marketplace.approvals.models import CaeApproval
from marketplace.approvals.operations import waiting_for
from marketplace.approvals.statuses import associate_due
from marketplace.caes.models import Cae
from marketplace.extensions import db
from marketplace.jobs.models import OutboxMessage
from marketplace.profiles.models import Profile
from marketplace.subcontracting.figures import MonthTotals, month_start, monthly_totals
from marketplace.timeutil import PARIS, utcnow

#: How many rows each section shows; the section links to its full page.
SHOWN = 10
#: The people awaiting verification listed for the bulk form (the oldest requests first).
PENDING_SHOWN = 50
#: Associé·e deadlines shown: overdue ones and those due within this many days.
ASSOCIATE_HORIZON_DAYS = 183


@dataclass
class Deadline:
    profile_id: int
    name: str
    due_on: date
    overdue: bool


@dataclass
class Trend:
    """This month against the previous one, for one kind of work."""

    count: int
    cents: int
    previous_count: int
    previous_cents: int

    @property
    def delta_cents(self) -> int:
        return self.cents - self.previous_cents

    @property
    def direction(self) -> str:
        """up, down or same (by amount)."""
        if self.delta_cents > 0:
            return "up"
        return "down" if self.delta_cents < 0 else "same"

    @property
    def percent(self) -> int | None:
        """The change in percent of the previous month's amount (None when it was nothing)."""
        if not self.previous_cents:
            return None
        return round(100 * self.delta_cents / self.previous_cents)


@dataclass
class Desk:
    caes: list[tuple[Cae, dict[str, int]]]
    #: The CAE of the statuses, deadlines and figures (a manager's own; an admin's choice).
    cae: Cae | None
    pending: list[User]
    pending_total: int
    approvals: list[CaeApproval]
    approvals_total: int
    subjects: dict[tuple[str, int], Subject]
    proposals: list[Profile] = field(default_factory=list)
    proposals_total: int = 0
    deadlines: list[Deadline] = field(default_factory=list)
    deadlines_total: int = 0
    month: date | None = None
    internal: Trend | None = None
    cross_cae: Trend | None = None
    #: Administrators only: the e-mails given up after their last try (None for managers).
    failed_total: int | None = None
    failed: list[OutboxMessage] = field(default_factory=list)


def paris_today() -> date:
    return utcnow().astimezone(PARIS).date()


def desk_for(actor: Viewer, cae_id: int | None = None, today: date | None = None) -> Desk:
    """The dashboard of a manager (their CAE) or an administrator (every CAE; ``cae_id`` for
    one CAE's statuses and figures). Managers and admins only."""
    require_manager(actor)
    caes = dashboard_caes(actor)
    cae: Cae | None
    if actor.is_admin:
        cae = managed_cae(actor, cae_id) if cae_id is not None else None
    else:
        cae = caes[0][0] if caes else None
    scope = [cae.id] if cae is not None else [c.id for c, _counts in caes]
    pending, pending_total = _pending(scope)
    approvals_stmt = waiting_for(actor, scope if cae is not None else None)
    approvals = list(db.session.scalars(approvals_stmt.limit(SHOWN)))
    approvals_total = _count(approvals_stmt)
    desk = Desk(
        caes=caes,
        cae=cae,
        pending=pending,
        pending_total=pending_total,
        approvals=approvals,
        approvals_total=approvals_total,
        subjects=subjects_of(approvals),
    )
    if cae is not None:
        _cae_sections(desk, cae.id, today or paris_today())
    if actor.is_admin:
        failed = select(OutboxMessage).where(OutboxMessage.status == "failed")
        desk.failed_total = _count(failed)
        desk.failed = list(
            db.session.scalars(
                failed.order_by(OutboxMessage.created_at.desc(), OutboxMessage.id.desc()).limit(
                    SHOWN
                )
            )
        )
    return desk


def _count(stmt: Any) -> int:
    return db.session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery())) or 0


def _pending(cae_ids: list[int]) -> tuple[list[User], int]:
    """The people awaiting verification in these CAEs, oldest requests first, with their CAE
    and profile (one query), and how many they are."""
    if not cae_ids:
        return [], 0
    stmt = select(User).where(
        User.cae_id.in_(cae_ids), User.membership == "pending", User.is_active.is_(True)
    )
    rows = db.session.scalars(
        stmt.options(joinedload(User.cae)).order_by(User.created_at, User.id).limit(PENDING_SHOWN)
    )
    return list(rows), _count(stmt)


def _cae_sections(desk: Desk, cae_id: int, today: date) -> None:
    proposals = (
        select(Profile)
        .join(User, User.id == Profile.user_id)
        .where(User.cae_id == cae_id, Profile.status_proposed.is_not(None))
    )
    # The names and statuses only: none of the profiles' lists (competences, languages…).
    lists = (Profile.skills, Profile.certifications, Profile.availability_periods,
             Profile.references, Profile.languages)  # fmt: skip
    desk.proposals = list(
        db.session.scalars(
            proposals.options(*(lazyload(relation) for relation in lists))
            .order_by(Profile.status_proposed_at, Profile.id)
            .limit(SHOWN)
        ).unique()
    )
    desk.proposals_total = _count(proposals)
    desk.deadlines, desk.deadlines_total = _deadlines(cae_id, today)
    this_month = month_start(today)
    previous = month_start(this_month - timedelta(days=1))
    months = monthly_totals(cae_id, previous, today)
    now = months.get((this_month.year, this_month.month), MonthTotals())
    before = months.get((previous.year, previous.month), MonthTotals())
    desk.month = this_month
    desk.internal = Trend(
        now.internal_count, now.internal_cents, before.internal_count, before.internal_cents
    )
    desk.cross_cae = Trend(now.cross_count, now.cross_cents, before.cross_count, before.cross_cents)


def _deadlines(cae_id: int, today: date) -> tuple[list[Deadline], int]:
    """Salaried entrepreneur·es whose associé·e deadline is past or within the horizon, soonest
    first: one query of four columns per member (no profile objects)."""
    rows = db.session.execute(
        select(Profile.id, User.first_name, User.last_name, Profile.cesa_started_on,
               Profile.cape_started_on)
        .join(User, User.id == Profile.user_id)
        .where(User.cae_id == cae_id, User.is_active.is_(True), Profile.status == "employee",
               Profile.cesa_started_on.is_not(None))
    ).all()  # fmt: skip
    horizon = today + timedelta(days=ASSOCIATE_HORIZON_DAYS)
    found = []
    for profile_id, first, last, cesa, cape in rows:
        if cesa is None:  # excluded by the query; said again for the type checker
            continue
        due = associate_due(cesa, cape)
        if due <= horizon:
            found.append(Deadline(profile_id, f"{first} {last}".strip(), due, due < today))
    found.sort(key=lambda d: (d.due_on, d.name))
    return found[:SHOWN], len(found)
