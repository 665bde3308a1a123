"""What tenders tell people (through marketplace.notifications): applications, decisions,
deadlines and cancellations. Each message is a notification in the site and, by each person's
setting, an e-mail at once or in the daily digest; nothing leaves before the commit.
"""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l

from marketplace.formatting import datetime_short
from marketplace.notifications import Silence, notify, register_kind, site_path

register_kind(
    "tender.application",
    _l("%(person)s applies to your tender “%(title)s” (lots: %(lots)s)."),
)
register_kind(
    "tender.accepted", _l("You are in the team for “%(title)s”: %(person)s accepted you.")
)
register_kind("tender.declined", _l("%(person)s declined your application to “%(title)s”."))
register_kind(
    "tender.deadline",
    _l("The deadline of “%(title)s” is near: offers are due on %(deadline)s (Paris time)."),
)
register_kind(
    "tender.cancelled",
    _l("“%(title)s” is cancelled: %(person)s will not answer this tender with the team."),
)

register_kind(
    "tender.notice_cancelled",
    _l("The buyer cancelled the public notice of your tender “%(title)s” (%(reference)s)."),
)

_silence = Silence("tender_notifications_silenced")
#: No message inside this block (the demo data loader).
silenced = _silence.block


def _tell(user: Any, kind: str, tender: Any, **args: Any) -> None:
    if _silence.on:
        return
    notify(user, kind, site_path("tenders.show", tender_id=tender.id), title=tender.title, **args)


def _tell_owner(tender: Any, kind: str, **args: Any) -> None:
    _tell(tender.owner.user, kind, tender, **args)


def _lot_numbers(row: Any) -> str:
    """The numbers of the lots an application or an invitation is for: « 1, 3 »."""
    return ", ".join(str(lot.number) for lot in row.lots)


def application_received(tender: Any, application: Any) -> None:
    person = application.applicant.display_name
    _tell_owner(tender, "tender.application", person=person, lots=_lot_numbers(application))


def application_decided(tender: Any, application: Any) -> None:
    kind = "tender.accepted" if application.state == "accepted" else "tender.declined"
    _tell(application.applicant.user, kind, tender, person=tender.owner.display_name)


def deadline_reminder(tender: Any, member_profile: Any) -> None:
    _tell(member_profile.user, "tender.deadline", tender, deadline=datetime_short(tender.deadline))


def tender_cancelled(tender: Any) -> None:
    """Tell the team (and pending applicants) that the owner cancelled the tender."""
    people = [m.profile for m in tender.members if m.profile_id != tender.owner_profile_id]
    people += [a.applicant for a in tender.applications if a.state == "pending"]
    for profile in people:
        _tell(profile.user, "tender.cancelled", tender, person=tender.owner.display_name)


def notice_cancelled(tender: Any, notice: Any) -> None:
    """Tell the owner of a team tender built from a public notice that its buyer cancelled it."""
    reference = notice.reference or notice.source_id or ""
    _tell_owner(tender, "tender.notice_cancelled", reference=reference)


register_kind(
    "tender.invitation",
    _l("%(person)s invites you to join the team of “%(title)s” (lots: %(lots)s)."),
)
register_kind(
    "tender.invitation_answered",
    _l("%(person)s answered your invitation to “%(title)s”: %(answer)s."),
)


def invitation_sent(tender: Any, invitation: Any) -> None:
    if _silence.on:
        return
    notify(
        invitation.invitee.user,
        "tender.invitation",
        site_path(
            "tender_invitations.show", tender_id=tender.id, tender_invitation_id=invitation.id
        ),
        person=tender.owner.display_name,
        title=tender.title,
        lots=_lot_numbers(invitation),
    )


def invitation_answered(tender: Any, invitation: Any, answer: str) -> None:
    person = invitation.invitee.display_name
    _tell_owner(tender, "tender.invitation_answered", person=person, answer=answer)
