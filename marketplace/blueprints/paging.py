"""The page number of an HTML list, read once for every blueprint."""

from __future__ import annotations

from flask import abort, request

#: Beyond this, an offset overflows PostgreSQL's bigint (and no list is that long).
MAX_PAGE = 100_000


def page_number() -> int:
    """?page= as a whole number from 1 to MAX_PAGE; anything else is a 404 (never a 500)."""
    page = request.args.get("page", 1, type=int)
    if page < 1 or page > MAX_PAGE:
        abort(404)
    return page
