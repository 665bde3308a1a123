"""What a collective's page and the lists show, each in a constant number of queries."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import partial
from typing import Any, cast

from sqlalchemy import Select, exists, func, or_, select
from sqlalchemy.orm import contains_eager

from marketplace.accounts.models import User
from marketplace.actors import Viewer
from marketplace.caes.models import Cae
from marketplace.collectives.models import Collective, CollectiveEvent, CollectiveMember
from marketplace.collectives.search import sector_term
from marketplace.collectives.visibility import can_view_collective, visible_collectives
from marketplace.extensions import db
from marketplace.places.search import Located, PlaceFilters, place_of
from marketplace.profiles.models import Profile, ProfileSkill
from marketplace.search.listing import by_ids, list_page, no_filter
from marketplace.skills.models import Skill
from marketplace.tenders.models import Tender
from marketplace.tenders.visibility import visible_tenders
from marketplace.text import clean, fold
from marketplace.visibility import profile_row_predicate, profile_visibility_clause


@dataclass
class CollectiveFilters(PlaceFilters):
    q: str | None = None
    sector: str | None = None
    region: str | None = None
    #: A CAE represented among the members.
    cae: int | None = None


def _like(value: str) -> str:
    escaped = value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def filtered_collectives(viewer: Viewer, filters: CollectiveFilters) -> Select:
    """The visible collectives matching the filters, most recently active first."""
    stmt = visible_collectives(viewer)
    if filters.sector:
        stmt = stmt.where(Collective.sector_key == fold(filters.sector)[:80])
    if filters.region:
        stmt = stmt.where(Collective.region == filters.region)
    stmt = place_of(filters).narrow(stmt, Profile, members_places(), Collective.id)
    if filters.cae is not None:
        represented = exists(
            select(CollectiveMember.id)
            .join(User, User.id == CollectiveMember.user_id)
            .where(CollectiveMember.collective_id == Collective.id, User.cae_id == filters.cae)
        )
        stmt = stmt.where(represented)
    if filters.q:
        for word in clean(filters.q).split()[:10]:
            patterns = {_like(fold(word)), _like(word.lower())}
            stmt = stmt.where(
                or_(
                    *(
                        or_(
                            func.lower(Collective.name).like(p, escape="\\"),
                            func.lower(Collective.description).like(p, escape="\\"),
                            Collective.sector_key.like(p, escape="\\"),
                        )
                        for p in sorted(patterns)
                    )
                )
            )
    return stmt.order_by(Collective.updated_at.desc(), Collective.id.desc())


def list_collectives(
    viewer: Viewer, filters: CollectiveFilters, page: int, per_page: int
) -> tuple[list[Collective], int]:
    """With words: the search engine, best first; without: the database, latest active first."""
    return list_page(
        viewer,
        filters,
        page,
        per_page,
        database=lambda: filtered_collectives(viewer, filters),
        doc_type="collective",
        terms=partial(_index_terms, filters),
        reload=by_ids(Collective),
        visible=can_view_collective,
        count_miss=no_filter,
    )


def _index_terms(filters: CollectiveFilters, place: Located) -> dict[str, Any]:
    terms: dict[str, Any] = {}
    place.index_terms(terms, Profile, lambda i: f"collective:{i}", members_places())
    if filters.sector:
        terms["collective_sector"] = sector_term(fold(filters.sector)[:80]) or "?"
    if filters.region:
        terms["collective_region"] = filters.region
    if filters.cae is not None:
        terms["collective_cae"] = str(filters.cae)
    return terms


def person_shown(viewer: Viewer) -> Callable[[User, str | None], bool]:
    """Whether this viewer may see who a member is: the profile rule of visibility.py on the
    member's account and profile audience (no profile: only the privileged see the name)."""
    visible = profile_row_predicate(viewer)

    def shown(user: User, audience: str | None) -> bool:
        vouched = bool(user.is_active) and user.membership == "verified"
        return visible(user.id, user.cae_id, audience or "", vouched)

    return shown


@dataclass
class PersonShown:
    """How a reader sees a person: name and profile, or only their CAE when hidden."""

    profile_id: int | None
    display_name: str | None
    hidden: bool
    cae: Cae | None


def people_of(viewer: Viewer, user_ids: Iterable[int | None]) -> dict[int, PersonShown]:
    """Authors and voters as this viewer may see them (the profile rule): one query."""
    ids = {i for i in user_ids if i is not None}
    if not ids:
        return {}
    rows = cast(
        "Iterable[tuple[User, int | None, str | None]]",
        db.session.execute(
            select(User, Profile.id, Profile.audience)
            .outerjoin(Profile, Profile.user_id == User.id)
            .where(User.id.in_(ids))
        ).unique(),
    )
    shown = person_shown(viewer)
    result = {}
    for user, profile_id, audience in rows:
        hidden = not shown(user, audience)
        result[user.id] = PersonShown(
            None if hidden else profile_id,
            None if hidden else user.display_name,
            hidden,
            user.cae,
        )
    return result


def members_of(viewer: Viewer, collective_ids: list[int]) -> dict[int, list[CollectiveMember]]:
    """Members (with their account, CAE and profile) of several collectives: one query.

    Each member gets ``hidden``: True when the viewer may not see the person's profile; such a
    member is shown as "someone from <CAE>", without name, link or ``profile_id``.
    """
    if not collective_ids:
        return {}
    stmt = (
        select(CollectiveMember)
        .join(CollectiveMember.user)
        .outerjoin(User.cae)
        .outerjoin(Profile, Profile.user_id == User.id)
        .options(contains_eager(CollectiveMember.user).contains_eager(User.cae))
        .add_columns(Profile.id, Profile.audience)
        .where(CollectiveMember.collective_id.in_(collective_ids))
        .order_by(
            CollectiveMember.collective_id,
            (CollectiveMember.role != "coordinator"),
            User.last_name,
            User.first_name,
        )
    )
    shown = person_shown(viewer)
    result: dict[int, list[CollectiveMember]] = {i: [] for i in collective_ids}
    named: dict[int, list[CollectiveMember]] = {i: [] for i in collective_ids}
    rows = cast(
        "Iterable[tuple[CollectiveMember, int | None, str | None]]",
        db.session.execute(stmt).unique(),
    )
    for member, profile_id, audience in rows:
        member.hidden = not shown(member.user, audience)
        member.profile_id = None if member.hidden else profile_id
        (result if member.hidden else named)[member.collective_id].append(member)
    # Named people first (coordinators first, by name), then the others by CAE: the order of
    # the list must not hint at a hidden person's name.
    for hidden in result.values():
        hidden.sort(
            key=lambda m: (m.role != "coordinator", m.user.cae.name if m.user.cae else "", m.id)
        )
    return {i: named[i] + result[i] for i in collective_ids}


def caes_of(members: list[CollectiveMember]) -> list[Cae]:
    """The CAEs represented among these members, by name (no query: loaded with them)."""
    seen: dict[int, Cae] = {}
    for member in members:
        if member.user.cae is not None:
            seen[member.user.cae.id] = member.user.cae
    return sorted(seen.values(), key=lambda c: c.name.casefold())


def competences_of(viewer: Viewer, collective_ids: list[int]) -> dict[int, list[tuple[str, int]]]:
    """What each collective knows how to do: (skill, how many members hold it), one query.

    Only the competences of profiles this viewer may see are counted (a hidden profile must
    not show through its collective).
    """
    if not collective_ids:
        return {}
    count = func.count(func.distinct(CollectiveMember.user_id))
    stmt = (
        select(CollectiveMember.collective_id, Skill.name, count)
        .join(User, User.id == CollectiveMember.user_id)
        .join(Profile, Profile.user_id == User.id)
        .join(ProfileSkill, ProfileSkill.profile_id == Profile.id)
        .join(Skill, Skill.id == ProfileSkill.skill_id)
        .where(CollectiveMember.collective_id.in_(collective_ids))
        .where(profile_visibility_clause(viewer))
        .group_by(CollectiveMember.collective_id, Skill.id, Skill.name)
        .order_by(CollectiveMember.collective_id, count.desc(), Skill.name)
    )
    result: dict[int, list[tuple[str, int]]] = {i: [] for i in collective_ids}
    for collective_id, name, n in db.session.execute(stmt):
        result[collective_id].append((name, int(n)))
    return result


def activity_of(viewer: Viewer, collective: Collective, limit: int = 30) -> list[CollectiveEvent]:
    """New members, decisions and other changes, newest first (one query). Each event gets
    ``subject_hidden`` when the viewer may not see who it is about (as in members_of)."""
    shown = (
        "created",
        "joined",
        "request_approved",
        "invitation_accepted",
        "left",
        "removed",
        "role_changed",
        "decision_opened",
        "decision_closed",
    )
    rows = db.session.execute(
        select(CollectiveEvent, Profile.audience)
        .outerjoin(Profile, Profile.user_id == CollectiveEvent.subject_id)
        .where(CollectiveEvent.collective_id == collective.id, CollectiveEvent.kind.in_(shown))
        .order_by(CollectiveEvent.at.desc(), CollectiveEvent.id.desc())
        .limit(limit)
    ).unique()
    person = person_shown(viewer)
    events = []
    for event, audience in rows:
        event.subject_hidden = event.subject is not None and not person(event.subject, audience)
        events.append(event)
    return events


def collectives_of_member(user: Any) -> list[tuple[int, str]]:
    """(id, name) of the collectives this person belongs to, by name (one query)."""
    if not getattr(user, "is_authenticated", False):
        return []
    stmt = (
        select(Collective.id, Collective.name)
        .join(CollectiveMember, CollectiveMember.collective_id == Collective.id)
        .where(CollectiveMember.user_id == user.id)
        .order_by(Collective.name)
    )
    return [(i, name) for i, name in db.session.execute(stmt)]


def tenders_of(viewer: Viewer, collective_id: int, limit: int = 20) -> list:
    """The tenders posted for a collective that this viewer may open, next deadline first."""
    stmt = (
        visible_tenders(viewer)
        .where(Tender.collective_id == collective_id)
        .order_by(Tender.deadline.desc(), Tender.id.desc())
        .limit(limit)
    )
    return list(db.session.scalars(stmt).unique())


def sectors_in_use(viewer: Viewer) -> list[str]:
    """Distinct sectors of the visible collectives (choices of the filter)."""
    sub = visible_collectives(viewer).where(Collective.sector_key != "").subquery()
    rows = db.session.execute(
        select(func.min(sub.c.sector), sub.c.sector_key).group_by(sub.c.sector_key)
    ).all()
    return sorted((row[0] for row in rows), key=fold)


def coordinated_by(user: Any) -> list[Collective]:
    """The collectives this person coordinates (to invite someone from a profile page)."""
    if not getattr(user, "is_authenticated", False):
        return []
    return list(
        db.session.scalars(
            select(Collective)
            .join(CollectiveMember, CollectiveMember.collective_id == Collective.id)
            .where(CollectiveMember.user_id == user.id, CollectiveMember.role == "coordinator")
            .order_by(Collective.name)
        )
    )


def collectives_of_person(viewer: Viewer, user_id: int) -> list[tuple[Collective, str]]:
    """The collectives (visible to viewer) a person belongs to, with their role: one query."""
    rows = cast(
        "Iterable[tuple[Collective, str]]",
        db.session.execute(
            visible_collectives(viewer)
            .add_columns(CollectiveMember.role)
            .join(CollectiveMember, CollectiveMember.collective_id == Collective.id)
            .where(CollectiveMember.user_id == user_id)
            .order_by(Collective.name)
        ),
    )
    return [(collective, role) for collective, role in rows]


def my_memberships(user: Any) -> dict[int, str]:
    """collective id → the user's role, for the collectives the user belongs to."""
    if not getattr(user, "is_authenticated", False):
        return {}
    rows = db.session.execute(
        select(CollectiveMember.collective_id, CollectiveMember.role).where(
            CollectiveMember.user_id == user.id
        )
    )
    return dict(rows.all())


__all__ = [
    "CollectiveFilters",
    "PersonShown",
    "activity_of",
    "caes_of",
    "collectives_of_member",
    "competences_of",
    "filtered_collectives",
    "members_of",
    "my_memberships",
    "people_of",
    "person_shown",
    "sectors_in_use",
    "tenders_of",
]


def members_places():
    """(collective id, latitude, longitude) of each member's profile: a collective lies
    where its members work (its distance is its nearest member's)."""
    return select(CollectiveMember.collective_id, Profile.latitude, Profile.longitude).join(
        Profile, Profile.user_id == CollectiveMember.user_id
    )
