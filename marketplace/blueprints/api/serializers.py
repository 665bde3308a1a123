"""JSON shapes of the API objects (the contract: add fields freely, never rename or drop one)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from marketplace.accounts.models import User
from marketplace.caes.models import Cae
from marketplace.links import external_url
from marketplace.profiles.models import Profile
from marketplace.skills.models import Skill
from marketplace.timeutil import as_utc


def iso_date(value: date | None) -> str | None:
    return value.isoformat() if value else None


def iso_datetime(value: datetime | None) -> str | None:
    """ISO 8601 with its offset (UTC), e.g. 2026-11-22T09:30:00+00:00."""
    value = as_utc(value)
    return value.isoformat() if value else None


def cae_ref(cae: Cae | None) -> dict[str, Any] | None:
    return {"id": cae.id, "name": cae.name} if cae is not None else None


def cae_json(cae: Cae, member_count: int) -> dict[str, Any]:
    return {
        "id": cae.id,
        "name": cae.name,
        "city": cae.city,
        "department": cae.department,
        "region": cae.region,
        "website": cae.website or None,
        "member_count": member_count,
    }


def skill_json(skill: Skill, profile_count: int) -> dict[str, Any]:
    return {"id": skill.id, "name": skill.name, "profile_count": profile_count}


def profile_json(profile: Profile) -> dict[str, Any]:
    """A profile; relies on the models' eager loading (no query per profile in lists)."""
    user = profile.user
    return {
        "id": profile.id,
        "display_name": user.display_name,
        "headline": profile.headline or "",
        "bio": profile.bio or "",
        "cae": cae_ref(user.cae),
        "status": profile.status,
        "city": profile.city or "",
        "department": profile.department,
        "region": profile.region,
        "skills": [{"name": ps.skill.name, "level": ps.level} for ps in profile.skills],
        "certifications": profile.certification_names,
        "languages": profile.language_names,
        "availability": profile.availability,
        "available_from": iso_date(profile.available_from),
        "daily_rate_cents": profile.daily_rate_cents,
        "audience": profile.audience,
        "updated_at": iso_datetime(profile.updated_at),
        "url": external_url("profiles.show", profile_id=profile.id),
    }


def me_json(user: User) -> dict[str, Any]:
    return {
        "id": user.id,
        "email": user.email,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "display_name": user.display_name,
        "role": user.role,
        "cae": cae_ref(user.cae),
        "membership": user.membership,
        "locale": user.locale,
        "profile": profile_json(user.profile) if user.profile is not None else None,
    }
