"""Formatting for people: money '1 234,56 €', dates '22/11/2026', Paris time."""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal

from babel.dates import format_date
from babel.numbers import format_currency, format_decimal
from flask_babel import get_locale

from marketplace.timeutil import to_paris


def _is_english() -> bool:
    locale = get_locale()
    return bool(locale and locale.language == "en")


def _locale() -> str:
    """The reader's locale for Babel: French unless the page is in English."""
    return "en" if _is_english() else "fr_FR"


def money(cents: int | None, *, with_cents: bool = True) -> str:
    """Integer cents to '1 234,56 €' (French, narrow no-break spaces) or '€1,234.56' (English).

    Babel writes the number: the French grouping is a narrow no-break space (U+202F) and the
    euro sign follows a no-break space, so an amount never breaks across two lines.
    """
    if cents is None:
        return ""
    amount = Decimal(int(cents)) / 100
    if with_cents:
        return format_currency(amount, "EUR", locale=_locale())
    pattern = "¤#,##0" if _is_english() else "#,##0\u00a0¤"
    return format_currency(amount, "EUR", format=pattern, locale=_locale(), currency_digits=False)


def number(value: int | None) -> str:
    """A count for people: '12 000' in French (narrow no-break space), '12,000' in English."""
    if value is None:
        return ""
    return format_decimal(value, locale=_locale())


def cents_to_input(cents: int | None) -> str:
    """Cents as a form value people can edit: 123456 → '1234,56'."""
    if cents is None:
        return ""
    euros, rest = divmod(int(cents), 100)
    return f"{euros},{rest:02d}" if rest else str(euros)


#: An amount as people type it once spaces and the euro sign are gone: digits, a sign, and at
#: most one decimal comma or point (no exponent, underscore or other digits Decimal reads).
_AMOUNT = re.compile(r"[+-]?(?:[0-9]+(?:[.,][0-9]*)?|[.,][0-9]+)")


def parse_euros(raw: str | None) -> int | None:
    """'1 234,56', '1234.56' or '1234' → 123456 cents; None when empty; ValueError when invalid
    (« 1e5 » is not 100 000 €: an amount is written with digits)."""
    if raw is None:
        return None
    text = str(raw).strip().replace("€", "").replace("\u00a0", "").replace("\u202f", "")
    text = text.replace(" ", "")
    if not text:
        return None
    if not _AMOUNT.fullmatch(text):
        raise ValueError(raw)
    text = text.replace(",", ".")
    amount = Decimal(text)
    exponent = amount.as_tuple().exponent
    if not amount.is_finite() or (isinstance(exponent, int) and exponent < -2):
        raise ValueError(raw)
    return int(amount * 100)


def date_short(value: date | datetime | None) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = to_paris(value)
    return value.strftime("%d/%m/%Y")


def datetime_pattern() -> str:
    """The strftime pattern of ``datetime_short`` in the reader's language (to format many
    times in a loop: the locale is read once)."""
    return "%d/%m/%Y at %H:%M" if _is_english() else "%d/%m/%Y à %H:%M"


def month_label(value: date | None) -> str:
    """A month for people: 'décembre 2026' (French), 'December 2026' (English)."""
    if value is None:
        return ""
    return format_date(value, "LLLL y", locale=_locale())


def datetime_short(value: datetime | None) -> str:
    if value is None:
        return ""
    return to_paris(value).strftime(datetime_pattern())
