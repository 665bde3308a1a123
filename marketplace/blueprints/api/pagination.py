"""Pages of API lists: ?page=1&per_page=20 (at most 100) → {items, total, page, per_page}."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

from flask import current_app, request
from flask_babel import gettext as _

from marketplace.blueprints.api.errors import ApiError
from marketplace.pagination import offset_of

#: Beyond this page number the offset stops making sense (and would overflow some databases).
MAX_PAGE = 1_000_000
#: The largest per_page accepted (and then lowered to MAX_PER_PAGE); beyond is malformed.
MAX_PER_PAGE_ASKED = 1_000_000_000


def _whole_number(name: str, default: int, maximum: int, message: str) -> int:
    raw = request.args.get(name)
    if raw is None or raw.strip() == "":
        return default
    text = raw.strip()
    if len(text) > 19 or not text.isascii() or not text.isdigit() or not 1 <= int(text) <= maximum:
        raise ApiError(400, "bad_request", _("Invalid pagination parameters."), {name: [message]})
    return int(text)


def page_args() -> tuple[int, int]:
    """(page, per_page) from the query string: per_page above the maximum is lowered to it."""
    default = int(current_app.config.get("PER_PAGE", 20))
    most = int(current_app.config.get("MAX_PER_PAGE", 100))
    page = _whole_number(
        "page", 1, MAX_PAGE, _("Expected a whole number between 1 and %(max)d.", max=MAX_PAGE)
    )
    per_page = _whole_number(
        "per_page",
        default,
        MAX_PER_PAGE_ASKED,
        _("Expected a whole number of at least 1 (at most %(max)d items per page).", max=most),
    )
    return page, min(per_page, most)


def paged(
    fetch: Callable[[int, int], tuple[Iterable[Any], int]],
    serialize: Callable[[Any], dict],
    **extra: Any,
) -> dict[str, Any]:
    """The page the query string asks for: ``fetch(page, per_page)`` gives its rows and the
    total."""
    page, per_page = page_args()
    items, total = fetch(page, per_page)
    return page_body(items, total, page, per_page, serialize, **extra)


def paged_list(
    items: Sequence[Any], serialize: Callable[[Any], dict], **extra: Any
) -> dict[str, Any]:
    """The page the query string asks for of a list read whole (its length is the total)."""
    return paged(lambda page, per_page: _page_slice(items, page, per_page), serialize, **extra)


def _page_slice(items: Sequence[Any], page: int, per_page: int) -> tuple[Sequence[Any], int]:
    start = offset_of(page, per_page)
    return items[start : start + per_page], len(items)


def page_body(
    items: Iterable[Any],
    total: int,
    page: int,
    per_page: int,
    serialize: Callable[[Any], dict],
    **extra: Any,
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "items": [serialize(item) for item in items],
        "total": total,
        "page": page,
        "per_page": per_page,
    }
    body.update(extra)
    return body
