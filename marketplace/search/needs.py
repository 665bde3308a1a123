"""A need typed in words, read without the index: for saved alerts and tender lots.

The search reads what a person typed with the index at hand (query.py: which words some
document holds, their rarity). A saved alert is matched in the worker against one object at a
time, and a tender lot described only in words is turned into competences: neither has an
index to ask. Both read the words the same way as the search — filler words of a request
dropped, lemmas (« carrelons » → carreler), the synonym table, the concept table (« haies »
→ Paysagisme) — and the same rule of a sentence: a short need wants every word, a sentence
(SENTENCE_CLAUSES clauses or SENTENCE_WORDS typed words) wants most of it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from marketplace.search import concepts, synonyms
from marketplace.search.analysis import (
    CONTEXT_WEIGHT,
    CONTEXT_WORDS,
    FILLER_WORDS,
    STOP_WORDS,
    Token,
    lemma_stem,
    stem,
    tokens,
)
from marketplace.search.query import (
    OWN,
    PLAIN_WEIGHT,
    SENTENCE_CLAUSES,
    SENTENCE_WORDS,
    holds_whole,
    parse,
    reads_as_typed,
)
from marketplace.text import fold

#: A sentence is met by an object holding this share of its (weighted) words: a need of two
#: trades (« carreler la douche ») is met by either.
SENTENCE_SHARE = 0.35

#: Longest competence name, in words, looked for in a text describing work.
NAME_WORDS = 5
_KEY_WORD = re.compile(r"[^\W_]+(?:'[^\W_]+)*")

Alternative = tuple[str, ...]  # stems that must all be held


@dataclass
class Clause:
    """One word (or phrase) of a need and the ways an object may hold it."""

    typed: str
    alternatives: set[Alternative] = field(default_factory=set)
    weight: float = 1.0
    #: The competences a concept ties the words to (names as written).
    competences: list[str] = field(default_factory=list)


@dataclass
class Need:
    clauses: list[Clause]
    sentence: bool = False

    @property
    def competences(self) -> list[str]:
        """The competences the need's concepts name, in order, once each."""
        seen: dict[str, None] = {}
        for clause in self.clauses:
            for name in clause.competences:
                seen.setdefault(name, None)
        return list(seen)

    def held_by(self, stems: set[str]) -> bool:
        """Whether an object holding these stems (and folded words, and each folded word
        marked OWN: the words as typed, see read_need) meets the need."""
        if not self.clauses:
            return True
        held = [any(set(a) <= stems for a in c.alternatives) for c in self.clauses]
        if not self.sentence:
            return all(held)
        whole = sum(c.weight for c in self.clauses)
        share = sum(c.weight for c, h in zip(self.clauses, held, strict=True) if h)
        strong = any(
            h and c.weight > CONTEXT_WEIGHT for c, h in zip(self.clauses, held, strict=True)
        )
        return strong and share >= SENTENCE_SHARE * whole - 1e-9


def read_need(text: str | None, table: concepts.ConceptTable | None = None) -> Need:
    """The clauses of a need typed in words (see the module's docstring). ``table``: the
    concept table read once for many needs (default: as the database has it now)."""
    parsed = parse(text)
    words, raw = parsed.words, parsed.raw_words
    filler = [w.folded in FILLER_WORDS for w in words]
    if all(filler):
        filler = [False] * len(words)
    vocabulary, table = synonyms.load(), table or concepts.current()
    lemmas, stems, own = _stems(words, raw, filler, vocabulary, table)
    clauses: list[Clause] = []
    i = 0
    while i < len(words):
        n, groups = vocabulary.match(stems, i)
        width = max(n, 1)
        found = _concepts_of(stems, i, width, table, raw, parsed.compounds)
        if not (width == 1 and filler[i] and not groups and not found):
            clause = Clause(" ".join(raw[i : i + width]), {tuple(stems[i : i + width])})
            if width == 1 and own[i]:  # the word as typed, or its plural
                clause.alternatives.add((OWN + words[i].folded + "s",))
            elif width == 1:  # the word as typed and its lemma hold it too
                clause.alternatives.update({(lemmas[i],), (words[i].folded,)})
            for group in groups:
                clause.alternatives.update(term.key for term in group.terms)
            _widen(clause, found, vocabulary)
            if width == 1 and words[i].folded in CONTEXT_WORDS:
                clause.weight = CONTEXT_WEIGHT
            elif not groups and not found:
                clause.weight = PLAIN_WEIGHT
            clauses.append(clause)
        i += width
    sentence = len(clauses) >= SENTENCE_CLAUSES or parsed.typed >= SENTENCE_WORDS
    if not sentence:
        for clause in clauses:
            clause.weight = 1.0
    return Need(clauses, sentence)


def _stems(
    words: list[Token], raw: list[str], filler: list[bool], vocabulary, table
) -> tuple[list[str], list[str], list[bool]]:
    """Per word: its lemma's stem, the stem it is looked up and matched by (_known), and
    whether it matches as typed — a word whose stem only « ée » words of the tables share
    (as the search does with the index's words: query.reads_as_typed); such a word's stem
    and lemma are the word marked OWN."""
    lemmas = [
        lemma_stem(w.folded, r) if w.folded.isalpha() else w.stem
        for w, r in zip(words, raw, strict=True)
    ]
    stems = [
        _known(w.stem, lemma, vocabulary, table) for w, lemma in zip(words, lemmas, strict=True)
    ]
    by_stem = _table_words(vocabulary, table)
    own = [
        not filler[i] and reads_as_typed(word, by_stem.get(word.folded, ()))
        for i, word in enumerate(words)
    ]
    for i, word in enumerate(words):
        if own[i]:
            stems[i] = lemmas[i] = OWN + word.folded
    return lemmas, stems, own


def _known(stem: str, lemma: str, vocabulary, table) -> str:
    """The word's stem, or its lemma's when only that is a word of the tables."""
    if vocabulary.match([stem], 0)[0] or table.match([stem], 0)[0] or lemma == stem:
        return stem
    return lemma if vocabulary.match([lemma], 0)[0] or table.match([lemma], 0)[0] else stem


def _widen(clause: Clause, found: list[concepts.Concept], vocabulary) -> None:
    """A clause is also held by the competences its concepts name (and their synonyms)."""
    for concept in found:
        if concept.skill not in clause.competences:
            clause.competences.append(concept.skill)
        for name in concept.skill_keys:
            clause.alternatives.add(name)
            m, skill_groups = vocabulary.match(list(name), 0)
            if m == len(name):
                clause.alternatives.update(t.key for g in skill_groups for t in g.terms)


def _concepts_of(
    stems: list[str],
    start: int,
    width: int,
    table,
    typed: list[str],
    compounds: list[tuple[str, ...]],
) -> list[concepts.Concept]:
    """The concepts of the longest concept phrase holding the words from start (width);
    ``typed``: the words as typed (their accents must agree with the phrase's); a phrase
    widens a part of a hyphenated word only when it holds the whole word (``compounds``:
    ParsedQuery.compounds; query.holds_whole)."""
    found: list[concepts.Concept] = []
    for s in range(max(0, start - table.max_words + 1), start + width):
        n, here = table.match(stems, s, typed)
        if n and s + n > start and (width == 1 or (s <= start and s + n >= start + width)):
            found += [c for c in here if c not in found and holds_whole(c.phrase, s, n, compounds)]
    return found


@lru_cache(maxsize=4)
def _table_words(
    vocabulary: synonyms.SynonymTable, table: concepts.ConceptTable
) -> dict[str, frozenset[str]]:
    """The folded words of the synonym and concept tables (phrases and competence names) by
    their stem: the vocabulary a need is read with when there is no index
    (reads_as_typed)."""
    words = set(vocabulary.vocabulary())
    for concept in table.concepts:
        words.update(t.folded for t in tokens(concept.phrase))
        words.update(t.folded for t in tokens(concept.skill))
    by_stem: dict[str, set[str]] = {}
    for word in words:
        by_stem.setdefault(stem(word), set()).add(word)
    return {key: frozenset(forms) for key, forms in by_stem.items()}


def competences_in(text: str | None, table: concepts.ConceptTable | None = None) -> list[str]:
    """The competences a text describing work names, best first: the names written in it
    (« Lot 2 : plomberie ») as folded keys of the skills table, then those its concepts
    tie its words to (« tonte des pelouses » → Paysagisme). Keys, not rows: the caller
    reads the rows (one query)."""
    words = _KEY_WORD.findall(fold(text or ""))
    keys: dict[str, None] = {}
    for n in range(min(NAME_WORDS, len(words)), 0, -1):
        for start in range(len(words) - n + 1):
            keys.setdefault(" ".join(words[start : start + n]), None)
    named = [k for k in keys if k not in STOP_WORDS]
    return named + [fold(name) for name in read_need(text, table).competences]
