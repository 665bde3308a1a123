"""Notifications in the site and by e-mail; ``notify()`` is the one entry point for domains."""

from marketplace.links import site_path
from marketplace.notifications.operations import (
    notify,
    notify_many,
    quiet,
    register_kind,
    send_digests,
    unread_count,
)
from marketplace.notifications.silence import Silence

__all__ = ["notify", "notify_many", "quiet", "register_kind", "send_digests", "site_path"]
__all__ += ["unread_count"]
__all__ += ["Silence"]
