"""Highlighting: the matched words of a text wrapped in <mark>, everything else HTML-escaped."""

from __future__ import annotations

from collections.abc import Collection, Iterable

from flask_babel import gettext as _
from markupsafe import Markup, escape

from marketplace.search.analysis import Token, tokens
from marketplace.search.concepts import skill_keys, skill_stems

ELLIPSIS = "…"


def matched_tokens(text: str, stems: Collection[str], exact: Collection[str]) -> list[Token]:
    """The words of text whose stem was searched, or whose folded form a prefix/typo matched."""
    return [t for t in tokens(text) if t.stem in stems or t.folded in exact]


def highlight(
    text: str,
    stems: Collection[str],
    exact: Collection[str] = (),
    fragment: int | None = None,
) -> Markup | None:
    """Escaped text with <mark> around matches, or None when nothing matches.

    With ``fragment`` (a number of characters), only a window around the first matches is
    kept, cut at word boundaries, with an ellipsis where text was left out.
    """
    if not text:
        return None
    marks = matched_tokens(text, stems, exact)
    if not marks:
        return None
    start, end = 0, len(text)
    if fragment and len(text) > fragment:
        start = max(0, marks[0].start - fragment // 4)
        end = min(len(text), start + fragment)
        if start > 0:
            space = text.find(" ", start, marks[0].start)
            start = space + 1 if space != -1 else start
        if end < len(text):
            space = text.rfind(" ", marks[0].end, end)
            end = space if space != -1 else end
        marks = [m for m in marks if m.start >= start and m.end <= end]
    parts: list[str] = [ELLIPSIS] if start > 0 else []
    position = start
    for mark in marks:
        parts.append(str(escape(text[position : mark.start])))
        parts.append("<mark>" + str(escape(text[mark.start : mark.end])) + "</mark>")
        position = mark.end
    parts.append(str(escape(text[position:end])))
    if end < len(text):
        parts.append(ELLIPSIS)
    return Markup("".join(parts))  # noqa: S704 (every piece of text above is escaped)


def highlight_fields(
    texts: dict[str, str],
    stems: Collection[str],
    exact: Collection[str] = (),
    fragments: dict[str, int] | None = None,
) -> dict[str, Markup]:
    """Highlights of the fields that contain a match, by field name."""
    fragments = fragments or {}
    result = {}
    for name, text in texts.items():
        marked = highlight(text, stems, exact, fragments.get(name))
        if marked is not None:
            result[name] = marked
    return result


def concept_reasons(used: Iterable[tuple[str, str]], skill_names: Iterable[str]) -> Markup | None:
    """Why a result was found through the concept table, for the competences it holds:
    « <mark>Graphisme</mark>, pour « logo » » (several joined by « ; »), or None."""
    used = list(used)
    if not used:  # a query that called no concept: nothing to read of the profile's skills
        return None
    wanted = {key for skill, _phrase in used for key in skill_keys(skill)}
    held: dict[tuple[str, ...], str] = {}
    for written in skill_names:
        stems = skill_stems(written)  # (cached: a page reads the same competences many times)
        if stems in wanted:
            held[stems] = written
    reasons: list[str] = []
    for skill, phrase in used:
        name = next((held[k] for k in skill_keys(skill) if k in held), None)
        if name is None:
            continue
        # The competence's place holds a marker the translation cannot contain; the text
        # around it is escaped, then the marked (escaped) name takes its place.
        text = str(escape(_("%(skill)s, for « %(phrase)s »", skill="\x00", phrase=phrase)))
        reason = text.replace("\x00", "<mark>" + str(escape(name)) + "</mark>")
        if reason not in reasons:
            reasons.append(reason)
    return Markup(" ; ".join(reasons)) if reasons else None  # noqa: S704 (escaped above)
