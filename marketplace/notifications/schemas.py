"""The notifications' shapes: what the API answers and what reading them takes."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from marketplace.schema import DateTimeOut, Id, IdOut, Output, Schema, page_of


class Notification(Output):
    id: IdOut
    kind: str = Field(examples=["collective.join_request"])
    text: str = Field(description="In the reader's language.")
    url: Annotated[str, Field(json_schema_extra={"format": "uri"})] | None
    created_at: DateTimeOut
    read_at: DateTimeOut | None


NotificationList = page_of(Notification, "NotificationList", unread=(int, Field(ge=0)))


class ReadNotifications(Schema):
    """Mark one notification as read, or all of them."""

    id: Id | None = Field(default=None, description="Null or absent: all of them.")


class ReadResult(Output):
    marked: int
    unread: int
