"""search_documents(): full-text search of any registered document type a viewer may see.

Visibility is applied in the index (the set of documents the viewer may see, built from the
index form of marketplace.visibility: documents.visibility_rule) so that totals, facet counts,
typo decisions and suggestions only ever consider visible documents. The caller re-reads the
rows and checks them against the database before rendering (profiles/finder.py for profiles),
so a stale index cannot show a row just hidden.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from whoosh import query as wq

from marketplace.actors import Viewer
from marketplace.pagination import offset_of
from marketplace.search import concepts, documents, misses, synonyms
from marketplace.search.analysis import FILLER_WORDS, lemma_stem, tokens
from marketplace.search.engine import Docs, Scope
from marketplace.search.indexer import get_indexer
from marketplace.search.query import (
    CONCEPT_BELOW,
    BuiltQuery,
    ParsedQuery,
    QueryBuilder,
    edit_distance,
    max_edits,
    parse,
)
from marketplace.text import fold as text_fold

SUGGEST_BELOW = 3  # look for a "did you mean" when a query finds fewer results
RELAX_BELOW = 10  # fewer matches of every word: also show those matching the rarest words
RELAX_SHARE = 0.5  # … holding at least this share of the query's idf (the rarer words)
MAX_RANKED = 10_000  # deepest result ranked; pages beyond are empty
SENTENCE_KEEP = 0.4  # a sentence keeps the documents holding 40 % of the best coverage found
SENTENCE_KEEP_SCORE = 0.4  # … and scoring at least 40 % of the best score among them
#: The document type whose competences a search that found nothing suggests: the people.
MISSES_TYPE = "profile"


@dataclass
class DocumentSearch:
    """What the index alone answers (no database access): ranked ids, total, facet counts.

    The caller loads the rows of ``ranked`` from the database and checks each one again with
    its visibility predicate before rendering (the index may lag behind a change).
    """

    ranked: list[tuple[int, float]] = field(default_factory=list)  # (document id, score)
    total: int = 0
    counts: dict[str, Counter] = field(default_factory=dict)
    #: The query as built (its stems and expansions feed highlight.highlight_fields).
    built: BuiltQuery | None = None
    partial: bool = False
    suggestion: str | None = None
    #: The cleaned query text, as shown back to the reader.
    query: str = ""


IndexResult = DocumentSearch  # the name used by the benchmark


def search_documents(
    viewer: Viewer,
    doc_type_name: str,
    q: str | None,
    terms: dict[str, Any] | None = None,
    page: int = 1,
    per_page: int = 20,
    *,
    suggest: bool = True,
    complete_last: bool = False,
    count_miss: bool = False,
) -> DocumentSearch:
    """Documents of one registered type this viewer may see that match q, best first
    (without q: most recently updated first), narrowed by filter terms (index field → value).
    ``complete_last``: the last word also matches as a prefix, even a known word.
    ``count_miss``: a first page that finds nothing is counted (misses.py): the caller says
    so for a search where a person types a need without choosing filters, not for the counts
    shown beside one.

    Bad input never raises: the text is cut and analysed (query.parse); page and per_page are
    clamped (1..100 per page). Totals, facet counts and suggestions only ever count documents
    the viewer may see.
    """
    page = max(1, int(page or 1))
    per_page = max(1, min(int(per_page or 20), 100))
    parsed = parse(q)
    doc_type = documents.get(doc_type_name)
    found = search_parsed(
        viewer,
        doc_type,
        parsed,
        terms or {},
        page,
        per_page,
        suggest,
        complete_last,
        count_miss=count_miss,
    )
    found.query = parsed.text
    return found


def fresh_scope(doc_type: documents.DocumentType) -> Scope | None:
    """A scope of this document type over the index brought up to date; None without an
    index."""
    indexer = get_indexer()
    indexer.ensure_fresh()
    searcher = indexer.searcher()
    if searcher is None:
        return None
    return Scope(indexer, searcher, doc_type)


def search_parsed(
    viewer: Viewer,
    doc_type: documents.DocumentType,
    parsed: ParsedQuery,
    terms: dict[str, Any],
    page: int,
    per_page: int,
    suggest: bool,
    complete_last: bool = False,
    *,
    count_miss: bool = False,
) -> DocumentSearch:
    """The Whoosh part of a search: visibility filter, query, ranking, facet counts.
    ``count_miss``: see search_documents."""
    result = DocumentSearch(counts={name: Counter() for name in doc_type.facets})
    scope = fresh_scope(doc_type)
    if scope is None:
        return result
    allowed, allowed_key = scope.allowed(viewer, terms)
    if not allowed:
        # Nothing visible matches the filters. (An empty allow-set would mean "no filter"
        # to Whoosh's FilterCollector: never search with one.)
        return result
    start, limit = offset_of(page, per_page), min(page * per_page, MAX_RANKED)
    # "~near": document keys ranked first (a place word of the query: places.search).
    prefer = scope.prefer(terms["~near"]) if terms.get("~near") else None
    if not parsed.words:
        browsed, result.counts = scope.browse(allowed, allowed_key)
        ordered: Sequence[int] = browsed
        if prefer:
            first = scope.global_docs(prefer)
            ordered = [d for d in browsed if d in first] + [d for d in browsed if d not in first]
        result.total = len(ordered)
        result.ranked = [(_doc_id(scope.key_of(d)), 0.0) for d in ordered[start:limit]]
        return result
    builder = QueryBuilder(scope.searcher, doc_type, synonyms.load(), scope.indexer.cached_terms)
    seen: dict[str, bool] = {}

    def known(stem: str) -> bool:
        if stem not in seen:
            seen[stem] = scope.visible_hits(builder.stem_query(stem), allowed) > 0
        return seen[stem]

    table = concepts.current()
    result.built = built = builder.build(
        parsed.words,
        known,
        complete_last,
        concepts=table,
        raw_words=parsed.raw_words,
        hits=lambda q: scope.visible_hits(q, allowed, stop=CONCEPT_BELOW),
        typed_words=parsed.typed,
        compounds=parsed.compounds,
    )
    ranked, result.total, result.counts = _ranked(scope, built, allowed, limit, prefer)
    result.partial = result.total > 0 and built.partial
    result.ranked = [(_doc_id(scope.key_of(d)), score) for d, score in ranked[start:limit]]
    if suggest and result.total < SUGGEST_BELOW:
        result.suggestion = _suggestion(scope, builder, parsed, allowed, known, result.total)
    if count_miss and not result.total and page == 1:
        misses.record_miss(parsed.text)
    return result


def _ranked(
    scope: Scope,
    built: BuiltQuery,
    allowed: list[Docs],
    limit: int,
    prefer: list[Docs] | None = None,
):
    """A sentence: any clause, by coverage. A short query: every clause; when nothing has
    them all, any (by coverage); when few have them all, also those holding its rarest
    words, below them. ``prefer``: documents ranked first at equal coverage (near a place
    word of the query)."""
    clauses, weights = built.clauses, built.weights
    if built.sentence:
        return scope.run(
            clauses,
            allowed,
            limit,
            every=False,
            weights=weights,
            keep=SENTENCE_KEEP,
            prefer=prefer,
            keep_score=SENTENCE_KEEP_SCORE,
            sentence=True,
        )
    found = scope.run(clauses, allowed, limit, prefer=prefer)
    built.partial = False
    if found[1] == 0 and len(clauses) > 1:
        found = scope.run(clauses, allowed, limit, every=False, weights=weights, prefer=prefer)
        built.partial = True
    elif found[1] < RELAX_BELOW and len(clauses) > 1:
        found = scope.run(
            clauses,
            allowed,
            limit,
            every=False,
            min_share=RELAX_SHARE,
            weights=weights,
            prefer=prefer,
        )
    return found


def _doc_id(key: str) -> int:
    return int(key.split(":", 1)[1])


@lru_cache(maxsize=1)
def _display_forms() -> dict[str, str]:
    """Folded word → as written in the synonym table (with its accents)."""
    forms: dict[str, str] = {}
    for group in synonyms.load().groups:
        for term in group.terms:
            for word in term.words:
                forms.setdefault(word.folded, term.text[word.start : word.end])
    return forms


def _suggestion(scope: Scope, builder, parsed, allowed, known, total) -> str | None:
    """A corrected query built from words the viewer can see (or the trade vocabulary)."""
    vocabulary = synonyms.load().vocabulary()
    forms = _display_forms()
    corrected = list(parsed.raw_words)
    changed = False
    for i, word in enumerate(parsed.words):
        edits = max_edits(word.folded)
        if not edits or known(word.stem) or word.folded in FILLER_WORDS:
            continue
        candidates = set()
        for words in builder.expand_fuzzy(word.folded).values():
            candidates.update(words)
        candidates.update(v for v in vocabulary if abs(len(v) - len(word.folded)) <= edits)
        best = None
        for candidate in sorted(candidates, key=lambda c: (edit_distance(c, word.folded), c)):
            distance = edit_distance(candidate, word.folded)
            if distance == 0 or distance > edits:
                continue
            exact = wq.Or([wq.Term(f, candidate) for f in scope.doc_type.exact_fields])
            if scope.visible_hits(exact, allowed):
                best = candidate
                break
        if best is not None:
            corrected[i] = forms.get(best, best)
            changed = True
    if not changed:
        return None
    suggestion = " ".join(corrected)
    check = builder.build(parse(suggestion).words, known, concepts=concepts.current())
    wanted = max(total, 1)
    if scope.visible_hits(check.all_of(), allowed, stop=wanted) >= wanted:
        return suggestion
    return None


def related_competences(viewer: Viewer, q: str | None, limit: int = 5) -> list[str]:
    """Competences a query that found nothing may have meant (« Vouliez-vous dire … »):
    those whose name or one of whose concept phrases holds a word of the query, its lemma,
    or a word within its typo distance — and that a profile the viewer may see holds (so a
    suggestion always finds someone, and never reveals a hidden profile). Best first."""
    parsed = parse(q)
    scope = fresh_scope(documents.get(MISSES_TYPE)) if parsed.words else None
    if scope is None:
        return []
    scores = _related_scores(parsed)
    allowed, _key = scope.allowed(viewer, {})
    builder = QueryBuilder(scope.searcher, scope.doc_type, synonyms.load())
    typed = tuple(w.stem for w in parsed.words)
    found = []
    for name, _n in sorted(scores.items(), key=lambda x: (-x[1], text_fold(x[0]))):
        stems = concepts.skill_stems(name)
        if stems == typed:
            continue
        if scope.visible_hits(builder.words_query(stems), allowed):
            found.append(name)
            if len(found) >= limit:
                break
    return found


def _related_scores(parsed: ParsedQuery) -> Counter:
    """Competence → how much it shares with the query: 1 per word of the query (or its
    lemma) that one of its concept phrases holds, however many phrases hold it (a long line
    of the table weighs no more than a short one), 2 per word of its name equal to one or
    within typo distance."""
    wanted: list[tuple[str, str]] = []  # (folded, stem) of the query's words and lemmas
    for word, raw in zip(parsed.words, parsed.raw_words, strict=True):
        wanted.append((word.folded, word.stem))
        if word.folded.isalpha():
            wanted.append((word.folded, lemma_stem(word.folded, raw)))
    scores: Counter = Counter()
    held: dict[str, set[str]] = {}  # competence → the query's words its phrases hold
    for concept in concepts.current().concepts:
        held.setdefault(concept.skill, set()).update(f for f, s in wanted if s in concept.key)
    for skill, words_held in held.items():
        if words_held:
            scores[skill] += len(words_held)
    for name in concepts.skill_names():
        words = list(tokens(name))
        for folded, stem_ in wanted:
            edits = max_edits(folded)
            if any(
                t.stem == stem_ or (edits and edit_distance(t.folded, folded) <= edits)
                for t in words
            ):
                scores[name] += 2
    return scores
