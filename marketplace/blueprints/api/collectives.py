"""Collectives and their decisions in the API (see the contract, section Collectives)."""

from __future__ import annotations

from typing import Any

from flask import jsonify, request
from flask_babel import gettext as _
from flask_login import current_user

from marketplace.blueprints.api.auth import rate_limit_key, require_user
from marketplace.blueprints.api.blueprint import bp
from marketplace.blueprints.api.errors import ApiError
from marketplace.blueprints.api.pagination import page_args, page_body
from marketplace.blueprints.api.serializers import cae_ref, iso_datetime
from marketplace.collectives import decisions as dec
from marketplace.collectives import operations as ops
from marketplace.collectives import queries
from marketplace.collectives.models import Collective, CollectiveMember, Decision
from marketplace.errors import NotFound, ValidationError
from marketplace.extensions import db, limiter
from marketplace.geo import REGIONS
from marketplace.ids import is_id, parse_id
from marketplace.links import external_url
from marketplace.profiles.models import Profile
from marketplace.text import clean, fold
from marketplace.visibility import can_view_profile

_REGIONS_BY_KEY = {fold(name): name for name in REGIONS}
WRITE_LIMIT = "120 per minute"


def _json_object(optional: bool = False) -> dict[str, Any]:
    if optional and not request.get_data():
        return {}
    data = request.get_json(force=True, silent=True)
    if not isinstance(data, dict):
        raise ApiError(400, "bad_request", _("The request body must be a JSON object."))
    return data


def member_json(member: CollectiveMember) -> dict[str, Any]:
    """A member as queries.members_of() left it: someone the reader may not see has
    ``hidden: true`` and null ``profile_id`` and ``display_name`` (their CAE and role stay)."""
    user = member.user
    hidden = getattr(member, "hidden", True)
    return {
        "profile_id": None if hidden else getattr(member, "profile_id", None),
        "display_name": None if hidden else user.display_name,
        "hidden": hidden,
        "cae": cae_ref(user.cae),
        "role": member.role,
        "joined_at": iso_datetime(member.joined_at),
    }


def collective_json(
    collective: Collective,
    members: list[CollectiveMember],
    competences: list[tuple[str, int]],
) -> dict[str, Any]:
    return {
        "id": collective.id,
        "name": collective.name,
        "description": collective.description or "",
        "sector": collective.sector or "",
        "region": collective.region,
        "audience": collective.audience,
        "join_policy": collective.join_policy,
        "members": [member_json(m) for m in members],
        "skills": [name for name, _n in competences],
        "skill_counts": [{"name": name, "members": n} for name, n in competences],
        "caes": [cae_ref(c) for c in queries.caes_of(members)],
        "owner_cae": cae_ref(collective.cae),
        "member_count": len(members),
        "created_at": iso_datetime(collective.created_at),
        "updated_at": iso_datetime(collective.updated_at),
        "url": external_url("collectives.show", collective_id=collective.id),
    }


def _full(collective: Collective) -> dict[str, Any]:
    members = queries.members_of(current_user, [collective.id])[collective.id]
    competences = queries.competences_of(current_user, [collective.id])[collective.id]
    return collective_json(collective, members, competences)


def decision_json(decision: Decision) -> dict[str, Any]:
    res = dec.results(decision)
    closed = not dec.is_open(decision)
    return {
        "id": decision.id,
        "collective_id": decision.collective_id,
        "title": decision.title,
        "description": decision.description or "",
        "closes_at": iso_datetime(decision.closes_at),
        "quorum_percent": decision.quorum_percent,
        "status": "closed" if closed else "open",
        "tally": res.tally,
        "voters": res.voters,
        "members": res.members,
        "turnout_percent": res.turnout_percent,
        "quorum_reached": res.quorum_reached,
        "outcome": res.outcome if closed else None,
        "my_vote": dec.my_vote(decision, current_user),
        "created_at": iso_datetime(decision.created_at),
        "url": external_url(
            "collectives.decision", collective_id=decision.collective_id, decision_id=decision.id
        ),
    }


def _filters() -> queries.CollectiveFilters:
    fields: dict[str, list[str]] = {}

    def arg(name: str) -> str | None:
        return clean(request.args.get(name))[:200] or None

    filters = queries.CollectiveFilters(q=arg("q"), sector=arg("sector"))
    if region := arg("region"):
        filters.region = _REGIONS_BY_KEY.get(fold(region))
        if filters.region is None:
            fields["region"] = [_("Unknown region.")]
    if cae := arg("cae"):
        if (cae_id := parse_id(cae)) is not None:
            filters.cae = cae_id
        else:
            fields["cae"] = [_("Expected the id of a CAE (a whole number).")]
    if fields:
        raise ValidationError(_("Some filters are not valid."), fields)
    return filters


@bp.get("/collectives")
def collectives():
    filters = _filters()
    page, per_page = page_args()
    items, total = queries.list_collectives(current_user, filters, page, per_page)
    ids = [c.id for c in items]
    members = queries.members_of(current_user, ids)
    competences = queries.competences_of(current_user, ids)
    return jsonify(
        page_body(
            items,
            total,
            page,
            per_page,
            lambda c: collective_json(c, members[c.id], competences[c.id]),
        )
    )


@bp.post("/collectives")
@limiter.limit(WRITE_LIMIT, key_func=rate_limit_key)
def create_collective():
    user = require_user()
    collective = ops.create_collective(user, _json_object())
    return jsonify(_full(collective)), 201


@bp.get("/collectives/<int:collective_id>")
def collective(collective_id: int):
    return jsonify(_full(ops.get_collective(current_user, collective_id)))


@bp.patch("/collectives/<int:collective_id>")
@limiter.limit(WRITE_LIMIT, key_func=rate_limit_key)
def update_collective(collective_id: int):
    user = require_user()
    found = ops.get_collective(user, collective_id)
    data = _json_object()
    ops.update_collective(user, found, data)
    return jsonify(_full(found))


@bp.post("/collectives/<int:collective_id>/join")
@limiter.limit(WRITE_LIMIT, key_func=rate_limit_key)
def join(collective_id: int):
    user = require_user()
    found = ops.get_collective(user, collective_id)
    data = _json_object(optional=True)
    outcome = ops.join(user, found, data.get("message"))
    if outcome["state"] == "member":
        return jsonify({"state": "member"})
    return jsonify({"state": "pending", "request_id": outcome["request"].id})


def _request_json(join_request) -> dict[str, Any]:
    return {
        "id": join_request.id,
        "collective_id": join_request.collective_id,
        "state": join_request.state,
        "message": join_request.message,
        "answer": join_request.answer,
        "person": {
            "profile_id": join_request.user.profile.id if join_request.user.profile else None,
            "display_name": join_request.user.display_name,
            "cae": cae_ref(join_request.user.cae),
        },
        "created_at": iso_datetime(join_request.created_at),
        "decided_at": iso_datetime(join_request.decided_at),
    }


@bp.get("/collectives/<int:collective_id>/requests")
def requests_of(collective_id: int):
    user = require_user()
    found = ops.get_collective(user, collective_id)
    ops.require_coordinator(found, user, _("Only the coordinators decide on requests."))
    items = ops.pending_requests(found)
    return jsonify({"items": [_request_json(r) for r in items], "total": len(items)})


def _bool(data: dict[str, Any], key: str) -> bool:
    value = data.get(key)
    if not isinstance(value, bool):
        raise ValidationError(
            _("Some fields need your attention."), {key: [_("Expected true or false.")]}
        )
    return value


@bp.post("/collectives/<int:collective_id>/requests/<int:request_id>/decision")
@limiter.limit(WRITE_LIMIT, key_func=rate_limit_key)
def decide_request(collective_id: int, request_id: int):
    user = require_user()
    found = ops.get_collective(user, collective_id)
    join_request = ops.get_request(found, request_id)
    data = _json_object()
    approve = _bool(data, "approve")
    ops.decide_request(user, join_request, approve, data.get("answer"))
    return jsonify(_request_json(join_request))


def _invitation_json(invitation) -> dict[str, Any]:
    return {
        "id": invitation.id,
        "collective_id": invitation.collective_id,
        "state": invitation.state,
        "invitee_profile_id": invitation.user.profile.id if invitation.user.profile else None,
        "message": invitation.message,
        "created_at": iso_datetime(invitation.created_at),
    }


@bp.post("/collectives/<int:collective_id>/invitations")
@limiter.limit(WRITE_LIMIT, key_func=rate_limit_key)
def invite(collective_id: int):
    user = require_user()
    found = ops.get_collective(user, collective_id)
    data = _json_object()
    profile_id = data.get("invitee_profile_id")
    profile = None
    if is_id(profile_id):
        profile = db.session.get(Profile, profile_id)
    if profile is None or not can_view_profile(user, profile):
        ops.require_coordinator(found, user, _("Only the coordinators invite new members."))
        raise ValidationError(
            _("Some fields need your attention."),
            {"invitee_profile_id": [_("Unknown profile.")]},
        )
    try:
        invitation = ops.invite(user, found, profile.user, data.get("message") or "")
    except ValidationError as error:
        if "invitee" in error.fields:
            error.fields["invitee_profile_id"] = error.fields.pop("invitee")
        raise
    return jsonify(_invitation_json(invitation)), 201


@bp.post("/collectives/<int:collective_id>/invitations/<int:invitation_id>/response")
@limiter.limit(WRITE_LIMIT, key_func=rate_limit_key)
def answer_invitation(collective_id: int, invitation_id: int):
    user = require_user()
    found = ops.get_collective(user, collective_id)
    invitation = ops.get_invitation(found, invitation_id)
    if invitation.user_id != user.id:
        raise NotFound(_("This invitation does not exist."))
    accept = _bool(_json_object(), "accept")
    ops.respond_invitation(user, invitation, accept)
    return jsonify(_invitation_json(invitation))


@bp.post("/collectives/<int:collective_id>/leave")
@limiter.limit(WRITE_LIMIT, key_func=rate_limit_key)
def leave(collective_id: int):
    user = require_user()
    ops.leave(user, ops.get_collective(user, collective_id))
    return jsonify({"state": "left"})


@bp.delete("/collectives/<int:collective_id>/members/<int:profile_id>")
@limiter.limit(WRITE_LIMIT, key_func=rate_limit_key)
def remove_member(collective_id: int, profile_id: int):
    user = require_user()
    found = ops.get_collective(user, collective_id)
    profile = db.session.get(Profile, profile_id)
    if profile is None:
        raise NotFound(_("This person is not a member of the collective."))
    ops.remove_member(user, found, profile.user)
    return jsonify({"state": "removed"})


@bp.get("/collectives/<int:collective_id>/decisions")
def decisions(collective_id: int):
    found = ops.get_collective(current_user, collective_id)
    items = dec.decisions_of(found)
    for item in items:
        dec.ensure_closed(item)
    return jsonify({"items": [decision_json(d) for d in items], "total": len(items)})


@bp.post("/collectives/<int:collective_id>/decisions")
@limiter.limit(WRITE_LIMIT, key_func=rate_limit_key)
def open_decision(collective_id: int):
    user = require_user()
    found = ops.get_collective(user, collective_id)
    decision = dec.open_decision(user, found, _json_object())
    return jsonify(decision_json(decision)), 201


@bp.get("/collectives/<int:collective_id>/decisions/<int:decision_id>")
def decision(collective_id: int, decision_id: int):
    found = dec.get_decision(ops.get_collective(current_user, collective_id), decision_id)
    dec.ensure_closed(found)
    return jsonify(decision_json(found))


@bp.post("/collectives/<int:collective_id>/decisions/<int:decision_id>/vote")
@limiter.limit(WRITE_LIMIT, key_func=rate_limit_key)
def vote(collective_id: int, decision_id: int):
    user = require_user()
    found = dec.get_decision(ops.get_collective(user, collective_id), decision_id)
    dec.vote(user, found, _json_object().get("choice"))
    return jsonify(decision_json(found))
