"""The caller's notifications: the list (newest first, with the unread count) and reading."""

from __future__ import annotations

from typing import Any

from flask import jsonify, request
from flask_babel import gettext as _

from marketplace.blueprints.api.auth import rate_limit_key, require_user
from marketplace.blueprints.api.blueprint import bp
from marketplace.blueprints.api.errors import ApiError
from marketplace.blueprints.api.pagination import page_args, page_body
from marketplace.blueprints.api.serializers import iso_datetime
from marketplace.extensions import limiter
from marketplace.ids import is_id
from marketplace.links import absolute
from marketplace.notifications.models import Notification
from marketplace.notifications.operations import mark_read, notifications_of, unread_count


def notification_json(notification: Notification) -> dict[str, Any]:
    return {
        "id": notification.id,
        "kind": notification.kind,
        "text": notification.text,
        "url": absolute(notification.url) if notification.url else None,
        "created_at": iso_datetime(notification.created_at),
        "read_at": iso_datetime(notification.read_at),
    }


@bp.get("/me/notifications")
def my_notifications():
    user = require_user()
    page, per_page = page_args()
    items, total = notifications_of(user, page, per_page)
    return jsonify(
        page_body(items, total, page, per_page, notification_json, unread=unread_count(user))
    )


@bp.post("/me/notifications/read")
@limiter.limit("120 per minute", key_func=rate_limit_key)
def read_my_notifications():
    """Mark {"id": n} as read, or every notification without a body."""
    user = require_user()
    data = request.get_json(force=True, silent=True) if request.get_data() else {}
    if not isinstance(data, dict):
        raise ApiError(400, "bad_request", _("The request body must be a JSON object."))
    notification_id = data.get("id")
    if notification_id is not None and (
        isinstance(notification_id, bool) or not isinstance(notification_id, int)
    ):
        raise ApiError(400, "bad_request", _("Expected the id of a notification."))
    if notification_id is not None and not is_id(notification_id):
        message = _("Some fields need your attention.")
        raise ApiError(422, "invalid", message, {"id": [_("No notification has this id.")]})
    marked = mark_read(user, notification_id)
    return jsonify({"marked": marked, "unread": unread_count(user)})
