"""Ids of rows: whole numbers from 1 to 2^31 - 1, the range of the id columns (SQL INTEGER).

The id columns are INTEGER: 32 bits on PostgreSQL, which casts every id parameter to it and
fails with "integer out of range" beyond 2^31 - 1; SQLite refuses ints beyond 2^63 - 1 with
an OverflowError. No row can have a larger id, so an id from outside (a path, a query string, a
JSON body) is checked here first: out of range, it names nothing (404 in a path, 422 in a body).
"""

from __future__ import annotations

from typing import Any

from werkzeug.routing import IntegerConverter

MAX_ID = 2**31 - 1


def is_id(value: Any) -> bool:
    """True for a Python int (not a bool) that can name a row."""
    return isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= MAX_ID


def parse_id(raw: Any) -> int | None:
    """An id from text (a query string, a form field), or None when it cannot be one."""
    if is_id(raw):
        return raw
    if not isinstance(raw, str):
        return None
    text = raw.strip()
    if not text or len(text) > 20 or not text.isascii() or not text.isdigit():
        return None
    value = int(text)
    return value if is_id(value) else None


def small_number(raw: str) -> int | None:
    """A small whole number typed as text (a lot number, a level), or None: ASCII digits only."""
    text = raw.strip()
    if not text or len(text) > 9 or not text.isascii() or not text.isdigit():
        return None
    return int(text)


def _digits_at_most(limit: int) -> str:
    """A regular expression for the decimal numbers from 0 to ``limit`` (leading zeros allowed).

    The limit is checked by the pattern itself, not after the match: werkzeug answers 405 when a
    path matches a rule of another method before the converter is asked, so a value refused
    only by ``to_python`` would give 405 instead of 404 on paths shared by several methods.
    """
    text = str(limit)
    shorter = f"[0-9]{{1,{len(text) - 1}}}"
    same_length = [text]
    for i, digit in enumerate(text):
        if digit != "0":
            rest = len(text) - i - 1
            tail = f"[0-9]{{{rest}}}" if rest else ""
            same_length.append(f"{text[:i]}[0-{int(digit) - 1}]{tail}")
    return f"0*(?:{'|'.join([*same_length, shorter])})"


class IdConverter(IntegerConverter):
    """The ``int`` converter of every route: ASCII digits up to MAX_ID, else no match (404)."""

    regex = _digits_at_most(MAX_ID)
