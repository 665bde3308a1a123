"""Notifications in the site and by e-mail; ``notify()`` is the one entry point for domains."""

from marketplace.links import site_path
from marketplace.notifications.operations import (
    notify,
    quiet,
    register_kind,
    send_digests,
    unread_count,
)
from marketplace.notifications.silence import Silence

__all__ = ["notify", "quiet", "register_kind", "send_digests", "site_path", "unread_count"]
__all__ += ["Silence"]
