"""Executing a search on the index: visible sets, matching, BM25 ranking, facet counts.

Whoosh stores the index (postings, columns) and expands prefixes and typos; matching and
ranking are done here with set operations and one pass of BM25 over the matched documents,
which in CPython is several times faster than Whoosh's matcher trees for the queries we
build (an AND of ORs of many terms, restricted to a visible set).

Everything that depends only on a segment of the index is cached per segment (its id and its
number of deletions) in the indexer's SegmentCache, shared by threads and kept across
commits: term postings, the visible set of a viewer *shape* (verified or not, CAE, manager),
filter terms, facet values, field lengths. A commit adds a small segment and leaves the
large ones, and their cached sets, untouched.

Sets of a segment's document numbers are compressed bitmaps (pyroaring, ``Docs``): 12.5 kB
for 100,000 documents where a Python set takes 4 MB, and their intersections and unions run
in C. The cached ones are frozen, so that no request changes them in place.
"""

from __future__ import annotations

import heapq
import math
import sys
import threading
from array import array
from collections import Counter, OrderedDict
from collections.abc import Callable
from itertools import chain
from typing import Any, NamedTuple

from pyroaring import AbstractBitMap, BitMap, FrozenBitMap
from whoosh import query as wq
from whoosh.searching import Searcher

from marketplace.actors import Viewer
from marketplace.search import documents

K1 = 2.0  # weights of words are their place (skill, headline, bio): keep them apart
B = 0.5  # a long bio is only mildly penalised
TEXT_FIELD_LENGTH = "text"  # the field whose length normalises scores
COVERAGE_STEPS = 4  # coverage ranks in quarters of the query (then BM25 inside a quarter)
#: In a sentence, the keep cut is also taken on the clauses' idf to this power, so that a
#: need's rarest word (« vitrail », « ruches ») outweighs its common ones (« porte », « parc »);
#: a document holding a clause that the best documents hold is not dropped by it (a graphic
#: designer found through « affiche » beside an illustrator who also holds « dessiner »).
RARITY = 1.5
#: In a sentence, a clause of this weight is a trade's word or a need's word tied to one
#: (query._weight): when a visible document holds one, a document holding none is left out.
NEED_WEIGHT = 1.0
#: A set of document numbers of one segment.
Docs = AbstractBitMap
NO_DOCS = FrozenBitMap()


def union(parts: list[Docs]) -> Docs:
    """The documents of any of the parts (a new bitmap: no cached part is changed)."""
    return BitMap().union(*parts) if parts else NO_DOCS


def intersection(parts: list[Docs]) -> Docs:
    """The documents of every part, the smallest first (one part: that part itself)."""
    if not parts:
        return NO_DOCS
    parts = sorted(parts, key=len)
    found = parts[0]
    for part in parts[1:]:
        found = found & part
        if not found:
            break
    return found


def nbytes(value: Any) -> int:
    """The memory a cached value holds: a container's table and its floats, an array's
    buffer, a bitmap's containers (the bitmaps and arrays a list or tuple holds too)."""
    size = sys.getsizeof(value)
    if isinstance(value, dict):
        return size + FLOAT_BYTES * sum(1 for v in value.values() if type(v) is float)
    if isinstance(value, (list, tuple)):
        return size + sum(
            nbytes(v) if isinstance(v, (list, tuple, dict, set, array, AbstractBitMap)) else 0
            for v in value
        )
    return size


FLOAT_BYTES = sys.getsizeof(1.5)
INT_BYTES = sys.getsizeof(100_000)
#: A type's facet values are kept per document of its own (a dict) rather than for every
#: document of a segment (an array) when it holds less than 1/SPARSE_FACETS of them.
SPARSE_FACETS = 16


class SegmentCache:
    """A thread-safe LRU of per-segment data, bounded by the bytes its values hold.

    The values are bitmaps of document numbers (alone, or per weight in ``Postings``) and
    arrays: no Python object per document; their size is their buffers' (``nbytes``).
    """

    def __init__(self, budget: int = 24 * 1024 * 1024):
        self.budget = budget
        self.size = 0
        self._items: OrderedDict = OrderedDict()
        self._lock = threading.Lock()

    def get(
        self, key: Any, compute: Callable[[], Any], size: int | Callable[[Any], int] = nbytes
    ) -> Any:
        """The cached value, or compute() cached with its size in bytes (a number, or a
        function of the value: ``nbytes`` by default)."""
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                return self._items[key][0]
        value = compute()
        held = size(value) if callable(size) else size
        with self._lock:
            if key not in self._items:
                self._items[key] = (value, held)
                self.size += held
                while self.size > self.budget and len(self._items) > 1:
                    _old, (_value, old_size) = self._items.popitem(last=False)
                    self.size -= old_size
        return value


class Leaf:
    """One segment of the searched index version."""

    def __init__(self, reader, offset: int):
        self.reader = reader
        self.offset = offset
        segment = reader.segment() if hasattr(reader, "segment") else None
        self.segid = segment.segment_id() if segment is not None else f"mem{id(reader)}"
        self.key = (self.segid, reader.doc_count_all() - reader.doc_count())
        self.count = reader.doc_count_all()


class Postings(NamedTuple):
    """A term's postings in one segment: its documents, and the documents of each weight (a
    posting's weight is one of few values: a term's frequency in a field times the field's
    boost), all bitmaps: no Python object per document."""

    docs: Docs
    by_weight: tuple[tuple[float, Docs], ...]


NO_POSTINGS = Postings(NO_DOCS, ())


def _postings(reader, field: str, text: str) -> Postings:
    """A term's postings in one segment (deleted documents left out)."""
    try:
        matcher = reader.postings(field, text)
    except Exception:  # the term or the field is absent from this segment
        return NO_POSTINGS
    groups: dict[float, array] = {}
    while matcher.is_active():
        weight = matcher.weight()
        ids = groups.get(weight)
        if ids is None:
            ids = groups[weight] = array("I")
        ids.append(matcher.id())
        matcher.next()
    by_weight = tuple((weight, FrozenBitMap(ids)) for weight, ids in groups.items())
    return Postings(FrozenBitMap(union([docs for _weight, docs in by_weight])), by_weight)


def _facets_size(value: dict[str, tuple[Any, list]]) -> int:
    """Bytes of a segment's facet values (Scope.facet_values): the arrays, lists or dicts,
    the shared combinations once, and a sparse type's document numbers once."""
    seen: set[int] = set()
    total = 0
    numbers = 0
    for per_document, values in value.values():
        total += sys.getsizeof(per_document) + sys.getsizeof(values)
        if isinstance(per_document, dict):  # the same number objects for every facet
            numbers = INT_BYTES * len(per_document)
            per_document = per_document.values()
        if not isinstance(per_document, array):
            for combination in per_document:
                if type(combination) is tuple and id(combination) not in seen:
                    seen.add(id(combination))
                    total += sys.getsizeof(combination)
    return total + numbers


class Scope:
    """The documents of one type a viewer may see, narrowed by filters, on one searcher."""

    def __init__(self, indexer, searcher: Searcher, doc_type: documents.DocumentType):
        self.indexer = indexer
        self.searcher = searcher
        self.doc_type = doc_type
        self.cache: SegmentCache = indexer.segments
        self.leaves = [Leaf(r, off) for r, off in searcher.reader().leaf_readers()]
        self.doc_count = sum(leaf.reader.doc_count() for leaf in self.leaves) or 1

    # Per-segment data -------------------------------------------------------------------

    def postings(self, leaf: Leaf, field: str, text: str) -> Postings:
        key = ("post", leaf.key, field, text)
        return self.cache.get(key, lambda: _postings(leaf.reader, field, text))

    def term_docs(self, leaf: Leaf, field: str, value: str) -> Docs:
        """The documents of a segment holding a term (deleted documents left out)."""

        def compute() -> Docs:
            try:
                matcher = leaf.reader.postings(field, value)
            except Exception:  # the term or the field is absent from this segment
                return NO_DOCS
            return FrozenBitMap(matcher.all_ids())

        return self.cache.get(("docs", leaf.key, field, value), compute)

    def average_length(self) -> float:
        total = sum(leaf.reader.field_length(TEXT_FIELD_LENGTH) for leaf in self.leaves)
        return (total / self.doc_count) if total else 1.0

    def facet_values(self, leaf: Leaf) -> dict[str, tuple[Any, list]]:
        """Per facet: (per document an id — or a tuple of ids for multi-valued facets —,
        the values of the ids). Lets Counter count matched documents at C speed. A
        single-valued facet's ids are an array of 4-byte numbers; a multi-valued one's equal
        tuples are one shared object (most documents repeat a few combinations). When the
        type holds few of the segment's documents (SPARSE_FACETS), a dict of its documents
        only instead of an array or list over all of them."""
        names, multi = self.doc_type.facets, self.doc_type.multi_facets

        def compute():
            column = leaf.reader.column_reader("facets", translate=False)
            ids: dict[str, dict] = {name: {} for name in names}
            of_type = self.term_docs(leaf, "doc_type", self.doc_type.name)
            sparse = len(of_type) * SPARSE_FACETS < leaf.count
            per_doc: dict[str, Any] = {
                name: {} if sparse else [] if name in multi else array("I") for name in names
            }
            shared: dict[tuple, tuple] = {}
            for d in of_type if sparse else range(leaf.count):
                values = self.doc_type.decode_facets(column[d])
                for name in names:
                    value: Any = values.get(name)
                    known = ids[name]
                    if name in multi:
                        combination = tuple(known.setdefault(v, len(known)) for v in value)
                        item = shared.setdefault(combination, combination)
                    else:
                        item = known.setdefault(value, len(known))
                    if sparse:
                        per_doc[name][d] = item
                    else:
                        per_doc[name].append(item)
            return {name: (per_doc[name], list(ids[name])) for name in names}

        return self.cache.get(("facets", leaf.segid, self.doc_type.name), compute, _facets_size)

    def norms(self, leaf: Leaf, average: float) -> array:
        """K1 × BM25's length normalisation of each document of a segment."""
        average = round(average, 1) or 1.0

        def compute() -> array:
            base, scale, reader = K1 * (1 - B), K1 * B / average, leaf.reader
            return array(
                "d",
                (
                    base + scale * reader.doc_field_length(d, TEXT_FIELD_LENGTH, 0)
                    for d in range(leaf.count)
                ),
            )

        return self.cache.get(("norms", leaf.segid, average), compute)

    def updated(self, leaf: Leaf) -> array:
        def compute() -> array:
            column = leaf.reader.column_reader("updated", translate=False)
            return array("q", (column[d] for d in range(leaf.count)))

        return self.cache.get(("updated", leaf.segid), compute)

    # Visibility --------------------------------------------------------------------------

    def allowed(self, viewer: Viewer, filters: dict[str, Any]) -> tuple[list[Docs], tuple]:
        """Per segment, the visible documents of this type matching every filter
        (field → value); and a key naming this selection. Cached per viewer *shape*; the
        person's own documents that the shape does not cover are added."""
        # A value may be a set (any of them: a `near` filter's document keys); a field named
        # with "~" ranks rather than filters (search.service, places.search).
        terms = tuple(sorted((f, v) for f, v in filters.items() if not f.startswith("~")))
        shape = documents.viewer_shape(viewer)
        shape_key = documents.visibility_key(shape)
        owner = documents.owner_value(viewer)
        result, extras = [], []
        for leaf in self.leaves:

            def docs(field: str, value: str, leaf: Leaf = leaf) -> Docs:
                return self.term_docs(leaf, field, value)

            def compute(leaf: Leaf = leaf, docs=docs) -> Docs:
                everything = FrozenBitMap(leaf.reader.all_doc_ids())  # not deleted
                found = docs("doc_type", self.doc_type.name)
                found = found & documents.visible_docs(shape, docs, lambda: everything)
                for field, value in terms:
                    found = found & self.filter_docs(leaf, field, value)
                return FrozenBitMap(found)

            base = self.cache.get(
                ("allowed", leaf.key, self.doc_type.name, shape_key, terms), compute
            )
            if owner is not None:
                own = docs("owner_id", owner) & docs("doc_type", self.doc_type.name)
                for field, value in terms:
                    own = own & self.filter_docs(leaf, field, value)
                extra = own - base
                if extra:
                    base = base | extra
                    extras.append((leaf.segid, tuple(sorted(extra))))
            result.append(base)
        key = (tuple(leaf.key for leaf in self.leaves), self.doc_type.name, shape_key, terms)
        return result, (*key, tuple(extras))

    def filter_docs(self, leaf: Leaf, field: str, value: Any) -> Docs:
        """Documents of a segment with this value in the field (a set of values: any)."""
        if isinstance(value, frozenset):
            return union([self.term_docs(leaf, field, one) for one in value])
        return self.term_docs(leaf, field, value)

    def prefer(self, keys: frozenset[str]) -> list[Docs]:
        """Per segment, the documents of these keys (those a ranking puts first)."""
        return [self.filter_docs(leaf, "key", keys) for leaf in self.leaves]

    # Matching and ranking ----------------------------------------------------------------

    def docs(self, node: wq.Query, leaf: Leaf) -> Docs:
        """Documents of a segment matching a query made of Term, And and Or (a Term's are
        its cached bitmap: not to be changed)."""
        if isinstance(node, wq.Term):
            return self.postings(leaf, node.fieldname, node.text).docs
        parts = [self.docs(child, leaf) for child in node.subqueries]
        if isinstance(node, wq.And):
            return intersection(parts)
        return union(parts)

    def _tf(self, node: wq.Query, leaf: Leaf, docs: Docs, norms) -> dict[int, float]:
        """Saturated, weighted term frequency of a clause part for the given documents:
        a Term scores its BM25 tf part times its boost, an Or its best child (a synonym or a
        typo does not add to the word itself), an And the mean of its children."""
        if isinstance(node, wq.Term):
            factor = node.boost * (K1 + 1)
            tf: dict[int, float] = {}
            for weight, held in self.postings(leaf, node.fieldname, node.text).by_weight:
                for d in docs & held:
                    tf[d] = factor * weight / (weight + norms[d])
            return tf
        children = [self._tf(child, leaf, docs, norms) for child in node.subqueries]
        if isinstance(node, wq.And):
            common = set(children[0]).intersection(*children[1:]) if children else set()
            n = len(children)
            return {d: node.boost * sum(c[d] for c in children) / n for d in common}
        children = sorted((c for c in children if c), key=len, reverse=True)
        if not children:
            return {}
        best = children[0] if len(children) == 1 else dict(children[0])
        for child in children[1:]:
            get = best.get
            for d, value in child.items():
                if value > get(d, 0.0):
                    best[d] = value
        if node.boost != 1.0:
            best = {d: v * node.boost for d, v in best.items()}
        return best

    def run(
        self,
        clauses: list[wq.Query],
        allowed: list[Docs],
        limit: int,
        every: bool = True,
        min_share: float = 0.0,
        *,
        weights: list[float] | None = None,
        keep: float = 0.0,
        prefer: list[Docs] | None = None,
        keep_score: float = 0.0,
        sentence: bool = False,
    ):
        """Visible documents matching every clause (or any, with every=False), ranked by
        BM25: the sum over clauses of the clause's idf times its best weighted tf. A clause's
        idf counts the documents matching any of its alternatives, so that a rare synonym
        does not outweigh the word typed.

        With every=False, documents rank first by their *coverage*: the share of the query's
        idf (times each clause's weight) held by the clauses they match, counted over the
        clauses some visible document matches (a word nobody wrote does not count), in steps
        of COVERAGE_STEPS; then by BM25. So the documents matching most of a need, and its
        rarest words, come first, and those matching every clause before all. ``min_share``:
        a document must hold at least that share of the coverage; ``keep``: at least that
        share of the best coverage found (a sentence never comes back empty because one of
        its words is unknown); ``keep_score``: and at least that share of the best score
        among them (a document holding only a common word of a long need, far below the
        ones that meet it, is left out). ``sentence``: the keep cut also weighs clauses by
        their rarity (RARITY), and a document must hold a clause of a trade or of a need
        (NEED_WEIGHT) when one is held at all. Returns ([(docnum, score)], total, facets)."""
        per_clause = [[self.docs(c, leaf) for leaf in self.leaves] for c in clauses]
        weights = weights or [1.0] * len(clauses)
        idfs = []
        for docs in per_clause:
            frequency = sum(len(d) for d in docs) or 1
            idfs.append(math.log(1 + (self.doc_count - frequency + 0.5) / (frequency + 0.5)))
        matched: list[Docs] = []
        covered: list[dict[int, float]] = []
        for i in range(len(self.leaves)):
            sets = [docs[i] for docs in per_clause]
            matched.append((intersection if every else union)(sets) & allowed[i])
            covered.append({})
        if not every:
            matched, covered = self._coverage(
                per_clause, idfs, weights, matched, min_share, keep, sentence
            )
        if not any(matched):
            return [], 0, self.count_facets(matched)
        average = self.average_length()
        scored: list[tuple[tuple[float, bool], float, int]] = []
        for i, leaf in enumerate(self.leaves):
            leaf_docs = matched[i]
            if not leaf_docs:
                continue
            norms = self.norms(leaf, average)
            scores = dict.fromkeys(leaf_docs, 0.0)
            for clause, idf in zip(clauses, idfs, strict=True):
                for d, value in self._tf(clause, leaf, leaf_docs, norms).items():
                    scores[d] += idf * value
            shares = covered[i]
            first = prefer[i] if prefer else NO_DOCS
            scored.extend(
                ((shares.get(d, 1.0), d in first), score, leaf.offset + d)
                for d, score in scores.items()
            )
        if keep_score and scored:
            floor = keep_score * max(score for _share, score, _d in scored)
            scored = [item for item in scored if item[1] >= floor]
            kept = {docnum for _share, _score, docnum in scored}
            matched = [
                BitMap(d for d in docs if leaf.offset + d in kept)
                for leaf, docs in zip(self.leaves, matched, strict=True)
            ]
        total = sum(len(m) for m in matched)
        counts = self.count_facets(matched)
        best = heapq.nlargest(limit, scored, key=lambda item: (item[0], item[1], -item[2]))
        return [(docnum, score) for _share, score, docnum in best], total, counts

    def _coverage(self, per_clause, idfs, weights, matched, min_share, keep, sentence):
        """Per segment, the documents kept and their coverage step (see run)."""
        present = [
            any(not docs[i].isdisjoint(matched[i]) for i in range(len(self.leaves)))
            for docs in per_clause
        ]

        def shares_of(parts: list[float]) -> list[dict[int, float]]:
            """Per segment, each matched document's share of the query's parts."""
            whole = sum(p for p, here in zip(parts, present, strict=True) if here) or 1.0
            shares: list[dict[int, float]] = []
            for i, found in enumerate(matched):
                share = dict.fromkeys(found, 0.0)
                for docs, part in zip(per_clause, parts, strict=True):
                    for d in docs[i] & found:
                        share[d] += part / whole
                shares.append(share)
            return shares

        shares = shares_of([idf * w for idf, w in zip(idfs, weights, strict=True)])
        best = max((v for share in shares for v in share.values()), default=0.0)
        floor = max(min_share, keep * best) - 1e-9
        kept = [BitMap(d for d, v in share.items() if v >= floor) for share in shares]
        if sentence:
            kept = self._sentence_cut(per_clause, idfs, weights, kept, shares_of(
                [idf**RARITY * w for idf, w in zip(idfs, weights, strict=True)]
            ), keep)  # fmt: skip
        steps = [
            {d: math.floor(share[d] * COVERAGE_STEPS + 1e-9) for d in docs}
            for share, docs in zip(shares, kept, strict=True)
        ]
        return kept, steps

    def _sentence_cut(self, per_clause, idfs, weights, kept, rare, keep):
        """Of the documents a sentence's coverage kept, those holding a word of a trade or
        of a need when some do, and of these, those holding at least ``keep`` of the best
        ``rare`` share (coverage by idf**RARITY) or a clause the best of them hold."""
        leaves = range(len(self.leaves))
        strong = [k for k, w in enumerate(weights) if w >= NEED_WEIGHT]
        need = [kept[i] & union([per_clause[k][i] for k in strong]) for i in leaves]
        if any(need):
            kept = need
        best = max((rare[i][d] for i in leaves for d in kept[i]), default=0.0)
        top = [BitMap(d for d in kept[i] if rare[i][d] >= best - 1e-9) for i in leaves]
        held = [
            k
            for k, docs in enumerate(per_clause)
            if any(not docs[i].isdisjoint(top[i]) for i in leaves)
        ]
        return [
            BitMap(d for d in kept[i] if rare[i][d] >= keep * best - 1e-9)
            | (kept[i] & union([per_clause[k][i] for k in held]))
            for i in leaves
        ]

    def browse(self, allowed: list[Docs], key: tuple) -> tuple[array, dict[str, Counter]]:
        """Without a query: every visible document, most recently updated first (an array of
        document numbers: it is kept per thread), and facets."""

        def compute():
            rows: list[tuple[Any, int]] = []
            for leaf, docs in zip(self.leaves, allowed, strict=True):
                updated, offset = self.updated(leaf), leaf.offset
                rows.extend((updated[d], offset + d) for d in docs)
            rows.sort(reverse=True)
            return array("I", [docnum for _u, docnum in rows]), self.count_facets(allowed)

        return self.indexer.cached(("browse", key), compute)

    def visible_hits(self, q: wq.Query, allowed: list[Docs], stop: int = 1) -> int:
        """How many visible documents match q (counting no further than stop, roughly)."""
        n = 0
        for i, leaf in enumerate(self.leaves):
            found = self.docs(q, leaf)
            if stop == 1:  # is there one? (no intersection built: a word's every query asks)
                n += not found.isdisjoint(allowed[i])
            else:
                n += found.intersection_cardinality(allowed[i])
            if n >= stop:
                break
        return n

    def count_facets(self, per_leaf: list[Docs]) -> dict[str, Counter]:
        counts: dict[str, Counter] = {name: Counter() for name in self.doc_type.facets}
        for leaf, docs in zip(self.leaves, per_leaf, strict=True):
            if not docs:
                continue
            for name, (per_doc, values) in self.facet_values(leaf).items():
                if name in self.doc_type.multi_facets:
                    ids = Counter(chain.from_iterable(map(per_doc.__getitem__, docs)))
                else:
                    ids = Counter(map(per_doc.__getitem__, docs))
                for i, n in ids.items():
                    if values[i] is not None:
                        counts[name][values[i]] += n
        return counts

    def global_docs(self, per_leaf: list[Docs]) -> set[int]:
        """Per-segment document numbers as numbers of the whole index version."""
        return {
            leaf.offset + d for leaf, docs in zip(self.leaves, per_leaf, strict=True) for d in docs
        }

    def key_of(self, docnum: int) -> str:
        return self.searcher.stored_fields(docnum)["key"]
