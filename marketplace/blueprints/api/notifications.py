"""The caller's notifications: the list (newest first, with the unread count) and reading."""

from __future__ import annotations

from functools import partial
from typing import Any

from marketplace.blueprints.api.auth import require_user
from marketplace.blueprints.api.blueprint import bp
from marketplace.blueprints.api.pagination import paged
from marketplace.blueprints.api.spec import operations_for
from marketplace.links import absolute
from marketplace.notifications.models import Notification as NotificationRow
from marketplace.notifications.operations import mark_read, notifications_of, unread_count
from marketplace.notifications.schemas import (
    Notification,
    NotificationList,
    ReadNotifications,
    ReadResult,
)

operation = operations_for("notifications", write_limit="120 per minute")


def notification_json(notification: NotificationRow) -> dict[str, Any]:
    return Notification.of(
        notification,
        url=absolute(notification.url) if notification.url else None,
    )


@bp.get("/me/notifications")
@operation.paged("listMyNotifications", ok=(NotificationList, "A page of notifications."))
def my_notifications() -> Any:
    """The caller's notifications, newest first, with the unread count."""
    user = require_user()
    return paged(partial(notifications_of, user), notification_json, unread=unread_count(user))


@bp.post("/me/notifications/read")
@operation.act(
    "readMyNotifications",
    body=ReadNotifications,
    body_required=False,
    ok=(ReadResult, "How many were marked, and how many stay unread."),
    errors=(400, 401, 422, 429),
)
def read_my_notifications(body: ReadNotifications) -> Any:
    """Mark one notification ({id}) or all of them (no body) as read."""
    user = require_user()
    marked = mark_read(user, body.id)
    return ReadResult(marked=marked, unread=unread_count(user))
