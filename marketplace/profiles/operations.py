"""Skill profiles: updates (checked by schemas.ProfileUpdate) and the visible lists."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, cast

from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select

from marketplace.accounts.models import User
from marketplace.actors import SYSTEM, Viewer
from marketplace.approvals import statuses
from marketplace.errors import PermissionDenied
from marketplace.extensions import db
from marketplace.geo import departments_in, normalize_department, region_of
from marketplace.places.search import PlaceFilters, place_of
from marketplace.profiles.models import (
    AvailabilityPeriod,
    Profile,
    ProfileCertification,
    ProfileLanguage,
    ProfileReference,
    ProfileSkill,
)
from marketplace.profiles.schemas import ProfileUpdate
from marketplace.skills.models import Skill
from marketplace.skills.operations import (
    get_or_create_certifications,
    get_or_create_skills,
    skill_prefix_clause,
)
from marketplace.text import fold
from marketplace.timeutil import utcnow
from marketplace.visibility import can_view_profile, get_visible, visible_profiles


def update_profile(
    actor: Viewer, profile: Profile, changes: ProfileUpdate | Mapping[str, Any]
) -> Profile:
    """Apply changes (any subset of ProfileUpdate; a mapping is checked by it first);
    the owner, their CAE's managers and admins may edit."""
    if actor is not SYSTEM and not (actor.id == profile.user_id or actor.manages(profile.cae_id)):
        raise PermissionDenied(_("You cannot edit this profile."))
    if not isinstance(changes, ProfileUpdate):
        changes = ProfileUpdate.load(changes, partial=True)
    values = changes.given()
    if "status" in values:  # a member proposes, the CAE's managers confirm
        statuses.set_status(actor, profile, values["status"])
    for key in ("headline", "bio", "city", "department", "availability",
                "available_from", "daily_rate_cents", "audience"):  # fmt: skip
        if key in values:
            setattr(profile, key, values[key])
    if "skills" in values:
        records = get_or_create_skills(name for name, _level in values["skills"])
        profile.skills = [
            ProfileSkill(skill=records[fold(name)], level=level, position=i)
            for i, (name, level) in enumerate(values["skills"])
        ]
    if "certifications" in values or "certification_details" in values:
        _set_certifications(profile, values)
    if "availability_periods" in values:
        profile.availability_periods = [
            AvailabilityPeriod(
                starts_on=period.starts_on, ends_on=period.ends_on, kind=period.kind,
                note=period.note,
            )
            for period in values["availability_periods"]
        ]  # fmt: skip
    if "references" in values:
        profile.references = [
            ProfileReference(
                position=i, title=ref.title, client_type=ref.client_type, year=ref.year,
                description=ref.description, link=ref.link,
            )
            for i, ref in enumerate(values["references"])
        ]  # fmt: skip
    if "languages" in values:
        profile.languages = [
            ProfileLanguage(name=name, position=i) for i, name in enumerate(values["languages"])
        ]
    profile.updated_at = utcnow()
    db.session.flush()
    return profile


def get_profile(viewer: Viewer, profile_id: int) -> Profile:
    """The profile if this viewer may open it; NotFound otherwise (hidden looks absent)."""
    message = _("This profile does not exist or is not visible to you.")
    return get_visible(viewer, Profile, profile_id, can_view_profile, message)


@dataclass
class ProfileFilters(PlaceFilters):
    skill: str | None = None
    department: str | None = None
    region: str | None = None
    cae: int | None = None
    status: str | None = None
    availability: str | None = None
    #: Words to find: through the search index (profiles.listing, search.service), never SQL.
    q: str | None = None


def filtered_profiles(viewer: Viewer, filters: ProfileFilters):
    """SELECT of visible profiles matching the filters, most recently updated first."""
    stmt = visible_profiles(viewer)  # words (filters.q) are the index's: profiles.listing
    if filters.skill:
        skill_ids = (
            select(ProfileSkill.profile_id).join(Skill).where(Skill.key == fold(filters.skill))
        )
        stmt = stmt.where(Profile.id.in_(skill_ids))
    if filters.department:
        stmt = stmt.where(Profile.department == normalize_department(filters.department))
    if filters.region:
        stmt = stmt.where(Profile.department.in_(departments_in(filters.region)))
    if filters.cae:
        stmt = stmt.where(User.cae_id == filters.cae)
    if filters.status:
        stmt = stmt.where(Profile.status == filters.status)
    if filters.availability:
        stmt = stmt.where(Profile.availability == filters.availability)
    stmt = place_of(filters).narrow(stmt, Profile)
    return stmt.order_by(Profile.updated_at.desc(), Profile.id.desc())


def recent_profiles(limit: int = 6) -> list[Profile]:
    """Recently updated visible profiles from across the network, for the home page: the
    newest of each region first, then the newest others, so that the page does not show only
    the last CAE to bring its members in. Two statements, whatever the number of profiles:
    the newest few of each department (the newest others overall are among them), then the
    chosen profiles."""
    newest_first = (Profile.updated_at.desc(), Profile.id.desc())
    rank = func.row_number().over(partition_by=Profile.department, order_by=newest_first)
    visible = visible_profiles(current_user).with_only_columns(Profile.id)
    per_department = (
        select(Profile.id, Profile.department, Profile.updated_at, rank.label("rank"))
        .where(Profile.id.in_(visible))
        .subquery()
    )
    rows = cast(
        "list[tuple[int, str | None]]",
        db.session.execute(
            select(per_department.c.id, per_department.c.department)
            .where(per_department.c.rank <= limit)
            .order_by(per_department.c.updated_at.desc(), per_department.c.id.desc())
        ).all(),
    )
    chosen: list[int] = []
    regions: set[str | None] = set()
    for profile_id, department in rows:  # the newest of each region
        region = region_of(department)
        if region not in regions and len(chosen) < limit:
            regions.add(region)
            chosen.append(profile_id)
    others = (profile_id for profile_id, _department in rows if profile_id not in chosen)
    chosen += list(others)[: limit - len(chosen)]
    stmt = filtered_profiles(current_user, ProfileFilters()).where(Profile.id.in_(chosen))
    return list(db.session.scalars(stmt).unique())


def _skill_counts_stmt(viewer: Viewer, query: str):
    """Skills matching a prefix that visible profiles declare, with their count (grouped)."""

    visible_ids = visible_profiles(viewer).with_only_columns(Profile.id)
    count = func.count(ProfileSkill.profile_id)
    stmt = (
        select(Skill, count)
        .outerjoin(
            ProfileSkill,
            (ProfileSkill.skill_id == Skill.id) & ProfileSkill.profile_id.in_(visible_ids),
        )
        .group_by(Skill.id)
        .having(count > 0)
    )
    if query:
        stmt = stmt.where(skill_prefix_clause(query))
    return stmt, count


def skill_counts(
    viewer: Viewer, query: str, limit: int = 10, offset: int = 0
) -> list[tuple[Skill, int]]:
    """Autocomplete: skills matching a prefix, with how many visible profiles declare each."""
    stmt, count = _skill_counts_stmt(viewer, query)
    stmt = stmt.order_by(count.desc(), Skill.key).limit(limit).offset(offset)
    rows = cast("Iterable[tuple[Skill, int]]", db.session.execute(stmt))
    return [(skill, n) for skill, n in rows]


def skill_counts_total(viewer: Viewer, query: str) -> int:
    """How many skills skill_counts() would list without a limit (for pagination)."""
    stmt, _count = _skill_counts_stmt(viewer, query)
    return db.session.scalar(select(func.count()).select_from(stmt.subquery())) or 0


def _set_certifications(profile: Profile, values: dict[str, Any]) -> None:
    """certification_details (names and dates) replaces the list; certifications (names only)
    too, keeping the date of each name it keeps."""
    if "certification_details" in values:
        given = [(c.name, c.valid_until) for c in values["certification_details"]]
    else:
        dates = {fold(pc.certification.name): pc.valid_until for pc in profile.certifications}
        given = [(name, dates.get(fold(name))) for name in values["certifications"]]
    records = get_or_create_certifications(name for name, _until in given)
    profile.certifications = [
        ProfileCertification(certification=records[fold(name)], valid_until=until)
        for name, until in given
    ]
