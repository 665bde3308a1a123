"""The page of an HTML list: its number read once for every blueprint, and the page itself."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import abort, current_app, render_template, request
from flask_login import current_user
from sqlalchemy import Select

from marketplace.blueprints.outcomes import form_errors
from marketplace.ids import parse_id
from marketplace.pagination import Pager, paginate

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


def filtered_page(
    form: Any,
    search: Callable[..., tuple[list[Any], int]],
    filters: Callable[..., Any],
    per_page: int,
    *,
    past_the_end_404: bool = True,
) -> tuple[list[Any], Pager]:
    """One page of a list filtered by what the filter form read from the URL: the rows the
    reader may see and the pager (a page past the end is a 404 unless told otherwise)."""
    page = page_number()
    items, total = search(current_user, filters(**form.filter_values()), page, per_page)
    if past_the_end_404 and page > 1 and not items:
        abort(404)
    return items, Pager(page, per_page, total)


def filtered_list(
    kind: str,
    form: Any,
    search: Callable[..., tuple[list[Any], int]],
    filters: Callable[..., Any],
    per_page: int,
    *,
    past_the_end_404: bool = True,
    **context: Any,
) -> str:
    """The page of a filtered list of ``kind`` (profiles, offers, tenders: its template
    folder, the name of its rows there and the kind of alert it offers), with the filter form,
    its active arguments and its place; an unknown place shows the form's message over an
    empty list (422)."""

    def page(items: list[Any], pager: Pager) -> str:
        return render_template(
            f"{kind}/index.html",
            form=form,
            pager=pager,
            args=form.active_args(),
            place=form.place(),
            alert_kind=kind,
            **{kind: items},
            **context,
        )

    with form_errors(form, lambda: page([], Pager(1, per_page, 0))):
        items, pager = filtered_page(
            form, search, filters, per_page, past_the_end_404=past_the_end_404
        )
    return page(items, pager)


def page_of(
    stmt: Select,
    per_page: int | None = None,
    *,
    page: int | None = None,
    past_the_end_404: bool = False,
) -> tuple[list[Any], Pager]:
    """One page of a SELECT and its pager: page ``page`` (?page= when not given) of
    ``per_page`` rows (the configured PER_PAGE when not given); a page past the end is a 404
    when told."""
    number = page if page is not None else page_number()
    size = per_page if per_page is not None else current_app.config["PER_PAGE"]
    items, total = paginate(stmt, number, size)
    if past_the_end_404 and number > 1 and not items:
        abort(404)
    return items, Pager(number, size, total)
