"""What reaches the support team's desk: a new sign-up tells the CAE's managers, once.

Through marketplace.notifications (the bell, and e-mail by each manager's setting, written to
the outbox in the same transaction: nothing leaves if the sign-up rolls back)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from marketplace.accounts.models import User
from marketplace.approvals.notify import tell_managers
from marketplace.notifications import register_kind, site_path

register_kind(
    "membership.requested",
    _l("%(person)s signed up as a member of %(cae)s and awaits your verification."),
)


def membership_requested(person: User) -> None:
    """Tell each active manager of the person's CAE that a membership awaits verification."""
    if person.cae_id is None or person.membership != "pending":
        return
    cae_name = person.cae.name if person.cae else ""
    path = site_path("manage.index")
    tell_managers(
        person.cae_id, "membership.requested", path, person=person.display_name, cae=cae_name
    )
