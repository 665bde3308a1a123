"""Decisions, one person one vote: proposals, votes that can change until closing, results.

One person counts once whatever happens (double clicks, two tabs, concurrent requests): the
database holds UNIQUE (decision_id, user_id); ``vote()`` inserts in a savepoint and, when a
concurrent insert won, updates that row instead.

A decision is open while now < closes_at and closed after, whatever is stored. The closing
is *recorded* once (closed_at, the electorate, the "result" notifications) by whichever comes
first: a read of the decision (``ensure_closed``), or ``flask collectives close-due`` (run it
from cron, e.g. every 5 minutes; ``flask notify digest`` runs it first as well). A guarded
UPDATE … WHERE closed_at IS NULL makes sure only one of them announces the result.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from marketplace.accounts.models import User
from marketplace.actors import SYSTEM, Viewer
from marketplace.collectives.models import (
    Collective,
    CollectiveMember,
    Decision,
    DecisionComment,
    DecisionReminder,
    Vote,
    VoteChoice,
)
from marketplace.collectives.notify import decision_path, notify
from marketplace.collectives.rules import (
    _record,
    _require_coordinator,
    _require_verified,
    member_accounts,
    membership_of,
    row_of,
)
from marketplace.collectives.schemas import CommentInput, DecisionInput
from marketplace.errors import DeadlinePassed, PermissionDenied, ValidationError
from marketplace.extensions import db
from marketplace.formatting import datetime_short
from marketplace.statemachine import compare_and_set
from marketplace.timeutil import PARIS as PARIS  # deadlines are read in Paris time
from marketplace.timeutil import as_utc, utcnow


@dataclass
class Results:
    yes: int
    no: int
    abstain: int
    voters: int
    members: int
    quorum_percent: int | None

    @property
    def tally(self) -> dict[str, int]:
        return {"yes": self.yes, "no": self.no, "abstain": self.abstain}

    @property
    def turnout_percent(self) -> int:
        return round(100 * self.voters / self.members) if self.members else 0

    @property
    def quorum_reached(self) -> bool:
        if not self.quorum_percent:
            return True
        return self.voters * 100 >= self.quorum_percent * self.members

    @property
    def outcome(self) -> str:
        """adopted, rejected or no_quorum (meaningful once closed)."""
        if not self.quorum_reached:
            return "no_quorum"
        return "adopted" if self.yes > self.no else "rejected"


def is_open(decision: Decision, now: datetime | None = None) -> bool:
    return (now or utcnow()) < as_utc(decision.closes_at)


def _member_count(collective_id: int) -> int:
    stmt = select(func.count(CollectiveMember.id)).where(
        CollectiveMember.collective_id == collective_id
    )
    return db.session.scalar(stmt) or 0


def _tell_members(
    collective: Collective, decision: Decision, kind: str, skip_id: int | None, **values: Any
) -> None:
    """Notify every member of the collective about the decision but ``skip_id`` (its author)."""
    for user in member_accounts(collective.id):
        if user.id == skip_id:
            continue
        notify(
            user,
            kind,
            decision_path(collective.id, decision.id),
            collective=collective.name,
            title=decision.title,
            **values,
        )


def open_decision(
    actor: Viewer, collective: Collective, data: DecisionInput | dict[str, Any]
) -> Decision:
    """A coordinator puts a proposal to the vote; every member is told. ``data``: a checked
    DecisionInput, or what to check with it."""
    _require_coordinator(collective, actor, _("Only the coordinators open proposals."))
    proposal = data if isinstance(data, DecisionInput) else DecisionInput.load(data)
    decision = Decision(
        collective_id=collective.id,
        created_by_id=actor.id,
        title=proposal.title,
        description=proposal.description,
        closes_at=proposal.closes_at,
        quorum_percent=proposal.quorum_percent,
    )
    db.session.add(decision)
    db.session.flush()
    _record(collective, "decision_opened", actor, decision_id=decision.id, to_state="open")
    author = None if actor is SYSTEM else actor.id
    when = datetime_short(decision.closes_at)
    _tell_members(collective, decision, "collective.proposal", author, date=when)
    db.session.flush()
    return decision


def get_decision(collective: Collective, decision_id: int) -> Decision:
    return row_of(collective, Decision, decision_id, _("This proposal does not exist."))


def vote(actor: Viewer, decision: Decision, choice: Any) -> Vote:
    """Record or replace the actor's vote; one row per person, enforced by the database."""
    if choice not in VoteChoice.values():
        raise ValidationError(
            _("Some fields need your attention."),
            {"choice": [_("Choose one of: %(values)s.", values=", ".join(VoteChoice.values()))]},
        )
    collective = decision.collective
    if membership_of(collective, actor) is None:
        raise PermissionDenied(_("Only the members of the collective vote."))
    now = utcnow()
    if not is_open(decision, now):
        raise DeadlinePassed(_("This vote is closed: votes are no longer accepted."))
    stmt = select(Vote).where(Vote.decision_id == decision.id, Vote.user_id == actor.id)
    existing = db.session.scalar(stmt)
    if existing is None:
        try:
            with db.session.begin_nested():
                existing = Vote(
                    decision_id=decision.id,
                    user_id=actor.id,
                    choice=choice,
                    created_at=now,
                    updated_at=now,
                )
                db.session.add(existing)
        except IntegrityError:  # a concurrent request of the same person inserted first
            existing = db.session.scalar(stmt.execution_options(populate_existing=True))
            if existing is None:  # pragma: no cover (the winner rolled back: try once more)
                raise
    existing.choice = choice
    existing.updated_at = now
    db.session.flush()
    return existing


def my_vote(decision: Decision, user: Any) -> str | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return db.session.scalar(
        select(Vote.choice).where(Vote.decision_id == decision.id, Vote.user_id == user.id)
    )


def results(decision: Decision) -> Results:
    """The tally (one query), and the electorate: frozen at closing, current while open."""
    rows = db.session.execute(
        select(Vote.choice, func.count(Vote.id))
        .where(Vote.decision_id == decision.id)
        .group_by(Vote.choice)
    ).all()
    counts = {choice: 0 for choice in VoteChoice.values()}
    counts.update({choice: int(n) for choice, n in rows})
    voters = sum(counts.values())
    members = decision.electorate
    if members is None:
        members = _member_count(decision.collective_id)
    return Results(
        counts["yes"],
        counts["no"],
        counts["abstain"],
        voters,
        max(members, voters),
        decision.quorum_percent,
    )


def outcome_label(outcome: str) -> str:
    labels = {
        "adopted": _("adopted"),
        "rejected": _("rejected"),
        "no_quorum": _("quorum not reached"),
    }
    return labels[outcome]


def ensure_closed(decision: Decision, now: datetime | None = None) -> bool:
    """Record the closing of a decision past its time, once; True when this call did it."""
    now = now or utcnow()
    if decision.closed_at is not None or is_open(decision, now):
        return False
    electorate = _member_count(decision.collective_id)
    closing = {"closed_at": now, "electorate": electorate}
    if not compare_and_set(decision, {"closed_at": None}, closing):
        return False  # another request recorded it meanwhile (the decision shows its closing)
    collective = decision.collective
    res = results(decision)
    _record(
        collective,
        "decision_closed",
        SYSTEM,
        decision_id=decision.id,
        from_state="open",
        to_state="closed",
    )
    result = _(
        "%(outcome)s (yes %(yes)d, no %(no)d, abstain %(abstain)d)",
        outcome=outcome_label(res.outcome),
        yes=res.yes,
        no=res.no,
        abstain=res.abstain,
    )
    _tell_members(collective, decision, "collective.result", None, result=result)
    db.session.flush()
    return True


def close_due(now: datetime | None = None) -> int:
    """Record the closing of every decision whose time has come; how many were closed."""
    now = now or utcnow()
    due = db.session.scalars(
        select(Decision).where(Decision.closed_at.is_(None), Decision.closes_at <= now)
    ).all()
    return sum(1 for decision in due if ensure_closed(decision, now))


def decisions_of(collective: Collective) -> list[Decision]:
    return list(
        db.session.scalars(
            select(Decision)
            .where(Decision.collective_id == collective.id)
            .order_by(Decision.closes_at.desc(), Decision.id.desc())
        )
    )


# The discussion: comments while the vote is open, who voted, reminders ---------------------------

#: Members who have not voted are reminded this long before the vote closes.
REMINDER_BEFORE = timedelta(days=1)


def comment(
    actor: Viewer, decision: Decision, data: CommentInput | dict[str, Any]
) -> DecisionComment:
    """A member comments on a proposal while its vote is open (409 after closes_at)."""
    _require_verified(actor)
    if membership_of(decision.collective, actor) is None:
        raise PermissionDenied(_("Only the members of the collective comment on its proposals."))
    given = data if isinstance(data, CommentInput) else CommentInput.load(data)
    now = utcnow()
    if not is_open(decision, now):
        raise DeadlinePassed(_("This vote is closed: comments are no longer accepted."))
    row = DecisionComment(
        decision_id=decision.id, author_id=actor.id, body=given.body, created_at=now
    )
    db.session.add(row)
    db.session.flush()
    return row


def comments_by_decision(decision_ids: list[int]) -> dict[int, list[DecisionComment]]:
    """The comments of several proposals, oldest first (one query)."""
    result: dict[int, list[DecisionComment]] = {i: [] for i in decision_ids}
    if decision_ids:
        rows = db.session.scalars(
            select(DecisionComment)
            .where(DecisionComment.decision_id.in_(decision_ids))
            .order_by(DecisionComment.id)
        ).unique()
        for row in rows:
            result[row.decision_id].append(row)
    return result


def comments_of(decision: Decision) -> list[DecisionComment]:
    return comments_by_decision([decision.id])[decision.id]


def votes_by_decision(decision_ids: list[int]) -> dict[int, list[Vote]]:
    """Who voted on several proposals (the rows, with their choice: show it only with open
    ballots), first voters first (one query)."""
    result: dict[int, list[Vote]] = {i: [] for i in decision_ids}
    if decision_ids:
        rows = db.session.scalars(
            select(Vote)
            .where(Vote.decision_id.in_(decision_ids))
            .order_by(Vote.created_at, Vote.id)
        )
        for row in rows:
            result[row.decision_id].append(row)
    return result


def votes_of(decision: Decision) -> list[Vote]:
    return votes_by_decision([decision.id])[decision.id]


def _not_voted(decision: Decision) -> list[User]:
    voted = select(Vote.user_id).where(Vote.decision_id == decision.id)
    reminded = select(DecisionReminder.user_id).where(DecisionReminder.decision_id == decision.id)
    return member_accounts(
        decision.collective_id, User.id.not_in(voted), User.id.not_in(reminded), order_by=User.id
    )


def remind_due(now: datetime | None = None) -> int:
    """Remind the members who have not voted on a proposal closing within a day, once per
    member and proposal (UNIQUE (decision_id, user_id) decides between concurrent runs);
    how many reminders were sent."""
    now = now or utcnow()
    due = db.session.scalars(
        select(Decision)
        .where(
            Decision.closed_at.is_(None),
            Decision.closes_at > now,
            Decision.closes_at <= now + REMINDER_BEFORE,
        )
        .order_by(Decision.closes_at, Decision.id)
    ).all()
    sent = 0
    for decision in due:
        collective = decision.collective
        when = datetime_short(decision.closes_at)
        for user in _not_voted(decision):
            try:
                with db.session.begin_nested():
                    db.session.add(
                        DecisionReminder(decision_id=decision.id, user_id=user.id, sent_at=now)
                    )
            except IntegrityError:  # another run reminded this person meanwhile
                continue
            notify(
                user,
                "collective.vote_reminder",
                decision_path(collective.id, decision.id),
                collective=collective.name,
                title=decision.title,
                date=when,
            )
            sent += 1
    db.session.flush()
    return sent
