"""Queries behind the management pages: people of a CAE, membership history, accounts.

Each helper checks that the actor may see what it asks for: the managers of a CAE and admins.
A manager asking about another CAE gets NotFound (hidden looks absent); anybody else who is
neither manager nor admin gets PermissionDenied.
"""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import joinedload, selectinload

from marketplace.accounts.models import MembershipEvent, MembershipState, User
from marketplace.actors import Viewer
from marketplace.caes.models import Cae
from marketplace.errors import NotFound, PermissionDenied
from marketplace.extensions import db
from marketplace.text import clean


def require_manager(actor: Viewer) -> None:
    """Managers and admins only."""
    if not actor.is_authenticated or not (actor.is_admin or actor.is_manager):
        raise PermissionDenied(_("Only CAE managers and administrators can open this page."))


def require_admin(actor: Viewer) -> None:
    if not actor.is_authenticated or not actor.is_admin:
        raise PermissionDenied(_("Only administrators can open this page."))


def managed_cae(actor: Viewer, cae_id: int) -> Cae:
    """The CAE if the actor manages it; NotFound for another CAE's managers and unknown ids."""
    require_manager(actor)
    cae = db.session.get(Cae, cae_id)
    if cae is None or not actor.manages(cae.id):
        raise NotFound(_("This CAE does not exist."))
    return cae


def managed_person(actor: Viewer, user_id: int) -> User:
    """A person of a CAE the actor manages; NotFound otherwise."""
    require_manager(actor)
    user = db.session.get(User, user_id)
    if user is None or user.cae_id is None or not actor.manages(user.cae_id):
        raise NotFound(_("This person does not exist."))
    return user


def membership_counts(cae_ids: list[int] | None = None) -> dict[int, dict[str, int]]:
    """{cae_id: {'pending': n, 'verified': n, 'refused': n}} for active accounts, one query."""
    stmt = (
        select(User.cae_id, User.membership, func.count(User.id))
        .where(User.cae_id.is_not(None), User.is_active.is_(True))
        .group_by(User.cae_id, User.membership)
    )
    if cae_ids is not None:
        stmt = stmt.where(User.cae_id.in_(cae_ids))
    counts: dict[int, dict[str, int]] = {}
    for cae_id, state, n in db.session.execute(stmt):
        assert cae_id is not None  # WHERE cae_id IS NOT NULL
        counts.setdefault(cae_id, dict.fromkeys(MembershipState.values(), 0))[state] = n
    return counts


def dashboard_caes(actor: Viewer) -> list[tuple[Cae, dict[str, int]]]:
    """The CAEs the actor manages (all of them for admins) with their membership counts."""
    require_manager(actor)
    if actor.is_admin:
        caes = list(db.session.scalars(select(Cae).order_by(Cae.name)))
        counts = membership_counts()
    else:
        caes = [actor.cae] if isinstance(actor, User) and actor.cae is not None else []
        counts = membership_counts([c.id for c in caes])
    empty = dict.fromkeys(MembershipState.values(), 0)
    return [(cae, counts.get(cae.id, empty)) for cae in caes]


def cae_people(actor: Viewer, cae_id: int, state: str = "pending") -> Select:
    """SELECT of the people of a CAE in a membership state; oldest requests first when pending."""
    managed_cae(actor, cae_id)
    stmt = select(User).options(selectinload(User.profile)).where(User.cae_id == cae_id)
    if state in MembershipState.values():
        stmt = stmt.where(User.membership == state)
    if state == "pending":
        return stmt.order_by(User.created_at, User.id)
    return stmt.order_by(User.last_name, User.first_name, User.id)


def membership_history(actor: Viewer, cae_id: int) -> Select:
    """SELECT of the membership events of a CAE, newest first, with the people loaded."""
    managed_cae(actor, cae_id)
    return (
        select(MembershipEvent)
        .options(joinedload(MembershipEvent.user), joinedload(MembershipEvent.actor))
        .where(MembershipEvent.cae_id == cae_id)
        .order_by(MembershipEvent.at.desc(), MembershipEvent.id.desc())
    )


def search_accounts(actor: Viewer, query: str = "") -> Select:
    """SELECT of the accounts whose name or e-mail contain every word of the query (admins)."""
    require_admin(actor)
    stmt = select(User)
    for word in clean(query).lower().split()[:8]:
        pattern = "%" + word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        stmt = stmt.where(
            or_(
                func.lower(User.email).like(pattern, escape="\\"),
                func.lower(User.first_name).like(pattern, escape="\\"),
                func.lower(User.last_name).like(pattern, escape="\\"),
            )
        )
    return stmt.order_by(User.last_name, User.first_name, User.id)
