"""Profiles: the visible list with filters and facets, one profile, the caller and their profile."""

from __future__ import annotations

from typing import Any

from flask import jsonify, request
from flask_babel import gettext as _
from flask_login import current_user

from marketplace.blueprints.api.auth import rate_limit_key, require_user
from marketplace.blueprints.api.blueprint import bp
from marketplace.blueprints.api.errors import ApiError
from marketplace.blueprints.api.pagination import page_args, page_body
from marketplace.blueprints.api.serializers import me_json, profile_json
from marketplace.errors import NotFound, ValidationError
from marketplace.extensions import limiter
from marketplace.geo import REGIONS, normalize_department
from marketplace.ids import parse_id
from marketplace.profiles.finder import Hit, search_profiles
from marketplace.profiles.models import Availability, ProfileStatus
from marketplace.profiles.operations import ProfileFilters, get_profile, update_profile
from marketplace.text import clean, fold

MAX_TEXT_ARG = 200
_REGIONS_BY_KEY = {fold(name): name for name in REGIONS}


def _arg(name: str) -> str | None:
    value = clean(request.args.get(name))
    return value[:MAX_TEXT_ARG] or None


def filters_from_args() -> ProfileFilters:
    """ProfileFilters from the query string; a value that cannot match → 422 with fields."""
    fields: dict[str, list[str]] = {}
    filters = ProfileFilters(q=_arg("q"), skill=_arg("skill"))
    if department := _arg("department"):
        filters.department = normalize_department(department)
        if filters.department is None:
            fields["department"] = [_("Unknown French department code (e.g. 69, 2A, 974).")]
    if region := _arg("region"):
        filters.region = _REGIONS_BY_KEY.get(fold(region))
        if filters.region is None:
            fields["region"] = [_("Unknown region.")]
    if cae := _arg("cae"):
        if (cae_id := parse_id(cae)) is not None:
            filters.cae = cae_id
        else:
            fields["cae"] = [_("Expected the id of a CAE (a whole number).")]
    for name, allowed in (
        ("status", ProfileStatus.values()),
        ("availability", Availability.values()),
    ):
        if value := _arg(name):
            if value in allowed:
                setattr(filters, name, value)
            else:
                fields[name] = [_("Choose one of: %(values)s.", values=", ".join(allowed))]
    if fields:
        raise ValidationError(_("Some filters are not valid."), fields)
    return filters


def _list_item(hit: Hit, ranked: bool) -> dict[str, Any]:
    item = profile_json(hit.profile)
    #: Relevance (higher is better) when the list answers a query; null without one.
    item["score"] = hit.score if ranked else None
    item["highlights"] = {name: str(text) for name, text in hit.highlights.items()}
    return item


@bp.get("/profiles")
def profiles():
    """Full-text search (with q) or the latest updated visible profiles, with facets.

    Both go through the search index (search_profiles): visibility is applied in the index
    query, so totals and facet counts only count what the reader may open, and again against
    the database for the page's rows.
    """
    filters = filters_from_args()
    page, per_page = page_args()
    result = search_profiles(current_user, filters.q, filters, page, per_page, suggest=False)
    ranked = bool(result.query)
    body = page_body(result.items, result.total, page, per_page, lambda h: _list_item(h, ranked))
    body["facets"] = result.facets
    return jsonify(body)


@bp.get("/profiles/<int:profile_id>")
def profile(profile_id: int):
    return jsonify(profile_json(get_profile(current_user, profile_id)))


@bp.get("/me")
def me():
    return jsonify(me_json(require_user()))


def json_object() -> dict[str, Any]:
    """The request body: a JSON object, or a 400 error."""
    data = request.get_json(force=True, silent=True)
    if not isinstance(data, dict):
        raise ApiError(400, "bad_request", _("The request body must be a JSON object."))
    return data


@bp.patch("/me/profile")
@limiter.limit("60 per minute", key_func=rate_limit_key)
def update_my_profile():
    user = require_user()
    data = json_object()
    if user.profile is None:
        raise NotFound(_("This profile does not exist or is not visible to you."))
    profile = update_profile(user, user.profile, data)
    return jsonify(profile_json(profile))
