"""French typography, as the catalog writes it (DOMAIN.md "Money, invoices and VAT").

``fr(text)`` writes a French sentence the way the product must show it: a no-break space
(U+00A0) before « : » and inside « », a narrow no-break space (U+202F) before ; ! ?, a no-break
space between a number and % or €, a narrow no-break space between thousands, and the
typographic apostrophe ’. Tests write the expected French
text readably and compare ``fr("Attendu : true ou false.")``; the catalog test checks that every
French translation is already in this form, so the rule lives in one place.
"""

from __future__ import annotations

import re

NBSP, NNBSP = "\u00a0", "\u202f"


def fr(text: str) -> str:
    text = text.replace("'", "’")
    colon = r"[ \u00a0\u202f]*:(?=\s|$|<|\")"
    text = re.sub(colon, lambda m: NBSP + ":" if m.start() else ":", text)
    text = re.sub(r" ([;!?])", NNBSP + r"\1", text)
    text = text.replace("« ", "«" + NBSP).replace(" »", NBSP + "»")
    text = re.sub(r"(\d|\)[sd]) %(?![(sd])", r"\1" + NBSP + "%", text)
    return money(text)


def plain(text: str) -> str:
    """The text with its no-break spaces as plain spaces (for amounts typed back in a form)."""
    return text.replace(NBSP, " ").replace(NNBSP, " ")


def money(text: str) -> str:
    """Amounts as Babel writes them in French: '1 078,00 €' → '1\u202f078,00\u00a0€' (a
    narrow no-break space between thousands, a no-break space before €)."""
    text = re.sub(r"(?<=\d) (?=\d{3}\b)", NNBSP, text)
    return re.sub(r"(\d|\)s) €", r"\1" + NBSP + "€", text)
