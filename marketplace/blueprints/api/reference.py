"""Reference data: the CAE directory and the skills autocomplete."""

from __future__ import annotations

from flask import jsonify, request
from flask_login import current_user
from sqlalchemy import func, select

from marketplace.accounts.operations import cae_member_counts
from marketplace.blueprints.api.blueprint import bp
from marketplace.blueprints.api.pagination import page_args, page_body
from marketplace.blueprints.api.serializers import cae_json, skill_json
from marketplace.caes.models import Cae
from marketplace.extensions import db
from marketplace.pagination import offset_of
from marketplace.profiles.finder import visible_skill_counts
from marketplace.profiles.operations import skill_counts, skill_counts_total
from marketplace.skills.models import Skill
from marketplace.skills.operations import skill_prefix_clause
from marketplace.text import clean

#: Longer autocomplete queries cannot match a skill name (120 characters at most).
MAX_QUERY = 120


@bp.get("/caes")
def caes():
    page, per_page = page_args()
    total = db.session.scalar(select(func.count(Cae.id))) or 0
    rows = db.session.scalars(
        select(Cae).order_by(Cae.name, Cae.id).limit(per_page).offset(offset_of(page, per_page))
    ).all()
    counts = cae_member_counts() if rows else {}
    return jsonify(
        page_body(rows, total, page, per_page, lambda cae: cae_json(cae, counts.get(cae.id, 0)))
    )


@bp.get("/skills")
def skills():
    page, per_page = page_args()
    query = clean(request.args.get("q"))[: MAX_QUERY + 1]
    if len(query) > MAX_QUERY:
        return jsonify({"items": [], "total": 0, "page": page, "per_page": per_page})
    counts = visible_skill_counts(current_user)
    if counts is None:  # no index on this node yet: count in the database
        total = skill_counts_total(current_user, query)
        rows = skill_counts(current_user, query, limit=per_page, offset=offset_of(page, per_page))
    else:
        stmt = select(Skill)
        if query:
            stmt = stmt.where(skill_prefix_clause(query))
        found = [(s, counts[s.key]) for s in db.session.scalars(stmt) if counts.get(s.key)]
        found.sort(key=lambda row: (-row[1], row[0].key))
        total = len(found)
        rows = found[offset_of(page, per_page) : page * per_page]
    return jsonify(page_body(rows, total, page, per_page, lambda row: skill_json(*row)))
