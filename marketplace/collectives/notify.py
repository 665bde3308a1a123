"""What collectives tell people (through marketplace.notifications)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from marketplace.notifications import notify, register_kind, site_path

register_kind(
    "collective.join_request", _l("%(person)s asks to join the collective “%(collective)s”.")
)
register_kind(
    "collective.request_approved", _l("Your request to join “%(collective)s” was accepted.")
)
register_kind(
    "collective.request_refused", _l("Your request to join “%(collective)s” was declined.")
)
register_kind(
    "collective.invitation", _l("%(person)s invites you to join the collective “%(collective)s”.")
)
register_kind(
    "collective.invitation_answered",
    _l("%(person)s answered your invitation to “%(collective)s”: %(answer)s."),
)
register_kind(
    "collective.proposal", _l("New proposal in “%(collective)s”: %(title)s (vote until %(date)s).")
)
register_kind("collective.result", _l("Vote closed in “%(collective)s”: %(title)s, %(result)s."))
register_kind(
    "collective.vote_reminder",
    _l(
        "Reminder: the vote “%(title)s” in “%(collective)s” closes on %(date)s; you have not voted."
    ),
)
register_kind(
    "collective.thread", _l("%(person)s started a thread in “%(collective)s”: %(title)s.")
)
register_kind("collective.reply", _l("%(person)s replied in “%(title)s” (%(collective)s)."))
register_kind("collective.mention", _l("%(person)s mentioned you in “%(title)s” (%(collective)s)."))


_path = site_path


def collective_path(collective_id: int, anchor: str = "") -> str:
    path = _path("collectives.show", collective_id=collective_id)
    return path + (f"#{anchor}" if anchor else "")


def decision_path(collective_id: int, decision_id: int) -> str:
    return _path("collectives.decision", collective_id=collective_id, decision_id=decision_id)


def thread_path(collective_id: int, thread_id: int, anchor: str = "") -> str:
    path = _path("collectives.thread", collective_id=collective_id, thread_id=thread_id)
    return path + (f"#{anchor}" if anchor else "")


__all__ = ["collective_path", "decision_path", "notify", "thread_path"]
