"""Who may act in subcontracting: a verified member with a profile (offers and records alike)."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _

from marketplace.errors import PermissionDenied
from marketplace.profiles.models import Profile


def acting_profile(actor: Any) -> Profile:
    """The profile of a verified person: only they may post, answer or propose."""
    if not getattr(actor, "is_authenticated", False) or actor.profile is None:
        raise PermissionDenied(_("Sign in to do this."))
    if not actor.is_verified:
        raise PermissionDenied(
            _("Your CAE must verify your membership before you can subcontract work.")
        )
    return actor.profile
