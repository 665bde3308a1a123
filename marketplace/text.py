"""Text normalisation shared by skills, forms, imports and search."""

from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"\s+")
_LIGATURES = str.maketrans({"œ": "oe", "Œ": "OE", "æ": "ae", "Æ": "AE", "ß": "ss"})


def clean(value: str | None) -> str:
    """NFC-normalised text with runs of white space folded and control characters removed."""
    if value is None:
        return ""
    value = unicodedata.normalize("NFC", str(value))
    if not value.isprintable():  # printable text has no control character: no need to look
        value = "".join(ch for ch in value if ch in "\n\t" or unicodedata.category(ch)[0] != "C")
    return _SPACES.sub(" ", value).strip()


def clean_multiline(value: str | None) -> str:
    """Like clean() but keeps line breaks (bios, descriptions)."""
    if value is None:
        return ""
    value = unicodedata.normalize("NFC", str(value)).replace("\r\n", "\n").replace("\r", "\n")
    if not value.replace("\n", "").isprintable():
        value = "".join(ch for ch in value if ch == "\n" or unicodedata.category(ch)[0] != "C")
    lines = [re.sub(r"[ \t]+", " ", line).strip() for line in value.split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def over_limit(raw: str, cleaned: str, limit: int) -> bool:
    """True when text is longer than ``limit`` as typed (what a schema's ``maxLength`` counts; a
    CRLF line break counts once, as in a browser's text area) or once cleaned."""
    return len(raw.replace("\r\n", "\n")) > limit or len(cleaned) > limit


def fold(value: str | None) -> str:
    """Case- and accent-insensitive key: 'RÉNOVATION  Énergétique' → 'renovation energetique'."""
    value = clean(value).translate(_LIGATURES)
    if value.isascii():  # nothing to decompose
        stripped = value
    else:
        decomposed = unicodedata.normalize("NFKD", value)
        stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    stripped = stripped.replace("’", "'").replace("‘", "'")
    return _SPACES.sub(" ", stripped.casefold()).strip()
