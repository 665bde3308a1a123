"""Deadline reminders: tell the team N days before the deadline, once (for cron)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from marketplace.extensions import db
from marketplace.tenders import notify
from marketplace.tenders.models import Tender
from marketplace.timeutil import utcnow

#: Statuses in which the team is still preparing its offer.
PREPARING = ("open", "team_formed")


def send_due_reminders(days: int = 3) -> tuple[int, int]:
    """E-mail every member of the teams whose deadline falls within `days` days, once per tender.

    Returns (tenders, messages). The tenders are marked (reminder_sent_at) in the same
    transaction as the messages are queued: they leave after the commit, and only once.
    """
    now = utcnow()
    stmt = (
        select(Tender)
        .where(
            Tender.status.in_(PREPARING),
            Tender.deadline > now,
            Tender.deadline <= now + timedelta(days=days),
            Tender.reminder_sent_at.is_(None),
        )
        .order_by(Tender.deadline, Tender.id)
        .with_for_update(skip_locked=True, of=Tender)
    )
    tenders = list(db.session.scalars(stmt).unique())
    messages = 0
    for tender in tenders:
        for member in tender.members:
            user = member.profile.user
            if user.is_active:
                notify.deadline_reminder(tender, member.profile)
                messages += 1
        tender.reminder_sent_at = now
    db.session.flush()
    return len(tenders), messages
