"""Who may see what: one rule, used by every page, list, search, export and API answer.

Every shared object has an *audience*:
- ``public``: anyone, signed in or not;
- ``network``: verified members of any CAE;
- ``cae``: verified members of the owner's CAE.

A person whose membership is not verified sees only public content. Owners always see their
own objects, managers see everything that belongs to their CAE, admins see everything.
Objects owned by a person whose own membership is not verified (or whose account is closed)
are shown to nobody else but the managers of that CAE and admins: the CAE has not vouched for
them yet.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, and_, false, or_, select, true

from marketplace.accounts.models import User
from marketplace.profiles.models import Profile


def audience_allows(viewer: Any, audience: str, owner_cae_id: int | None) -> bool:
    """Whether the audience rule alone lets this viewer see an object of that CAE."""
    if audience == "public":
        return True
    if not viewer.is_verified:
        return False
    if audience == "network":
        return True
    return audience == "cae" and owner_cae_id is not None and viewer.cae_id == owner_cae_id


def audience_clause(viewer: Any, audience_col, owner_cae_col) -> ColumnElement[bool]:
    """The SQL form of audience_allows() for list queries."""
    if not viewer.is_verified:
        return audience_col == "public"
    return or_(
        audience_col.in_(("public", "network")),
        and_(audience_col == "cae", owner_cae_col == viewer.cae_id),
    )


def _privileged_clause(viewer: Any, owner_user_col, owner_cae_col) -> ColumnElement[bool]:
    if viewer.is_admin:
        return true()
    clauses = []
    if viewer.is_authenticated:
        clauses.append(owner_user_col == viewer.id)
    if viewer.is_manager:
        clauses.append(owner_cae_col == viewer.cae_id)
    return or_(*clauses) if clauses else false()


def _owner_is_vouched(owner: User) -> bool:
    return owner.is_active and owner.membership == "verified"


# Profiles ------------------------------------------------------------------------------------


def can_view_profile(viewer: Any, profile: Profile) -> bool:
    owner = profile.user
    if viewer.is_admin or (viewer.is_authenticated and viewer.id == owner.id):
        return True
    if viewer.manages(owner.cae_id):
        return True
    return _owner_is_vouched(owner) and audience_allows(viewer, profile.audience, owner.cae_id)


def profile_row_visible(
    viewer: Any, user_id: int, cae_id: int | None, audience: str, vouched: bool
) -> bool:
    """can_view_profile() on plain column values (for reads of many rows in one query)."""
    if viewer.is_admin or (viewer.is_authenticated and viewer.id == user_id):
        return True
    if viewer.manages(cae_id):
        return True
    return vouched and audience_allows(viewer, audience, cae_id)


def profile_visibility_clause(viewer: Any) -> ColumnElement[bool]:
    """Filter for a query over Profile joined with its User."""
    return or_(
        _privileged_clause(viewer, User.id, User.cae_id),
        and_(
            User.is_active.is_(True),
            User.membership == "verified",
            audience_clause(viewer, Profile.audience, User.cae_id),
        ),
    )


def visible_profiles(viewer: Any):
    """SELECT of the profiles this viewer may open (joined with their users)."""
    return select(Profile).join(Profile.user).where(profile_visibility_clause(viewer))


# Tenders -------------------------------------------------------------------------------------


def can_view_tender(viewer: Any, tender: Any) -> bool:
    """The owner's CAE rules, as for profiles: a cae tender is for the owner's CAE only."""
    owner = tender.owner.user
    if viewer.is_admin or (viewer.is_authenticated and viewer.id == owner.id):
        return True
    if viewer.manages(owner.cae_id):
        return True
    return _owner_is_vouched(owner) and audience_allows(viewer, tender.audience, owner.cae_id)


def visible_tenders(viewer: Any):
    """SELECT of the tenders this viewer may open (joined with the owner's profile and user)."""
    from marketplace.tenders.models import Tender

    return (
        select(Tender)
        .join(Profile, Profile.id == Tender.owner_profile_id)
        .join(User, User.id == Profile.user_id)
        .where(
            or_(
                _privileged_clause(viewer, User.id, User.cae_id),
                and_(
                    User.is_active.is_(True),
                    User.membership == "verified",
                    audience_clause(viewer, Tender.audience, User.cae_id),
                ),
            )
        )
    )
