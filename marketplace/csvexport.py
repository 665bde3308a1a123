"""The one CSV writer of every export (the team of a tender, a CAE's ledger).

Spreadsheets run a cell that starts with ``=``, ``+``, ``-`` or ``@`` (and, in some of them, a
tab or a carriage return) as a formula: a name such as ``=HYPERLINK("http://x","y")`` would
become a link, or worse, in the accountant's spreadsheet. Every text cell that starts so gets a
leading apostrophe, as OWASP recommends ("CSV injection"); the spreadsheet shows the text as
typed. Only what the code writes itself (integers, and amounts, dates and rates marked with
:class:`Figure`) is written as is, so numbers stay numbers.

Documents are UTF-8 with a byte order mark and CRLF line ends, so the French spreadsheet opens
them with the accents right; the separator is ``;`` unless an export says otherwise.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from datetime import date

#: First characters that make a spreadsheet read a cell as a formula (OWASP), and the line feed.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")

BOM = "\ufeff"


class Figure(str):
    """A cell the code formatted itself (an amount, a date, a rate): written unguarded."""

    __slots__ = ()


Cell = str | int | Figure | None


def guard(value: str) -> str:
    """Text as a spreadsheet shows it and never runs it: a leading apostrophe when needed."""
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def decimal_comma(cents: int | None) -> Figure:
    """12345 → '123,45' (no thousands separator: French spreadsheets read it as a number)."""
    if cents is None:
        return Figure("")
    sign = "-" if cents < 0 else ""
    euros, rest = divmod(abs(cents), 100)
    return Figure(f"{sign}{euros},{rest:02d}")


def french_date(value: date) -> Figure:
    """dd/mm/yyyy, as French spreadsheets read dates."""
    return Figure(value.strftime("%d/%m/%Y"))


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, Figure):
        return str.__str__(value)
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return guard(str(value))  # text, lazy translations, anything else: guarded


def csv_document(rows: Iterable[Iterable[object]], delimiter: str = ";") -> str:
    """The rows as one CSV document: BOM, the separator, CRLF, every text cell guarded."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    for row in rows:
        writer.writerow([_cell(value) for value in row])
    return BOM + out.getvalue()
