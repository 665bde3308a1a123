"""OpenAPI paths and schemas of the caller's notifications (merged into openapi.py)."""

from __future__ import annotations

from typing import Any

from marketplace.blueprints.api.openapi_common import ID_OUT, MAX_ID, nullable


def _h():
    from marketplace.blueprints.api import openapi

    return openapi


def schemas() -> dict[str, Any]:
    h = _h()
    datetime_ = {"type": "string", "format": "date-time"}
    return {
        "Notification": h._object(
            {
                "id": ID_OUT,
                "kind": {"type": "string", "examples": ["collective.join_request"]},
                "text": {"type": "string", "description": "In the reader's language."},
                "url": h._nullable({"type": "string", "format": "uri"}),
                "created_at": datetime_,
                "read_at": h._nullable(datetime_),
            }
        ),
        "NotificationList": h._list_of(
            "Notification", {"unread": {"type": "integer", "minimum": 0}}
        ),
    }


def paths() -> dict[str, Any]:
    h = _h()
    tags = ["notifications"]
    return {
        "/me/notifications": {
            "get": {
                "operationId": "listMyNotifications",
                "summary": "The caller's notifications, newest first, with the unread count.",
                "tags": tags,
                "parameters": h.PAGE_PARAMETERS,
                "responses": {
                    "200": h._ok("NotificationList", "A page of notifications."),
                    **h._errors(400, 401),
                },
            }
        },
        "/me/notifications/read": {
            "post": {
                "operationId": "readMyNotifications",
                "summary": "Mark one notification ({id}) or all of them (no body) as read.",
                "tags": tags,
                "security": [{"bearerAuth": []}],
                "requestBody": {
                    "required": False,
                    "content": {
                        h.JSON: {
                            "schema": {
                                "type": "object",
                                "properties": {
                                    "id": nullable(
                                        {
                                            "type": "integer",
                                            "format": "int64",
                                            "minimum": 1,
                                            "maximum": MAX_ID,
                                            "description": "Null or absent: all of them.",
                                        }
                                    )
                                },
                            }
                        }
                    },
                },
                "responses": {
                    "200": {
                        "description": "How many were marked, and how many stay unread.",
                        "content": {
                            h.JSON: {
                                "schema": h._object(
                                    {"marked": {"type": "integer"}, "unread": {"type": "integer"}}
                                )
                            }
                        },
                    },
                    **h._errors(400, 401, 422, 429),
                },
            }
        },
    }
