"""Skill profiles: validation of what people write, updates, and the visible lists."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any, cast

from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select

from marketplace.accounts.models import User
from marketplace.actors import SYSTEM, Viewer
from marketplace.audience import Audience
from marketplace.errors import NotFound, PermissionDenied, ValidationError
from marketplace.extensions import db
from marketplace.geo import departments_in, normalize_department
from marketplace.ids import small_number
from marketplace.profiles.models import (
    Availability,
    Profile,
    ProfileCertification,
    ProfileLanguage,
    ProfileSkill,
    ProfileStatus,
)
from marketplace.skills.models import Skill, SkillLevel
from marketplace.skills.operations import (
    get_or_create_certifications,
    get_or_create_skills,
    skill_prefix_clause,
)
from marketplace.text import clean, clean_multiline, fold, over_limit
from marketplace.timeutil import utcnow
from marketplace.visibility import can_view_profile, visible_profiles

LIMITS = {"headline": 160, "bio": 5000, "city": 120}
MAX_SKILLS = 40
MAX_CERTIFICATIONS = 20
MAX_LANGUAGES = 10
MAX_DAILY_RATE_CENTS = 1_000_000  # 10 000 € a day: anything above is a typing mistake
FIELDS = (
    "headline", "bio", "status", "city", "department", "skills", "certifications", "languages",
    "availability", "available_from", "daily_rate_cents", "audience",
)  # fmt: skip


def _str_list(value: Any, field: str, errors: dict[str, list[str]], limit: int) -> list[str]:
    if isinstance(value, str):
        value = value.split(";")
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        errors[field] = [_("Give a list of names.")]
        return []
    names, seen = [], set()
    for raw in value:
        name = clean(raw)
        if not name or fold(name) in seen:
            continue
        if len(name) > 120:
            errors[field] = [_("Each name must be at most %(n)d characters.", n=120)]
            return []
        seen.add(fold(name))
        names.append(name)
    if len(names) > limit:
        errors[field] = [_("At most %(n)d entries.", n=limit)]
    return names


def _skills(value: Any, errors: dict[str, list[str]]) -> list[tuple[str, int]]:
    if not isinstance(value, list):
        errors["skills"] = [_("Give a list of competences with their level.")]
        return []
    result: dict[str, tuple[str, int]] = {}
    for item in value:
        if not isinstance(item, dict):
            errors["skills"] = [_("Give a list of competences with their level.")]
            return []
        name = clean(item.get("name") if isinstance(item.get("name"), str) else "")
        level: Any = item.get("level")
        if isinstance(level, str) and small_number(level) is not None:
            level = small_number(level)
        if not name:
            errors["skills"] = [_("Each competence needs a name.")]
            return []
        if len(name) > 120:
            errors["skills"] = [_("Each name must be at most %(n)d characters.", n=120)]
            return []
        if isinstance(level, bool) or level not in SkillLevel.values():
            errors["skills"] = [_("The level of “%(name)s” must be between 1 and 4.", name=name)]
            return []
        key = fold(name)
        if key in result:  # the same competence twice: keep the higher level
            level = max(level, result[key][1])
            name = result[key][0]
        result[key] = (name, level)
    if len(result) > MAX_SKILLS:
        errors["skills"] = [_("At most %(n)d competences.", n=MAX_SKILLS)]
    return list(result.values())


def validate_profile_input(data: dict[str, Any]) -> dict[str, Any]:
    """Check and normalise any subset of the profile's writable fields."""
    if not isinstance(data, dict):
        raise ValidationError(_("The profile must be an object."))
    errors: dict[str, list[str]] = {}
    out: dict[str, Any] = {}
    for key in data:
        if key not in FIELDS:
            errors[key] = [_("Unknown or read-only field.")]
    for key in ("headline", "city", "bio"):
        if key in data:
            value = data[key]
            if value is None:
                value = ""
            if not isinstance(value, str):
                errors[key] = [_("Expected text.")]
                continue
            raw, value = value, clean_multiline(value) if key == "bio" else clean(value)
            if over_limit(raw, value, LIMITS[key]):
                errors[key] = [_("At most %(n)d characters.", n=LIMITS[key])]
            out[key] = value
    for key, allowed in (
        ("status", ProfileStatus.values()),
        ("availability", Availability.values()),
        ("audience", Audience.values()),
    ):
        if key in data:
            if data[key] not in allowed:
                errors[key] = [_("Choose one of: %(values)s.", values=", ".join(allowed))]
            else:
                out[key] = data[key]
    if "department" in data:
        raw = data["department"]
        if raw in (None, ""):
            out["department"] = None
        elif not isinstance(raw, str) or normalize_department(raw) is None:
            errors["department"] = [_("Unknown French department code (e.g. 69, 2A, 974).")]
        else:
            out["department"] = normalize_department(raw)
    if "available_from" in data:
        raw = data["available_from"]
        if raw in (None, ""):
            out["available_from"] = None
        elif isinstance(raw, date):
            out["available_from"] = raw
        else:
            try:
                out["available_from"] = date.fromisoformat(str(raw))
            except ValueError:
                errors["available_from"] = [_("Expected a date (YYYY-MM-DD).")]
    if "daily_rate_cents" in data:
        raw = data["daily_rate_cents"]
        if raw is None or raw == "":
            out["daily_rate_cents"] = None
        elif isinstance(raw, bool) or not isinstance(raw, int):
            errors["daily_rate_cents"] = [_("Expected a whole number of cents.")]
        elif raw < 0 or raw > MAX_DAILY_RATE_CENTS:
            errors["daily_rate_cents"] = [_("The daily rate must be between 0 and 10 000 €.")]
        else:
            out["daily_rate_cents"] = raw
    if "skills" in data:
        out["skills"] = _skills(data["skills"], errors)
    if "certifications" in data:
        out["certifications"] = _str_list(
            data["certifications"], "certifications", errors, MAX_CERTIFICATIONS
        )
    if "languages" in data:
        out["languages"] = _str_list(data["languages"], "languages", errors, MAX_LANGUAGES)
    if errors:
        raise ValidationError(_("Some fields need your attention."), errors)
    return out


def update_profile(actor: Viewer, profile: Profile, data: dict[str, Any]) -> Profile:
    """Apply validated changes; the owner, their CAE's managers and admins may edit."""
    if actor is not SYSTEM and not (actor.id == profile.user_id or actor.manages(profile.cae_id)):
        raise PermissionDenied(_("You cannot edit this profile."))
    values = validate_profile_input(data)
    for key in ("headline", "bio", "status", "city", "department", "availability",
                "available_from", "daily_rate_cents", "audience"):  # fmt: skip
        if key in values:
            setattr(profile, key, values[key])
    if "skills" in values:
        records = get_or_create_skills(name for name, _level in values["skills"])
        profile.skills = [
            ProfileSkill(skill=records[fold(name)], level=level, position=i)
            for i, (name, level) in enumerate(values["skills"])
        ]
    if "certifications" in values:
        certifications = get_or_create_certifications(values["certifications"])
        profile.certifications = [
            ProfileCertification(certification=certifications[fold(name)])
            for name in values["certifications"]
        ]
    if "languages" in values:
        profile.languages = [
            ProfileLanguage(name=name, position=i) for i, name in enumerate(values["languages"])
        ]
    profile.updated_at = utcnow()
    db.session.flush()
    return profile


def get_profile(viewer: Viewer, profile_id: int) -> Profile:
    """The profile if this viewer may open it; NotFound otherwise (hidden looks absent)."""
    profile = db.session.get(Profile, profile_id)
    if profile is None or not can_view_profile(viewer, profile):
        raise NotFound(_("This profile does not exist or is not visible to you."))
    return profile


@dataclass
class ProfileFilters:
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
    return stmt.order_by(Profile.updated_at.desc(), Profile.id.desc())


def recent_profiles(limit: int = 6) -> list[Profile]:

    stmt = filtered_profiles(current_user, ProfileFilters())
    return list(db.session.scalars(stmt.limit(limit)).unique())


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
