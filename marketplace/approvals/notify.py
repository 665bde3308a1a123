"""What the CAE's sign-off tells people: managers are asked, the person who asked hears the
answer. Through marketplace.notifications (the bell, and e-mail by each person's setting, written
to the outbox in the same transaction)."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from marketplace.accounts.models import User
from marketplace.extensions import db
from marketplace.notifications import Silence, notify, register_kind, site_path

register_kind(
    "approval.requested",
    _l("%(cae)s is asked to sign: %(what)s “%(title)s” awaits your approval."),
)
register_kind("approval.approved", _l("%(cae)s approved “%(title)s”."))
register_kind("approval.refused", _l("%(cae)s refused “%(title)s”: %(comment)s"))
register_kind("status.proposed", _l("%(person)s proposes a change of status: %(status)s."))
register_kind("status.confirmed", _l("Your CAE confirmed your status: %(status)s."))
register_kind("status.refused", _l("Your CAE did not confirm the status you proposed: %(status)s."))

_silence = Silence("approval_notifications_silenced")
#: No message inside this block (the demo data loader).
silenced = _silence.block


def managers_of(cae_id: int) -> list[User]:
    """The active managers of a CAE (one query)."""
    stmt = select(User).where(
        User.cae_id == cae_id, User.role == "manager", User.is_active.is_(True)
    )
    return list(db.session.scalars(stmt.order_by(User.id)))


def tell_managers(cae_id: int, kind: str, path: str, **params: Any) -> None:
    """The same notice to each active manager of a CAE (the bell, and e-mail by setting)."""
    for manager in managers_of(cae_id):
        notify(manager, kind, path, **params)


def approval_requested(cae: Any, what: Any, title: str) -> None:
    if _silence.on:
        return
    path = site_path("manage.approvals")
    tell_managers(cae.id, "approval.requested", path, cae=cae.name, what=what, title=title)


def approval_decided(recipients: list[Any], approval: Any, title: str, url: str) -> None:
    if _silence.on:
        return
    kind = "approval.approved" if approval.state == "approved" else "approval.refused"
    seen: set[int] = set()
    for user in recipients:
        if user is None or user.id in seen:
            continue
        seen.add(user.id)
        notify(user, kind, url, cae=approval.cae.name, title=title, comment=approval.comment)


def status_proposed(profile: Any, status_label: Any) -> None:
    if _silence.on or profile.user.cae_id is None:
        return
    tell_managers(
        profile.user.cae_id,
        "status.proposed",
        site_path("manage.statuses_page"),
        person=profile.display_name,
        status=status_label,
    )


def status_decided(profile: Any, confirmed: bool, status_label: Any) -> None:
    if _silence.on:
        return
    kind = "status.confirmed" if confirmed else "status.refused"
    notify(
        profile.user, kind, site_path("profiles.show", profile_id=profile.id), status=status_label
    )
