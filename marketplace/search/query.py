"""From what a person typed to a Whoosh query, defensively.

The raw text never reaches Whoosh's query parser: it is cut to MAX_CHARS characters and
MAX_WORDS words and analysed like the indexed text, so quotes, parentheses, AND/OR/NOT and
wildcards are plain punctuation or words, and nothing can fail or explode. Filler words of a
request (« je cherche », « besoin de », « qui peut faire ») are dropped. Each word (or
multi-word synonym or concept) becomes one clause. A clause matches the word's stem in the
weighted text fields, the other terms of its synonym group (slightly lower), the competences
its concept ties it to (concepts.py), typos within an edit distance scaled to the word's
length, and for the last word, words starting with it (autocompletion). A word no document
holds is first brought to its dictionary form (analysis.lemma_stem: « carrelons » →
carreler, which the synonym table ties to carrelage and carreleur). Prefix and fuzzy
expansions are capped, so a query stays cheap whatever the index holds.

How the clauses combine is the service's choice (service.search_parsed): a short query needs
every clause (AND); a sentence (SENTENCE_CLAUSES clauses or more) needs any, ranked by how
much of it a document matches (engine.Scope.run).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from whoosh import query as wq
from whoosh.searching import Searcher

from marketplace.search.analysis import (
    _WORD,
    CONTEXT_WEIGHT,
    CONTEXT_WORDS,
    FILLER_WORDS,
    WORD_PATTERN,
    Token,
    fold,
    in_dictionary,
    lemma_stem,
    stem,
    strip_elision,
    tokens,
)
from marketplace.search.concepts import Concept, ConceptTable
from marketplace.search.documents import DocumentType
from marketplace.search.synonyms import SynonymTable

MAX_CHARS = 200
MAX_WORDS = 12
PREFIX_MIN = 3  # shortest last word completed as a prefix
PREFIX_CAP = 40  # most words a prefix expands to, per field
FUZZY_CAP = 12  # most words a typo expands to, per field
SYNONYM_BOOST = 0.7
PREFIX_BOOST = 0.5
FUZZY_BOOST = 0.4
CONCEPT_BOOST = 0.8  # a competence a concept ties a word to, beside the word itself
#: In a sentence, a word that neither the synonym nor the concept table knows weighs less
#: than the words of a trade or of a need tied to one (query and saved alerts alike).
PLAIN_WEIGHT = 0.5
CONCEPT_BELOW = 1  # in a short query, concepts widen a clause matching fewer documents
SENTENCE_CLAUSES = 3  # from this many clauses, a query is a sentence: any clause may match
SENTENCE_WORDS = 5  # … or from this many words typed (stop and filler words included)
OWN = "\x00"  # marks a word matched as typed, not by its stem (QueryBuilder.only_ee)
_OPERATORS = {"AND", "OR", "NOT", "ET", "OU", "SAUF"}
_TYPED_WORD = re.compile(r"[^\W\d_]+")
#: Words joined by hyphens: one word of its own (« sous-sol », « lave-vaisselle »).
_COMPOUND = re.compile(WORD_PATTERN + r"(?:-" + WORD_PATTERN + r")+")


def max_edits(word: str) -> int:
    """Typos tolerated in a word: none up to 3 letters, 1 up to 7, 2 from 8."""
    if len(word) <= 3 or not word.isalpha():
        return 0
    return 1 if len(word) <= 7 else 2


def edit_distance(a: str, b: str) -> int:
    """Optimal string alignment distance (a swap of two letters counts as one edit)."""
    if a == b:
        return 0
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cost = 0 if ca == cb else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                current[j] = min(current[j], previous2[j - 2] + 1)
        previous2, previous = previous, current
    return previous[-1]


@dataclass
class ParsedQuery:
    text: str  # the cleaned text, as shown back to the reader
    words: list[Token]
    raw_words: list[str]  # the words as typed, aligned with words
    typed: int = 0  # how many words were typed, stop and filler words included
    #: Per word, the parts of the hyphenated word it belongs to (none when it stands alone).
    compounds: list[tuple[str, ...]] = field(default_factory=list)


def parse(raw: str | None) -> ParsedQuery:
    """Cut and analyse the typed text; operators, wildcards and repeated words are dropped."""
    text = (raw or "")[: MAX_CHARS * 2]
    text = re.sub(r"\s+", " ", "".join(ch if ch.isprintable() else " " for ch in text)).strip()
    text = text[:MAX_CHARS]
    words: list[Token] = []
    raw_words: list[str] = []
    seen: set[str] = set()
    for token in tokens(text):
        surface = text[token.start : token.end]
        if surface in _OPERATORS or token.folded in seen:
            continue
        seen.add(token.folded)
        words.append(token)
        raw_words.append(surface)
        if sum(w.folded not in FILLER_WORDS for w in words) >= MAX_WORDS:
            break
    return ParsedQuery(
        text, words, raw_words, len(_TYPED_WORD.findall(text)), _compounds(text, words)
    )


def compound_parts(text: str) -> tuple[str, ...]:
    """The stems of the parts of a hyphenated word, stop words kept (« sous-sol » →
    (sous, sol)), an elision left out."""
    return tuple(stem(fold(strip_elision(w))) for w in _WORD.findall(text))


def _compounds(text: str, words: list[Token]) -> list[tuple[str, ...]]:
    """Per word, the parts of the hyphenated word holding it (« sol » of « sous-sol »)."""
    runs = [(m.start(), m.end()) for m in _COMPOUND.finditer(text)]
    parts = []
    for word in words:
        inside = [(a, b) for a, b in runs if a <= word.start and word.end <= b]
        parts.append(compound_parts(text[inside[0][0] : inside[0][1]]) if inside else ())
    return parts


@dataclass
class BuiltQuery:
    clauses: list[wq.Query]
    stems: set[str] = field(default_factory=set)  # to highlight
    exact: set[str] = field(default_factory=set)  # prefix and typo expansions, to highlight
    #: Per clause, how much it counts in a sentence's coverage (a typo's guess counts less).
    weights: list[float] = field(default_factory=list)
    #: The concepts used: (competence, the words of the query that called it).
    concepts: list[tuple[str, str]] = field(default_factory=list)
    #: Set by the search: no document matched every clause, those shown match some.
    partial: bool = False
    #: A sentence: any clause may match, ranked by how much of the query a document holds.
    sentence: bool = False

    def all_of(self) -> wq.Query:
        return self.clauses[0] if len(self.clauses) == 1 else wq.And(self.clauses)

    def any_of(self) -> wq.Query:
        return self.clauses[0] if len(self.clauses) == 1 else wq.Or(self.clauses)


@dataclass
class _Draft:
    """The words of a query while its clauses are built."""

    words: list[Token]
    raw: list[str]  # as typed
    stems: list[str]  # what each word matches (its lemma when only that is known)
    corrected: list[str]  # the same, with typos corrected: for looking up synonyms
    filler: list[bool]
    extra: list[list[wq.Query]] = field(default_factory=list)  # prefix and typo alternatives
    #: Words of the dictionary read as another word by the typo tolerance (« parc » → PAC).
    guessed: set[int] = field(default_factory=set)
    #: Words matched as typed only: their stem is another word's (see QueryBuilder.only_ee).
    own: set[int] = field(default_factory=set)


def holds_whole(phrase: str, start: int, width: int, compounds: list[tuple[str, ...]]) -> bool:
    """Whether a concept phrase found on the words start … start + width - 1 holds, as
    written, the whole hyphenated word of each of them (the phrase « sol » does not speak
    for « sous-sol »; ``compounds``: ParsedQuery.compounds)."""
    wholes = [compounds[j] for j in range(start, start + width) if compounds[j]]
    if not wholes:
        return True
    written = compound_parts(phrase)
    return all(
        any(written[k : k + len(parts)] == parts for k in range(len(written) - len(parts) + 1))
        for parts in wholes
    )


def _whole_compounds(widened, compounds: list[tuple[str, ...]]):
    """Of each word's concepts, those whose phrase holds the whole hyphenated word of each
    of its words (holds_whole)."""
    return [
        [item for item in found if holds_whole(item[0].phrase, item[2], item[3], compounds)]
        for found in widened
    ]


def _plain_e(word: Token) -> bool:
    """A word of four letters or more ending in a plain « e » that is its own stem."""
    folded = word.folded
    return (
        len(folded) >= 4
        and folded.isalpha()
        and folded.endswith("e")
        and not folded.endswith("ee")
        and word.stem == folded
    )


def reads_as_typed(word: Token, forms: Iterable[str]) -> bool:
    """Whether a word ending in a plain « e » shares its stem only with words ending in
    « ée » among ``forms`` (the words of a vocabulary that begin with it: the index's, or
    the concept and synonym tables'): the stemmer reads « données » as « donne », and « le
    chauffe-eau ne donne plus d'eau » is no data analyst's. Such a word matches as typed."""
    if not _plain_e(word):
        return False
    shared = {w for w in forms if w.startswith(word.folded) and stem(w) == word.folded}
    return bool(shared) and all(w.endswith(("ee", "ees")) for w in shared)


def _weight(exact: bool, known: bool, sentence: bool, guessed: bool = False) -> float:
    """How much a clause counts in a sentence's coverage: a typo's guess less than a word
    typed, and in a sentence, a word no table knows less than a trade's or a need's, and
    a word of the dictionary that the typo tolerance read as another word as a guess."""
    if (not exact and not known) or (sentence and guessed):
        return FUZZY_BOOST
    return PLAIN_WEIGHT if sentence and not known else 1.0


class QueryBuilder:
    def __init__(
        self,
        searcher: Searcher,
        doc_type: DocumentType,
        synonyms: SynonymTable,
        cache: Callable[[Any, Callable[[], list[str]]], list[str]] | None = None,
    ):
        """``cache(key, compute)`` may keep dictionary expansions (Indexer.cached_terms)."""
        self.cache = cache or (lambda _key, compute: compute())
        self.searcher = searcher
        self.reader = searcher.reader()
        self.doc_type = doc_type
        self.synonyms = synonyms

    def stem_query(self, stem: str, boost: float = 1.0) -> wq.Query:
        return wq.Or(
            [wq.Term(f, stem, boost=w * boost) for f, w in self.doc_type.text_fields.items()]
        )

    def words_query(self, stems: Iterable[str], boost: float = 1.0) -> wq.Query:
        parts = [self.stem_query(s, boost) for s in stems]
        return parts[0] if len(parts) == 1 else wq.And(parts)

    def own_query(self, folded: str) -> wq.Query:
        """A word as typed and its plural, in the exact fields (no stem)."""
        return wq.Or(
            [
                wq.Term(f, w, boost=weight)
                for f, weight in self.doc_type.exact_fields.items()
                for w in (folded, folded + "s")
            ]
        )

    def only_ee(self, word: Token) -> bool:
        """Whether a word matches as typed (reads_as_typed), the index's words its
        vocabulary."""
        if not _plain_e(word):
            return False
        return reads_as_typed(
            word, (w for ws in self.expand_prefix(word.folded).values() for w in ws)
        )

    def _leaves(self):
        return [reader for reader, _offset in self.reader.leaf_readers()]

    def expand_prefix(self, prefix: str) -> dict[str, list[str]]:
        found: dict[str, list[str]] = {}
        for f in self.doc_type.exact_fields:
            words = self.cache(("prefix", f, prefix), partial(self._prefix_words, f, prefix))
            if words:
                found[f] = words
        return found

    def _prefix_words(self, f: str, prefix: str) -> list[str]:
        words: set[str] = set()
        for leaf in self._leaves():
            for btext in leaf.expand_prefix(f, prefix):
                words.add(btext.decode("utf-8"))
                if len(words) >= PREFIX_CAP:
                    break
            if len(words) >= PREFIX_CAP:
                break
        return sorted(words)

    def expand_fuzzy(self, word: str) -> dict[str, list[str]]:
        edits = max_edits(word)
        if not edits:
            return {}
        found: dict[str, list[str]] = {}
        for f in self.doc_type.exact_fields:
            ranked = self.cache(
                ("fuzzy", f, word, edits), partial(self._fuzzy_words, f, word, edits)
            )
            if ranked:
                found[f] = ranked
        return found

    def _fuzzy_words(self, f: str, word: str, edits: int) -> list[str]:
        words: set[str] = set()
        for leaf in self._leaves():
            for i, candidate in enumerate(leaf.terms_within(f, word, edits, prefix=1)):
                if candidate != word:
                    words.add(candidate)
                if i >= FUZZY_CAP * 4:
                    break
        return sorted(words, key=lambda w: (edit_distance(w, word), w))[:FUZZY_CAP]

    def _prefix_alternatives(self, word: Token, built: BuiltQuery) -> list[wq.Query]:
        expansions = self.expand_prefix(word.folded)
        built.exact.update(w for ws in expansions.values() for w in ws)
        return self.exact_query(expansions, PREFIX_BOOST)

    def exact_query(self, expansions: dict[str, list[str]], boost: float) -> list[wq.Query]:
        return [
            wq.Term(f, w, boost=self.doc_type.exact_fields[f] * boost)
            for f, words in expansions.items()
            for w in words
        ]

    def build(
        self,
        words: list[Token],
        known: Callable[[str], bool] | None = None,
        complete_last: bool = False,
        *,
        concepts: ConceptTable | None = None,
        raw_words: list[str] | None = None,
        hits: Callable[[wq.Query], int] | None = None,
        typed_words: int = 0,
        compounds: list[tuple[str, ...]] | None = None,
    ) -> BuiltQuery:
        """One clause per word, or per synonym or concept span.

        ``known(stem)`` says whether the reader can see a document with that stem. A word that
        is neither known nor a synonym nor a concept is first brought to its lemma (its
        dictionary form, from ``raw_words``: the words as typed); failing that, it is a likely
        typo: it matches words within its edit distance, and its closest known correction is
        used to look up synonyms (so that "graphsite" also finds "infographie"). The last
        word, when it is not a known word, also matches as a prefix (autocompletion);
        ``complete_last``: even when it is a known word (a list's filter box, where « rénov »
        finds « rénovation » beside « Renov »).

        Concepts widen every clause of a sentence; in a short query, only a clause whose own
        words ``hits(query)`` counts fewer than CONCEPT_BELOW visible documents for (so that
        a precise trade word keeps its precision, and a need's word nobody writes still finds
        the competence).

        ``compounds``: per word, the parts of the hyphenated word it belongs to
        (ParsedQuery.compounds): a concept phrase widens a part of a hyphenated word only when
        it holds the whole of it (« sol » is no Carrelage in « sous-sol », nor « vaisselle »
        a Céramique in « lave-vaisselle »; « chauffe-eau » is a phrase of its own).
        """
        known = known or (lambda _stem: True)
        concepts = concepts or ConceptTable([])
        built = BuiltQuery([])
        filler = [w.folded in FILLER_WORDS for w in words]
        if all(filler):  # a query of filler words only keeps them
            filler = [False] * len(words)
        draft = _Draft(
            words,
            raw_words or [w.folded for w in words],
            [w.stem for w in words],
            [w.stem for w in words],
            filler,
        )

        def resolved(s: str) -> bool:
            return bool(self.synonyms.match([s], 0)[0] or concepts.match([s], 0)[0] or known(s))

        for i in range(len(words)):
            draft.extra.append(self._word(draft, i, known, resolved, complete_last, built))
        spans = self._spans(draft, concepts, compounds)
        built.sentence = len(spans) >= SENTENCE_CLAUSES or typed_words >= SENTENCE_WORDS
        for span in spans:
            self._clause(draft, span, built, hits)
        return built

    def _word(self, draft: _Draft, i: int, known, resolved, complete_last, built) -> list[wq.Query]:
        """The prefix and typo alternatives of a word (a lemma may replace its stem)."""
        word = draft.words[i]
        alternatives: list[wq.Query] = []
        if draft.filler[i]:
            return alternatives
        if self.only_ee(word):
            draft.stems[i] = draft.corrected[i] = OWN + word.folded
            draft.own.add(i)
            built.exact.add(word.folded)
            return alternatives
        last = i == len(draft.words) - 1
        completed = last and len(word.folded) >= PREFIX_MIN and word.folded.isalnum()
        if resolved(word.stem):
            if completed and complete_last:
                alternatives += self._prefix_alternatives(word, built)
            return alternatives
        if word.folded.isalpha():
            lemma = lemma_stem(word.folded, draft.raw[i])
            if lemma != word.stem and resolved(lemma):
                draft.stems[i] = draft.corrected[i] = lemma
                return alternatives
        if completed:
            alternatives += self._prefix_alternatives(word, built)
        fuzzy = self.expand_fuzzy(word.folded)
        alternatives += self.exact_query(fuzzy, FUZZY_BOOST)
        candidates = sorted(
            {w for ws in fuzzy.values() for w in ws},
            key=lambda c: (edit_distance(c, word.folded), c),
        )
        built.exact.update(candidates)
        for candidate in candidates[:3]:
            if known(stem(candidate)):
                draft.corrected[i] = stem(candidate)
                if word.folded.isalpha() and in_dictionary(draft.raw[i]):
                    draft.guessed.add(i)
                break
        return alternatives

    def _spans(
        self, draft: _Draft, concepts: ConceptTable, compounds: list[tuple[str, ...]] | None
    ) -> list[tuple[int, int, list, list]]:
        """(start, width, synonym groups, concepts) of each clause: a synonym phrase or one
        word; a filler word counts only inside a synonym or concept phrase. A word of the
        dictionary that the typo tolerance read as another word keeps its own concepts beside
        those of the guess (« mauvaises herbes » is Entretien d'espaces verts' though « herbe »
        reads as an indexed « herve »)."""
        widened = self._concepts_by_word(draft.corrected, concepts, draft.raw)
        if draft.guessed:
            own = [
                draft.stems[j] if j in draft.guessed else c for j, c in enumerate(draft.corrected)
            ]
            for j, more in enumerate(self._concepts_by_word(own, concepts, draft.raw)):
                widened[j] += [item for item in more if item not in widened[j]]
        if compounds:
            widened = _whole_compounds(widened, compounds)
        spans = []
        i = 0
        while i < len(draft.words):
            n, groups = self.synonyms.match(draft.corrected, i)
            width = max(n, 1)
            found = [
                (concept, phrase)
                for j in range(i, i + width)
                for concept, phrase, start, length in widened[j]
                # a phrase inside a synonym phrase does not speak for it (« plan » is no
                # Maîtrise d'œuvre in « business plan »)
                if width == 1 or (start <= i and start + length >= i + width)
            ]
            if not (width == 1 and draft.filler[i] and not groups and not found):
                spans.append((i, width, groups, found))
            i += width
        return spans

    def _typed(self, draft: _Draft, j: int, built: BuiltQuery) -> wq.Query:
        """A word as typed: its stem (or the word itself, QueryBuilder.only_ee), its typos."""
        if j in draft.own:
            return self.own_query(draft.words[j].folded)
        options = [self.stem_query(draft.stems[j]), *draft.extra[j]]
        built.stems.add(draft.stems[j])
        return options[0] if len(options) == 1 else wq.Or(options)

    def _clause(self, draft: _Draft, span, built: BuiltQuery, hits) -> None:
        """One clause: the words typed (and their typos), their synonyms, their concepts."""
        i, width, groups, found = span
        stems = draft.stems
        typed = [self._typed(draft, j, built) for j in range(i, i + width)]
        alternatives = [typed[0] if width == 1 else wq.And(typed)]
        exact = draft.corrected[i : i + width] == stems[i : i + width]
        boost = SYNONYM_BOOST if exact else FUZZY_BOOST
        for group in groups:
            for term in group.terms:
                if term.key != tuple(stems[i : i + width]):
                    alternatives.append(self.words_query(term.key, boost))
                    built.stems.update(term.key)
        if found and not built.sentence and hits is not None:
            own = alternatives[0] if len(alternatives) == 1 else wq.Or(alternatives)
            if hits(own) >= CONCEPT_BELOW:
                found = []
        skills: set[str] = set()
        for concept, phrase in found:  # the longest phrase of a competence comes first
            if concept.skill in skills:
                continue
            skills.add(concept.skill)
            alternatives += self._concept_alternatives(concept, exact, built)
            if (concept.skill, phrase) not in built.concepts:
                built.concepts.append((concept.skill, phrase))
        guessed = not exact and any(j in draft.guessed for j in range(i, i + width))
        weight = _weight(exact, bool(groups or found), built.sentence, guessed)
        if width == 1 and draft.words[i].folded in CONTEXT_WORDS:
            weight = CONTEXT_WEIGHT
        clause = alternatives[0] if len(alternatives) == 1 else wq.Or(alternatives)
        if weight < 1.0 and built.sentence:
            clause = wq.Or([clause], boost=weight)
        built.clauses.append(clause)
        built.weights.append(weight)

    @staticmethod
    def _concepts_by_word(
        stems: list[str], concepts: ConceptTable, raw_words: list[str]
    ) -> list[list[tuple[Concept, str, int, int]]]:
        """Per word, the concepts of every phrase of the query that holds it, with the
        phrase as typed, its first word and its length: « fiche de paie » widens both
        « fiche » and « paie » to Paie."""
        widened: list[list[tuple[Concept, str, int, int]]] = [[] for _ in stems]
        for start in range(len(stems)):
            for n in range(min(concepts.max_words, len(stems) - start), 0, -1):
                found = concepts.lookup(
                    tuple(stems[start : start + n]), raw_words[start : start + n]
                )
                if found:
                    phrase = " ".join(raw_words[start : start + n])
                    for j in range(start, start + n):
                        widened[j] += [(c, phrase, start, n) for c in found]
        return widened

    def _concept_alternatives(
        self, concept: Concept, exact: bool, built: BuiltQuery
    ) -> list[wq.Query]:
        """The competence's name (all its words) and its synonyms."""
        boost = CONCEPT_BOOST if exact else FUZZY_BOOST
        keys = set(concept.skill_keys)
        for name in concept.skill_keys:
            n, groups = self.synonyms.match(list(name), 0)
            if n == len(name):
                keys.update(term.key for group in groups for term in group.terms)
        for key in keys:
            built.stems.update(key)
        return [self.words_query(key, boost) for key in sorted(keys)]
