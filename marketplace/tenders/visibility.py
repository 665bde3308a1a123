"""Who may see a tender: the rule of owned objects (marketplace.visibility), as for profiles."""

from __future__ import annotations

from sqlalchemy import select

from marketplace.accounts.models import User
from marketplace.actors import Viewer
from marketplace.profiles.models import Profile
from marketplace.tenders.models import Tender
from marketplace.visibility import owned_visibility_clause, owned_visible


def can_view_tender(viewer: Viewer, tender: Tender) -> bool:
    """The owner's CAE rules, as for profiles: a cae tender is for the owner's CAE only."""
    return owned_visible(viewer, tender.owner.user, tender.audience)


def visible_tenders(viewer: Viewer):
    """SELECT of the tenders this viewer may open (joined with the owner's profile and user)."""
    return (
        select(Tender)
        .join(Profile, Profile.id == Tender.owner_profile_id)
        .join(User, User.id == Profile.user_id)
        .where(owned_visibility_clause(viewer, Tender.audience))
    )
