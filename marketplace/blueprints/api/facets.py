"""Facets of a profile list: counts per region, department, CAE and skill (GROUP BY queries).

Counted over the same statement as the list (visible to the reader and filtered), so a hidden
profile is never counted.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from marketplace.accounts.models import User
from marketplace.caes.models import Cae
from marketplace.extensions import db
from marketplace.geo import department_label, region_of
from marketplace.profiles.models import Profile, ProfileSkill
from marketplace.skills.models import Skill

#: The skill facet lists the most frequent skills only.
SKILL_FACET_SIZE = 30


def _ordered(entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return sorted(entries, key=lambda e: (-e["count"], str(e.get("label", e["value"])).casefold()))


def profile_facets(stmt) -> dict[str, list[dict[str, Any]]]:
    """Facets for a SELECT of Profile (as built by filtered_profiles)."""
    ids = stmt.order_by(None).with_only_columns(Profile.id).scalar_subquery()
    count = func.count(Profile.id)

    by_department = db.session.execute(
        select(Profile.department, count)
        .where(Profile.id.in_(ids), Profile.department.is_not(None))
        .group_by(Profile.department)
    ).all()
    regions: dict[str, int] = {}
    for code, n in by_department:
        region = region_of(code)
        if region:
            regions[region] = regions.get(region, 0) + n

    by_cae = db.session.execute(
        select(Cae.id, Cae.name, count)
        .select_from(Profile)
        .join(User, User.id == Profile.user_id)
        .join(Cae, Cae.id == User.cae_id)
        .where(Profile.id.in_(ids))
        .group_by(Cae.id, Cae.name)
    ).all()

    skill_count = func.count(ProfileSkill.profile_id)
    by_skill = db.session.execute(
        select(Skill.name, skill_count)
        .join(ProfileSkill, ProfileSkill.skill_id == Skill.id)
        .where(ProfileSkill.profile_id.in_(ids))
        .group_by(Skill.id, Skill.name)
        .order_by(skill_count.desc(), Skill.key)
        .limit(SKILL_FACET_SIZE)
    ).all()

    return {
        "region": _ordered([{"value": r, "count": n} for r, n in regions.items()]),
        "department": _ordered(
            [
                {"value": code, "label": department_label(code), "count": n}
                for code, n in by_department
            ]
        ),
        "cae": _ordered([{"value": i, "label": name, "count": n} for i, name, n in by_cae]),
        "skill": [{"value": name, "count": n} for name, n in by_skill],
    }
