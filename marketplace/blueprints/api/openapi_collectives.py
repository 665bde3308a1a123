"""OpenAPI paths and schemas of the collectives API (merged into openapi.py)."""

from __future__ import annotations

from typing import Any

from marketplace.blueprints.api.openapi_common import (
    CAE_FILTER,
    ID,
    ID_OUT,
    filter_enum,
    nullable,
    path_id,
)
from marketplace.collectives.models import JoinPolicy
from marketplace.geo import REGIONS
from marketplace.visibility import Audience


def _h():
    from marketplace.blueprints.api import openapi

    return openapi


def _path_param(name: str) -> dict[str, Any]:
    return path_id(name)


def schemas() -> dict[str, Any]:
    h = _h()
    o, ref, nullable = h._object, h._ref, h._nullable
    datetime_ = {"type": "string", "format": "date-time"}
    return {
        "CollectiveMember": o(
            {
                "profile_id": nullable({"type": "integer"}),
                "display_name": nullable({"type": "string"}),
                "hidden": {"type": "boolean"},
                "cae": nullable(ref("CaeRef")),
                "role": {"type": "string", "enum": ["coordinator", "member"]},
                "joined_at": datetime_,
            }
        ),
        "Collective": o(
            {
                "id": ID_OUT,
                "name": {"type": "string", "maxLength": 120},
                "description": {"type": "string", "maxLength": 5000},
                "sector": {"type": "string", "maxLength": 80},
                "region": nullable(filter_enum(REGIONS)),
                "audience": {"type": "string", "enum": list(Audience.values())},
                "join_policy": {"type": "string", "enum": list(JoinPolicy.values())},
                "members": {"type": "array", "items": ref("CollectiveMember")},
                "skills": {
                    "type": "array",
                    "items": {"type": "string"},
                    "description": "Competences of the members (profiles visible to you), "
                    "most widely held first.",
                },
                "skill_counts": {
                    "type": "array",
                    "items": o({"name": {"type": "string"}, "members": {"type": "integer"}}),
                },
                "caes": {"type": "array", "items": ref("CaeRef")},
                "owner_cae": nullable(ref("CaeRef")),
                "member_count": {"type": "integer"},
                "created_at": datetime_,
                "updated_at": datetime_,
                "url": {"type": "string", "format": "uri"},
            }
        ),
        "CollectiveInput": {
            "type": "object",
            "description": "POST: name is required. PATCH (coordinators): any subset.",
            "additionalProperties": False,
            "properties": {
                "name": {"type": "string", "minLength": 3, "maxLength": 120},
                "description": nullable({"type": "string", "maxLength": 5000}),
                "sector": nullable({"type": "string", "maxLength": 80}),
                "region": nullable(
                    {"type": "string", "description": "A region name (case and accents ignored)."}
                ),
                "audience": {
                    "type": "string",
                    "enum": list(Audience.values()),
                    "default": "network",
                },
                "join_policy": {
                    "type": "string",
                    "enum": list(JoinPolicy.values()),
                    "default": "request",
                },
            },
        },
        "CollectiveList": h._list_of("Collective"),
        "JoinResult": {
            "type": "object",
            "properties": {
                "state": {"type": "string", "enum": ["member", "pending"]},
                "request_id": {"type": "integer", "description": "When pending."},
            },
            "required": ["state"],
        },
        "JoinRequest": o(
            {
                "id": ID_OUT,
                "collective_id": ID_OUT,
                "state": {
                    "type": "string",
                    "enum": ["pending", "approved", "refused", "cancelled"],
                },
                "message": {"type": "string"},
                "answer": {"type": "string"},
                "person": o(
                    {
                        "profile_id": nullable(ID_OUT),
                        "display_name": {"type": "string"},
                        "cae": nullable(ref("CaeRef")),
                    }
                ),
                "created_at": datetime_,
                "decided_at": nullable(datetime_),
            }
        ),
        "JoinRequestList": o(
            {"items": {"type": "array", "items": ref("JoinRequest")}, "total": {"type": "integer"}}
        ),
        "Invitation": o(
            {
                "id": ID_OUT,
                "collective_id": ID_OUT,
                "state": {
                    "type": "string",
                    "enum": ["pending", "accepted", "declined", "cancelled"],
                },
                "invitee_profile_id": nullable(ID_OUT),
                "message": {"type": "string"},
                "created_at": datetime_,
            }
        ),
        "Decision": o(
            {
                "id": ID_OUT,
                "collective_id": ID_OUT,
                "title": {"type": "string", "maxLength": 200},
                "description": {"type": "string"},
                "closes_at": datetime_,
                "quorum_percent": nullable({"type": "integer", "minimum": 1, "maximum": 100}),
                "status": {"type": "string", "enum": ["open", "closed"]},
                "tally": o(
                    {
                        "yes": {"type": "integer"},
                        "no": {"type": "integer"},
                        "abstain": {"type": "integer"},
                    }
                ),
                "voters": {"type": "integer", "description": "People who voted (once each)."},
                "members": {
                    "type": "integer",
                    "description": "Members who may vote (frozen when the vote closes).",
                },
                "turnout_percent": {"type": "integer"},
                "quorum_reached": {"type": "boolean"},
                "outcome": nullable(
                    {"type": "string", "enum": ["adopted", "rejected", "no_quorum"]}
                ),
                "my_vote": nullable({"type": "string", "enum": ["yes", "no", "abstain"]}),
                "created_at": datetime_,
                "url": {"type": "string", "format": "uri"},
            }
        ),
        "DecisionList": o(
            {"items": {"type": "array", "items": ref("Decision")}, "total": {"type": "integer"}}
        ),
        "DecisionInput": {
            "type": "object",
            "additionalProperties": False,
            "required": ["title", "closes_at"],
            "properties": {
                "title": {"type": "string", "maxLength": 200},
                "description": nullable({"type": "string", "maxLength": 5000}),
                "closes_at": {
                    "type": "string",
                    "format": "date-time",
                    "description": "In the future; without an offset, Paris time.",
                },
                "quorum_percent": nullable({"type": "integer", "minimum": 1, "maximum": 100}),
            },
        },
    }


def paths() -> dict[str, Any]:
    h = _h()
    ok, errors, ref, json_ = h._ok, h._errors, h._ref, h.JSON
    cid, rid, iid, did, pid = (
        _path_param(n)
        for n in ("collective_id", "request_id", "invitation_id", "decision_id", "profile_id")
    )
    tags = ["collectives"]
    bearer = [{"bearerAuth": []}]

    def body(schema: dict[str, Any], required: bool = True) -> dict[str, Any]:
        return {"required": required, "content": {json_: {"schema": schema}}}

    def write(op_id: str, summary: str, params: list, response: dict, codes: tuple, **extra):
        return {
            "operationId": op_id,
            "summary": summary,
            "tags": tags,
            "security": bearer,
            "parameters": params,
            "responses": {**response, **errors(*codes)},
            **extra,
        }

    filters = [
        h._query("q", "Words in the name, description or sector.", {"type": "string"}),
        h._query("sector", "Sector (case and accents ignored).", {"type": "string"}),
        h._query("region", "Region name.", filter_enum(REGIONS)),
        h._query("cae", "Id of a CAE represented among the members.", CAE_FILTER),
    ]
    message = nullable({"type": "string", "maxLength": 1000})

    def bool_body(key: str, **extra: Any) -> dict[str, Any]:
        properties = {key: {"type": "boolean"}, **extra}
        return body({"type": "object", "required": [key], "properties": properties})

    return {
        "/collectives": {
            "get": {
                "operationId": "listCollectives",
                "summary": "Visible collectives, most recently active first.",
                "tags": tags,
                "parameters": [*filters, *h.PAGE_PARAMETERS],
                "responses": {
                    "200": ok("CollectiveList", "A page of collectives."),
                    **errors(400, 401, 422),
                },
            },
            "post": write(
                "createCollective",
                "Create a collective; the creator becomes coordinator.",
                [],
                {"201": ok("Collective", "The new collective.")},
                (400, 401, 403, 422, 429),
                requestBody=body(ref("CollectiveInput")),
            ),
        },
        "/collectives/{collective_id}": {
            "get": {
                "operationId": "getCollective",
                "summary": "One collective (404 when absent or not visible to you).",
                "tags": tags,
                "parameters": [cid],
                "responses": {"200": ok("Collective", "The collective."), **errors(401, 404)},
            },
            "patch": write(
                "updateCollective",
                "Change a collective (coordinators).",
                [cid],
                {"200": ok("Collective", "The collective.")},
                (400, 401, 403, 404, 422, 429),
                requestBody=body(ref("CollectiveInput")),
            ),
        },
        "/collectives/{collective_id}/join": {
            "post": write(
                "joinCollective",
                "Join (open) or ask to join (on request); 409 if already a member or pending.",
                [cid],
                {"200": ok("JoinResult", "Member, or a pending request.")},
                (400, 401, 403, 404, 409, 422, 429),
                requestBody=body(
                    {
                        "type": "object",
                        "properties": {"message": message},
                    },
                    required=False,
                ),
            ),
        },
        "/collectives/{collective_id}/requests": {
            "get": write(
                "listJoinRequests",
                "Pending requests to join (coordinators).",
                [cid],
                {"200": ok("JoinRequestList", "The pending requests.")},
                (401, 403, 404),
            ),
        },
        "/collectives/{collective_id}/requests/{request_id}/decision": {
            "post": write(
                "decideJoinRequest",
                "Approve or refuse a request (coordinators).",
                [cid, rid],
                {"200": ok("JoinRequest", "The decided request.")},
                (400, 401, 403, 404, 409, 422, 429),
                requestBody=bool_body("approve", answer=message),
            ),
        },
        "/collectives/{collective_id}/invitations": {
            "post": write(
                "inviteToCollective",
                "Invite a person by profile (coordinators).",
                [cid],
                {"201": ok("Invitation", "The invitation.")},
                (400, 401, 403, 404, 409, 422, 429),
                requestBody=body(
                    {
                        "type": "object",
                        "required": ["invitee_profile_id"],
                        "properties": {
                            "invitee_profile_id": ID,
                            "message": message,
                        },
                    }
                ),
            ),
        },
        "/collectives/{collective_id}/invitations/{invitation_id}/response": {
            "post": write(
                "answerInvitation",
                "The invitee accepts or declines.",
                [cid, iid],
                {"200": ok("Invitation", "The answered invitation.")},
                (400, 401, 404, 409, 422, 429),
                requestBody=bool_body("accept"),
            ),
        },
        "/collectives/{collective_id}/leave": {
            "post": write(
                "leaveCollective",
                "Leave; the last coordinator cannot leave while others remain (409).",
                [cid],
                {
                    "200": {
                        "description": "Left.",
                        "content": {
                            json_: {
                                "schema": {
                                    "type": "object",
                                    "properties": {"state": {"const": "left"}},
                                }
                            }
                        },
                    }
                },
                (401, 404, 409, 429),
            ),
        },
        "/collectives/{collective_id}/members/{profile_id}": {
            "delete": write(
                "removeCollectiveMember",
                "Remove a member (coordinators).",
                [cid, pid],
                {
                    "200": {
                        "description": "Removed.",
                        "content": {
                            json_: {
                                "schema": {
                                    "type": "object",
                                    "properties": {"state": {"const": "removed"}},
                                }
                            }
                        },
                    }
                },
                (401, 403, 404, 409, 429),
            ),
        },
        "/collectives/{collective_id}/decisions": {
            "get": {
                "operationId": "listDecisions",
                "summary": "The collective's decisions, latest closing first.",
                "tags": tags,
                "parameters": [cid],
                "responses": {"200": ok("DecisionList", "The decisions."), **errors(401, 404)},
            },
            "post": write(
                "openDecision",
                "Put a proposal to the vote (coordinators).",
                [cid],
                {"201": ok("Decision", "The open decision.")},
                (400, 401, 403, 404, 422, 429),
                requestBody=body(ref("DecisionInput")),
            ),
        },
        "/collectives/{collective_id}/decisions/{decision_id}": {
            "get": {
                "operationId": "getDecision",
                "summary": "A decision with its tally, voters and members.",
                "tags": tags,
                "parameters": [cid, did],
                "responses": {"200": ok("Decision", "The decision."), **errors(401, 404)},
            },
        },
        "/collectives/{collective_id}/decisions/{decision_id}/vote": {
            "post": write(
                "voteOnDecision",
                "Vote yes, no or abstain (members; voting again replaces one's vote); "
                "409 after closes_at.",
                [cid, did],
                {"200": ok("Decision", "The decision with your vote.")},
                (400, 401, 403, 404, 409, 422, 429),
                requestBody=body(
                    {
                        "type": "object",
                        "required": ["choice"],
                        "properties": {
                            "choice": {"type": "string", "enum": ["yes", "no", "abstain"]}
                        },
                    }
                ),
            ),
        },
    }
