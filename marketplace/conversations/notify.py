"""What conversations tell people (through marketplace.notifications): a new message (a short
excerpt and the link, never the thread), and a report to the administrators."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l

from marketplace.notifications import Silence, notify, register_kind, site_path

register_kind("message", _l("%(person)s wrote to you: “%(excerpt)s”"))
register_kind("message.report", _l("A message was reported by %(person)s."))

#: The longest excerpt of a message in a notification (and so in its e-mail).
EXCERPT = 80

_silence = Silence("conversation_notifications_silenced")
#: No message inside this block (the demo data loader).
silenced = _silence.block


def excerpt(body: str, limit: int = EXCERPT) -> str:
    flat = " ".join(body.split())
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"


def thread_path(conversation_id: int) -> str:
    return site_path("conversations.show", conversation_id=conversation_id)


def new_message(recipient: Any, author: Any, conversation_id: int, body: str) -> None:
    if _silence.on:
        return
    notify(
        recipient,
        "message",
        thread_path(conversation_id),
        person=author.display_name,
        excerpt=excerpt(body),
    )


def reported(admin: Any, reporter: Any) -> None:
    notify(
        admin,
        "message.report",
        site_path("conversations.reports_page"),
        person=reporter.display_name,
    )
