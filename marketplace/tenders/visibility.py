"""Who may see a tender: the rule of owned objects (marketplace.visibility), as for profiles.

An imported public notice (BOAMP) has no owner: verified members of any CAE and admins see it,
never a visitor nor an account a CAE has not vouched for yet (its audience is ``network``).
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, and_, false, or_, select, true

from marketplace.accounts.models import User
from marketplace.actors import Viewer
from marketplace.profiles.models import Profile
from marketplace.tenders.models import Tender
from marketplace.visibility import owned_visibility_clause, owned_visible


def can_view_notice(viewer: Viewer) -> bool:
    """Imported notices are for verified members (and admins)."""
    return bool(viewer.is_admin or viewer.is_verified)


def can_view_tender(viewer: Viewer, tender: Tender) -> bool:
    """The owner's CAE rules, as for profiles: a cae tender is for the owner's CAE only."""
    if tender.owner is None:
        return can_view_notice(viewer)
    return owned_visible(viewer, tender.owner.user, tender.audience)


def notice_clause(viewer: Viewer) -> ColumnElement[bool]:
    """The SQL form of can_view_notice() for the ownerless rows."""
    return and_(Tender.owner_profile_id.is_(None), true() if can_view_notice(viewer) else false())


def visible_tenders(viewer: Viewer):
    """SELECT of the tenders this viewer may open (outer-joined with the owner's profile and
    user: an imported notice has none)."""
    return (
        select(Tender)
        .outerjoin(Profile, Profile.id == Tender.owner_profile_id)
        .outerjoin(User, User.id == Profile.user_id)
        .where(or_(notice_clause(viewer), owned_visibility_clause(viewer, Tender.audience)))
    )
