"""Ids of rows: whole numbers from 1 to 2^63 - 1 (a signed 64-bit integer, SQL's BIGINT).

SQLite stores integers on 64 bits and refuses larger Python ints with an OverflowError;
PostgreSQL compares them as numeric and refuses the query. An id from outside (a path, a query
string, a JSON body) is checked here first: out of range, it names nothing.
"""

from __future__ import annotations

from typing import Any

from werkzeug.routing import IntegerConverter, Map, ValidationError

MAX_ID = 2**63 - 1


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
    if not text or len(text) > 19 or not text.isascii() or not text.isdigit():
        return None
    value = int(text)
    return value if is_id(value) else None


class Int64Converter(IntegerConverter):
    """The ``int`` converter of every route: ASCII digits, at most 2^63 - 1 (else no match: 404)."""

    regex = r"[0-9]+"

    def __init__(
        self,
        map: Map,
        fixed_digits: int = 0,
        min: int | None = None,
        max: int | None = None,
        signed: bool = False,
    ) -> None:
        limit = MAX_ID if max is None else max
        super().__init__(map, fixed_digits, min, limit, signed)

    def to_python(self, value: str) -> Any:
        if len(value.lstrip("-")) > 19:
            raise ValidationError()
        return super().to_python(value)
