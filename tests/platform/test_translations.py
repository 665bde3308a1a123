"""The interface speaks French by default: every message of the code has a French translation."""

from __future__ import annotations

import re
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from marketplace.formatting import money, number
from tests.typography import fr

ROOT = Path(__file__).resolve().parents[2]
METHOD_MAP = [
    ("marketplace/**.py", "python"),
    ("templates/**.html", "jinja2"),
    ("templates/**.txt", "jinja2"),
]
OPTIONS = {"templates/**.html": {"extensions": "jinja2.ext.do"}}


def _msgids() -> dict[str, str]:
    found: dict[str, str] = {}
    for filename, lineno, message, _comments, _context in extract_from_dir(
        str(ROOT),
        METHOD_MAP,
        options_map=OPTIONS,
        keywords={
            "_": None,
            "gettext": None,
            "_l": None,
            "lazy_gettext": None,
            "ngettext": (1, 2),
            "lazy_ngettext": (1, 2),
        },
    ):
        msgid = message[0] if isinstance(message, tuple) else message
        if msgid:
            found.setdefault(msgid, f"{filename}:{lineno}")
    return found


def test_every_message_has_a_french_translation():
    with open(ROOT / "translations/fr/LC_MESSAGES/messages.po", "rb") as f:
        catalog = read_po(f, locale="fr")
    missing = []
    for msgid, where in sorted(_msgids().items(), key=lambda kv: kv[1]):
        message = catalog.get(msgid)
        strings = message.string if message else None
        ok = all(strings) if isinstance(strings, tuple | list) else bool(strings)
        if not ok or (message is not None and message.fuzzy):
            missing.append(f"{where}: {msgid!r}")
    assert not missing, f"{len(missing)} messages without French translation:\n" + "\n".join(
        missing[:50]
    )


def test_home_page_is_french_by_default_and_english_on_request(client):
    page = client.get("/").get_data(as_text=True)
    assert '<html lang="fr">' in page
    assert "Créer un compte" in page
    client.post("/langue", data={"lang": "en", "next": "/"})
    page = client.get("/").get_data(as_text=True)
    assert '<html lang="en">' in page
    assert "Create an account" in page


def _french_strings() -> list[str]:
    """Every translation of the French catalog (each plural form apart)."""
    with open(ROOT / "translations/fr/LC_MESSAGES/messages.po", "rb") as f:
        catalog = read_po(f, locale="fr")
    found: list[str] = []
    for message in catalog:
        if message.id:
            strings = (
                message.string if isinstance(message.string, tuple | list) else [message.string]
            )
            found.extend(s for s in strings if s)
    return found


def test_the_french_catalog_follows_french_typography():
    """No-break spaces before : ; ! ? and inside « », one apostrophe (’), in every translation."""
    wrong = [f"{s!r} → {fr(s)!r}" for s in _french_strings() if fr(s) != s]
    assert not wrong, f"{len(wrong)} translations to fix:\n" + "\n".join(wrong[:30])


#: What the rule above cannot fix by itself: a sign glued to its word (« attention! », « 5% »)
#: instead of a no-break space before it, and apostrophes other than ’.
GLUED = re.compile(r"[^\s\u00a0\u202f][;!?]|(?:\d|%\(\w+\)[sd])%")
OTHER_APOSTROPHES = re.compile("['\u2018\u02bc\u0060\u00b4]")


def test_the_french_catalog_leaves_no_sign_glued_and_one_apostrophe():
    wrong = []
    for s in _french_strings():
        found = GLUED.search(s) or OTHER_APOSTROPHES.search(s)
        if found:
            wrong.append(f"{found.group(0)!r} in {s!r}")
    assert not wrong, f"{len(wrong)} translations to fix:\n" + "\n".join(wrong[:30])


def test_the_typography_checks_catch_what_they_are_for():
    """The two checks above fail on each mistake they exist for."""
    for bad in ("Attention : lisez ceci.", "Prêt ?", "Prêt?", "5 %", "%(n)d%%", "d'accord"):
        assert fr(bad) != bad or GLUED.search(bad) or OTHER_APOSTROPHES.search(bad), bad
    for good in (fr("Attention : prêt ? oui ; non ! 5 %"), "d’accord", "Taux de TVA (%)"):
        assert fr(good) == good and not GLUED.search(good) and not OTHER_APOSTROPHES.search(good)


def test_amounts_and_counts_are_written_by_babel(app):
    with app.test_request_context("/"):
        assert money(123456) == "1\u202f234,56\u00a0€"
        assert money(100_000_00, with_cents=False) == "100\u202f000\u00a0€"
        assert number(12_000) == "12\u202f000"
