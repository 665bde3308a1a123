"""The page number of an HTML list, read once for every blueprint."""

from __future__ import annotations

from flask import abort, request

from marketplace.ids import parse_id

#: Beyond this, an offset overflows PostgreSQL's bigint (and no list is that long).
MAX_PAGE = 100_000


def page_number(maximum: int = MAX_PAGE, lenient: bool = False) -> int:
    """?page= as a whole number from 1 to ``maximum``; text that is no number at all is page 1.

    A number out of range is a 404 (never a 500), or, ``lenient`` (the search box, whose links
    people edit by hand), page 1 for anything but a whole number and ``maximum`` beyond it.
    """
    if lenient:
        page = parse_id(request.args.get("page", "1"))
        return min(page, maximum) if page is not None else 1
    page = request.args.get("page", 1, type=int)
    if page < 1 or page > maximum:
        abort(404)
    return page
