"""Reference data: the CAE directory and the skills autocomplete."""

from __future__ import annotations

from typing import Any

from flask_login import current_user
from sqlalchemy import select

from marketplace.accounts.operations import cae_member_counts
from marketplace.blueprints.api.blueprint import bp
from marketplace.blueprints.api.pagination import page_args, page_body
from marketplace.blueprints.api.spec import PAGE_ERRORS, operations_for
from marketplace.caes.models import Cae as CaeRow
from marketplace.caes.schemas import CaeList
from marketplace.extensions import db
from marketplace.pagination import offset_of, paginate
from marketplace.profiles.finder import visible_skill_counts
from marketplace.profiles.operations import skill_counts, skill_counts_total
from marketplace.skills.models import Skill as SkillRow
from marketplace.skills.operations import skill_prefix_clause
from marketplace.skills.schemas import SkillList, SkillQuery

operation = operations_for("reference")


def _cae_values(cae: CaeRow, member_count: int) -> dict[str, Any]:
    return {
        "id": cae.id,
        "name": cae.name,
        "city": cae.city,
        "department": cae.department,
        "region": cae.region,
        "website": cae.website or None,
        "member_count": member_count,
        "siren": cae.siren,
    }


def _skill_values(skill: SkillRow, profile_count: int) -> dict[str, Any]:
    return {"id": skill.id, "name": skill.name, "profile_count": profile_count}


@bp.get("/caes")
@operation.paged("listCaes", ok=(CaeList, "A page of CAEs."))
def caes() -> Any:
    """The CAE directory, by name."""
    page, per_page = page_args()
    rows, total = paginate(select(CaeRow).order_by(CaeRow.name, CaeRow.id), page, per_page)
    counts = cae_member_counts() if rows else {}
    return CaeList.out(
        **page_body(
            rows, total, page, per_page, lambda cae: _cae_values(cae, counts.get(cae.id, 0))
        )
    )


def _visible_skills(query: str, page: int, per_page: int) -> tuple[list[tuple[SkillRow, int]], int]:
    """One page of the skills matching the prefix that visible profiles declare, and the total."""
    counts = visible_skill_counts(current_user)
    if counts is None:  # no index on this node yet: count in the database
        total = skill_counts_total(current_user, query)
        rows = skill_counts(current_user, query, limit=per_page, offset=offset_of(page, per_page))
        return rows, total
    stmt = select(SkillRow)
    if query:
        stmt = stmt.where(skill_prefix_clause(query))
    found = [(s, counts[s.key]) for s in db.session.scalars(stmt) if counts.get(s.key)]
    found.sort(key=lambda row: (-row[1], row[0].key))
    return found[(page - 1) * per_page : page * per_page], len(found)


@bp.get("/skills")
@operation.paged(
    "listSkills", query=SkillQuery, ok=(SkillList, "A page of skills."), errors=PAGE_ERRORS
)
def skills(query: SkillQuery) -> Any:
    """Skills autocomplete (prefix, case- and accent-insensitive).

    Counts only the profiles the reader may see; skills declared on no visible profile are not
    listed.
    """
    page, per_page = page_args()
    rows, total = _visible_skills(query.q, page, per_page) if query.can_match else ([], 0)
    return SkillList.out(**page_body(rows, total, page, per_page, lambda row: _skill_values(*row)))
