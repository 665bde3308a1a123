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

This module holds the audience core and the rule of the objects a person owns (profiles first);
each domain writes its own rule beside it, from these pieces: collectives/visibility.py,
subcontracting/visibility.py (offers, records), tenders/visibility.py.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, Select, and_, false, or_, select, true

from marketplace.accounts.models import User
from marketplace.actors import Viewer
from marketplace.audience import Audience
from marketplace.errors import NotFound
from marketplace.extensions import db
from marketplace.profiles.models import Profile

__all__ = ["Audience"]

_Row = TypeVar("_Row")


def audience_allows(viewer: Viewer, audience: str, owner_cae_id: int | None) -> bool:
    """Whether the audience rule alone lets this viewer see an object of that CAE."""
    if audience == "public":
        return True
    if not viewer.is_verified:
        return False
    if audience == "network":
        return True
    return audience == "cae" and owner_cae_id is not None and viewer.cae_id == owner_cae_id


def audience_clause(viewer: Viewer, audience_col, owner_cae_col) -> ColumnElement[bool]:
    """The SQL form of audience_allows() for list queries."""
    if not viewer.is_verified:
        return audience_col == "public"
    return or_(
        audience_col.in_(("public", "network")),
        and_(audience_col == "cae", owner_cae_col == viewer.cae_id),
    )


def privileged_clause(viewer: Viewer, owner_user_col, owner_cae_col) -> ColumnElement[bool]:
    """Admins, the owner and the managers of the owner's CAE (SQL)."""
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


def owned_visible(viewer: Viewer, owner: User, audience: str) -> bool:
    """The rule for an object owned by a person (a profile, an offer, a tender)."""
    return profile_row_visible(viewer, owner.id, owner.cae_id, audience, _owner_is_vouched(owner))


def can_view_profile(viewer: Viewer, profile: Profile) -> bool:
    return owned_visible(viewer, profile.user, profile.audience)


def profile_row_visible(
    viewer: Viewer, user_id: int, cae_id: int | None, audience: str, vouched: bool
) -> bool:
    """can_view_profile() on plain column values (for reads of many rows in one query)."""
    return profile_row_predicate(viewer)(user_id, cae_id, audience, vouched)


def profile_row_predicate(viewer: Viewer) -> Callable[[int, int | None, str, bool], bool]:
    """profile_row_visible(viewer, …) for reading thousands of rows: the viewer's facts are
    read once, so each row costs a few comparisons (the tender suggestions check 10,000 rows
    at 100,000 profiles). The one place the row rule is written; profile_row_visible is its
    form for a single row (tests/profiles/test_visibility_rows.py).
    """
    if viewer.is_admin:
        return lambda user_id, cae_id, audience, vouched: True
    me = viewer.id if viewer.is_authenticated else None
    managed = viewer.cae_id if viewer.is_manager else None
    if viewer.is_verified:
        own_cae = viewer.cae_id
        allowed = {"public", "network"}

        def audience_ok(audience: str, cae_id: int | None) -> bool:
            return audience in allowed or (
                audience == "cae" and cae_id is not None and cae_id == own_cae
            )

    else:

        def audience_ok(audience: str, cae_id: int | None) -> bool:
            return audience == "public"

    def visible(user_id: int, cae_id: int | None, audience: str, vouched: bool) -> bool:
        if user_id == me or (managed is not None and cae_id == managed):
            return True
        return vouched and audience_ok(audience, cae_id)

    return visible


def owned_visibility_clause(viewer: Viewer, audience_col) -> ColumnElement[bool]:
    """The SQL form of owned_visible() for a query joined with the owner's User."""
    return or_(
        privileged_clause(viewer, User.id, User.cae_id),
        and_(
            User.is_active.is_(True),
            User.membership == "verified",
            audience_clause(viewer, audience_col, User.cae_id),
        ),
    )


def visible_owned(viewer: Viewer, model: Any) -> Select[Any]:
    """SELECT of the ``model`` rows this viewer may open: rows owned through a profile
    (``owner_profile_id``) with an ``audience``, such as offers and tenders, joined with the
    owner's profile and user."""
    return (
        select(model)
        .join(Profile, Profile.id == model.owner_profile_id)
        .join(User, User.id == Profile.user_id)
        .where(owned_visibility_clause(viewer, model.audience))
    )


def profile_visibility_clause(viewer: Viewer) -> ColumnElement[bool]:
    """Filter for a query over Profile joined with its User."""
    return owned_visibility_clause(viewer, Profile.audience)


def visible_profiles(viewer: Viewer):
    """SELECT of the profiles this viewer may open (joined with their users)."""
    return select(Profile).join(Profile.user).where(profile_visibility_clause(viewer))


def get_visible(
    viewer: Viewer,
    model: type[_Row],
    row_id: int,
    can_view: Callable[[Viewer, _Row], bool],
    message: str,
) -> _Row:
    """The ``model`` row with this id if ``can_view`` lets this viewer open it; NotFound with
    ``message`` otherwise (a hidden row looks absent)."""
    row = db.session.get(model, row_id)
    if row is None or not can_view(viewer, row):
        raise NotFound(message)
    return row


def own_profile(viewer: Viewer) -> Profile | None:
    """The viewer's own profile: only a signed-in person has one."""
    return viewer.profile if isinstance(viewer, User) else None
