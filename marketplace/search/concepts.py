"""The concept table: words of a need tied to the competence that meets it.

Two sources, read at query time: the data file ``data/concepts.txt`` (one line per competence
of the reference list) and the ``search_concepts`` rows that administrators add (the concepts
page, ``flask search concepts add``). A phrase is matched in a query by the stems of its words,
like a synonym (longest first); the competence's name then also matches, and the result says
why: « Graphisme, pour « logo » ».

The table is cached per process and rebuilt when the rows change: every search reads the
rows' count and highest id (one small query), so an addition made by another process or node
is used at its next search, without a rebuild of the index.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from flask_babel import gettext as _
from sqlalchemy import ForeignKey, Integer, String, UniqueConstraint, column, func, select, table
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, mapped_column

from marketplace.actors import SYSTEM, Viewer
from marketplace.dbtypes import Stamp
from marketplace.errors import NotFound, PermissionDenied, ValidationError
from marketplace.extensions import Base, db
from marketplace.search.analysis import _LIGATURES, strip_elision, tokens
from marketplace.text import clean, fold

DEFAULT_PATH = Path(__file__).parent / "data" / "concepts.txt"
PHRASE_LIMIT = 120
SKILL_LIMIT = 120
MAX_WORDS = 6  # longest phrase, in words, looked up in a query
_PARENTHESES = re.compile(r"\([^)]*\)")


class SearchConcept(Base):
    """A phrase of a need an administrator tied to a competence (added to the data file's)."""

    __tablename__ = "search_concepts"
    __table_args__ = (UniqueConstraint("phrase_key", "skill_key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    phrase: Mapped[str] = mapped_column(String(PHRASE_LIMIT))
    #: The stems of the phrase's words, space-separated: what a query is matched against.
    phrase_key: Mapped[str] = mapped_column(String(200))
    #: The competence as written on the skills table (display) and its folded name.
    skill: Mapped[str] = mapped_column(String(SKILL_LIMIT))
    skill_key: Mapped[str] = mapped_column(String(SKILL_LIMIT))
    created_at: Mapped[Stamp]
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), nullable=True
    )


@dataclass(frozen=True)
class Concept:
    """One phrase tied to one competence."""

    phrase: str  # as written
    key: tuple[str, ...]  # the stems of its words
    skill: str  # the competence's name, as written
    skill_stems: tuple[str, ...]  # the stems of the competence's name (parentheses left out)
    source: str = "file"  # "file" or "admin"
    id: int | None = None
    #: The words of the phrase as written, in lower case (their accents tell « marché » from
    #: « marche », which fold alike).
    written: tuple[str, ...] = ()

    def agrees(self, typed: list[str] | None) -> bool:
        """Whether words typed (aligned with the phrase's) may mean it: an accent typed that
        the phrase writes otherwise says another word (« marché » is not « marches »); an
        accent left out says nothing (« electricite » is « électricité »)."""
        return typed is None or all(
            _accents_agree(t, w) for t, w in zip(typed, self.written, strict=False)
        )

    @property
    def skill_keys(self) -> tuple[tuple[str, ...], ...]:
        """The ways a document names the competence (see skill_keys)."""
        return skill_keys(self.skill)


def phrase_key(phrase: str) -> tuple[str, ...]:
    return tuple(t.stem for t in tokens(phrase))


@lru_cache(maxsize=20_000)
def skill_stems(name: str) -> tuple[str, ...]:
    """The stems of a competence's name without its parenthesised abbreviation:
    « Référencement naturel (SEO) » → (referencement, naturel)."""
    return phrase_key(_PARENTHESES.sub(" ", name)) or phrase_key(name)


@lru_cache(maxsize=20_000)
def skill_keys(name: str) -> tuple[tuple[str, ...], ...]:
    """The stems of a competence's name, then those of each abbreviation in its parentheses:
    « Sauveteur secouriste du travail (SST) » is also written « SST » on a profile, and
    « Borne de recharge (IRVE) » « IRVE »."""
    keys = [skill_stems(name)]
    for inside in _PARENTHESES.findall(name):
        key = phrase_key(inside[1:-1])
        if key and key not in keys:
            keys.append(key)
    return tuple(keys)


def _as_written(words: Iterable[str]) -> tuple[str, ...]:
    """Words in lower case, accents kept, an elision left out: to compare a form typed with
    a form written (« marche » is neither « marché » nor « marches », and may be either)."""
    return tuple(strip_elision(w).lower().translate(_LIGATURES) for w in words)


def _accents_agree(typed: str, written: str) -> bool:
    typed = strip_elision(typed).lower().translate(_LIGATURES)
    written = written.translate(_LIGATURES)
    for a, b in zip(typed, written, strict=False):
        if a != b and not a.isascii() and fold(a) == fold(b):
            return False
    return True


def make(phrase: str, skill: str, source: str = "file", id: int | None = None) -> Concept | None:
    key = phrase_key(phrase)
    stems = skill_stems(skill)
    if not key or not stems:
        return None
    written = tuple(phrase[t.start : t.end].lower() for t in tokens(phrase))
    return Concept(phrase, key, skill, stems, source, id, written)


class ConceptTable:
    """The concepts by the stems of their phrase."""

    def __init__(self, concepts: list[Concept]):
        self.concepts = concepts
        self._by_key: dict[tuple[str, ...], list[Concept]] = {}
        for concept in concepts:
            found = self._by_key.setdefault(concept.key, [])
            if all(c.skill != concept.skill or c.written != concept.written for c in found):
                found.append(concept)
        self.max_words = min(MAX_WORDS, max((len(k) for k in self._by_key), default=1))

    @classmethod
    def parse(cls, text: str) -> ConceptTable:
        concepts = []
        for line in text.splitlines():
            line = line.split("#", 1)[0].strip()
            if ":" not in line:
                continue
            skill, phrases = line.split(":", 1)
            for phrase in phrases.split("|"):
                concept = make(phrase.strip(), skill.strip())
                if concept is not None:
                    concepts.append(concept)
        return cls(concepts)

    def merged(self, more: list[Concept]) -> ConceptTable:
        return ConceptTable(self.concepts + more)

    def match(
        self, stems: list[str], start: int, typed: list[str] | None = None
    ) -> tuple[int, list[Concept]]:
        """The longest phrase starting at stems[start]: (its number of words, its concepts).
        ``typed``: the words as typed, aligned with stems (their accents must agree)."""
        longest = min(self.max_words, len(stems) - start)
        for n in range(longest, 0, -1):
            key = tuple(stems[start : start + n])
            found = self.lookup(key, typed[start : start + n] if typed else None)
            if found:
                return n, found
        return 0, []

    def lookup(self, key: tuple[str, ...], typed: list[str] | None = None) -> list[Concept]:
        """The concepts of a phrase, one per competence (``typed``: see match). When the
        table writes the phrase in several forms for different competences, the form typed
        chooses: « toilette » (washing) is Aide à domicile's, « toilettes » Plomberie's,
        though both stem alike; a form the table does not write as typed keeps them all."""
        found: list[Concept] = []
        every = self._by_key.get(key, [])
        if typed and len(every) > 1:
            words = _as_written(typed)
            every = [c for c in every if _as_written(c.written) == words] or every
        for concept in every:
            if concept.agrees(typed) and all(c.skill != concept.skill for c in found):
                found.append(concept)
        return found

    def skills(self) -> dict[str, str]:
        """Folded competence name → as written, for every competence of the table."""
        return {fold(c.skill): c.skill for c in self.concepts}


@lru_cache(maxsize=2)
def load_file(path: str | None = None) -> ConceptTable:
    return ConceptTable.parse(Path(path or DEFAULT_PATH).read_text(encoding="utf-8"))


class _Cache:
    """The merged table of this process, and the rows' version it was built from."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.version: tuple | None = None
        self.table: ConceptTable | None = None


_cache = _Cache()


def current() -> ConceptTable:
    """The data file's concepts and the administrators', as the database has them now."""
    version = tuple(
        db.session.execute(select(func.count(SearchConcept.id), func.max(SearchConcept.id))).one()
    )
    with _cache.lock:
        if _cache.table is not None and _cache.version == version:
            return _cache.table
    rows = db.session.scalars(select(SearchConcept).order_by(SearchConcept.id)).all()
    added = [c for c in (make(r.phrase, r.skill, "admin", r.id) for r in rows) if c]
    merged = load_file().merged(added)
    with _cache.lock:
        _cache.table, _cache.version = merged, version
    return merged


# Operations ----------------------------------------------------------------------------------

_SKILLS = table("skills", column("name", String), column("key", String))


def _require_admin(actor: Viewer) -> None:
    if actor is not SYSTEM and not actor.is_admin:
        raise PermissionDenied(_("Only administrators edit the concept table."))


def find_skill(name: str) -> str | None:
    """The competence of this name as written on the skills table, or in the concept file."""
    key = fold(name)
    if not key:
        return None
    written = db.session.scalar(select(_SKILLS.c.name).where(_SKILLS.c.key == key))
    if written:
        return str(written)
    return load_file().skills().get(key)


def skill_names() -> list[str]:
    """Every competence a concept may name: the skills table's and the concept file's."""
    names: dict[str, str] = {fold(n): n for n in load_file().skills().values()}
    rows = db.session.execute(select(_SKILLS.c.name)).all()
    written = [str(row[0]) for row in rows]
    names.update((fold(n), n) for n in written)
    return sorted(names.values(), key=fold)


def add_concept(actor: Viewer, phrase: str, skill: str) -> tuple[SearchConcept | None, bool]:
    """Tie a phrase to a competence; (the row, created). Adding a pair again changes nothing
    (the row, or None when the data file already holds it, with created False)."""
    _require_admin(actor)
    phrase, skill = clean(phrase), clean(skill)
    errors: dict[str, list[str]] = {}
    if not phrase or len(phrase) > PHRASE_LIMIT:
        errors["phrase"] = [_("Enter a word or a phrase of at most 120 characters.")]
    elif not phrase_key(phrase):
        errors["phrase"] = [_("This phrase holds only words that searches ignore.")]
    written = find_skill(skill) if skill else None
    if written is None:
        errors["skill"] = [_("No competence has this name.")]
    if errors or written is None:
        raise ValidationError(_("Some fields need your attention."), errors)
    stems = phrase_key(phrase)
    key, skill_key = " ".join(stems), fold(written)
    n, in_file = load_file().match(list(stems), 0)
    if n == len(stems) and any(c.skill_stems == skill_stems(written) for c in in_file):
        return None, False
    existing = _existing(key, skill_key)
    if existing is not None:
        return existing, False
    row = SearchConcept(
        phrase=phrase,
        phrase_key=key,
        skill=written,
        skill_key=skill_key,
        created_by_id=actor.id if actor is not SYSTEM else None,
    )
    try:
        with db.session.begin_nested():
            db.session.add(row)
            db.session.flush()
    except IntegrityError:  # added at the same moment by someone else
        existing = _existing(key, skill_key)
        return existing, False
    return row, True


def _existing(key: str, skill_key: str) -> SearchConcept | None:
    return db.session.scalar(
        select(SearchConcept).where(
            SearchConcept.phrase_key == key, SearchConcept.skill_key == skill_key
        )
    )


def delete_concept(actor: Viewer, concept_id: int) -> None:
    """Remove a concept an administrator added (the data file's are edited in the repository)."""
    _require_admin(actor)
    row = db.session.get(SearchConcept, concept_id)
    if row is None:
        raise NotFound(_("This concept does not exist."))
    db.session.delete(row)
    db.session.flush()


def added_concepts(actor: Viewer) -> list[SearchConcept]:
    _require_admin(actor)
    return list(db.session.scalars(select(SearchConcept).order_by(SearchConcept.phrase)))


def every_concept(actor: Viewer) -> list[Concept]:
    """The whole table (file and additions), by competence then phrase."""
    _require_admin(actor)
    return sorted(current().concepts, key=lambda c: (fold(c.skill), fold(c.phrase)))
