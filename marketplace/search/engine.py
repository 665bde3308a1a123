"""Index-side machinery of a search: visible document sets, ranking and facet counting.

Everything here works on one searcher (one version of the index) and caches what depends
only on that version in the indexer's per-thread cache: the documents of a filter term, the
visible set of a viewer shape, the facets column readers, decoded facet values and the
"no query" listing. A commit opens a new searcher and so starts a fresh cache.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from whoosh import collectors
from whoosh import query as wq
from whoosh.searching import Searcher

from marketplace import geo
from marketplace.search import documents
from marketplace.search.indexer import Indexer


class Scope:
    """The documents of one type a viewer may see, narrowed by filters, on one searcher."""

    def __init__(self, indexer: Indexer, searcher: Searcher, doc_type: documents.DocumentType):
        self.indexer = indexer
        self.searcher = searcher
        self.doc_type = doc_type

    def term_docs(self, field: str, value: str) -> set[int]:
        def compute() -> set[int]:
            return set(self.searcher.docs_for_query(wq.Term(field, value)))

        return self.indexer.cached(("term", field, value), compute)

    def all_docs(self) -> set[int]:
        return self.indexer.cached(("all",), lambda: set(self.searcher.reader().all_doc_ids()))

    def allowed(self, viewer: Any, filters: dict[str, str]) -> tuple[set[int], tuple]:
        """Visible documents of this type matching every filter (field → value), and a key
        naming that set. The set is cached per viewer *shape* (verified, CAE, manager), not
        per person: a person's own documents that the shape does not cover are added."""
        terms = tuple(sorted(filters.items()))
        shape = documents.viewer_shape(viewer)
        key = ("allowed", self.doc_type.name, documents.visibility_key(shape), terms)

        def compute() -> set[int]:
            docs = self.term_docs("doc_type", self.doc_type.name)
            docs = docs & documents.visible_docs(shape, self.term_docs, self.all_docs)
            for field, value in terms:
                docs = docs & self.term_docs(field, value)
            return docs

        base = self.indexer.cached(key, compute)
        owner = documents.owner_value(viewer)
        if owner is None:
            return base, key
        own = self.term_docs("owner_id", owner) & self.term_docs("doc_type", self.doc_type.name)
        for field, value in terms:
            own = own & self.term_docs(field, value)
        extra = own - base
        if not extra:
            return base, key
        return base | extra, (*key, tuple(sorted(extra)))

    # Facets ------------------------------------------------------------------------------

    def facet_column(self, offset: int, reader):
        return self.indexer.cached(
            ("facets-column", offset), lambda: reader.column_reader("facets", translate=False)
        )

    def count_facets(self, raws: list[bytes]) -> dict[str, Counter]:
        """Facet counts from the encoded facet values of the matched documents."""
        counts: dict[str, Counter] = {name: Counter() for name in self.doc_type.facets}
        for raw, n in Counter(raws).items():
            values = self.doc_type.decode_facets(raw)
            for name, value in values.items():
                if isinstance(value, list):
                    for item in value:
                        counts[name][item] += n
                elif value is not None:
                    counts[name][value] += n
        return counts

    # Searching ---------------------------------------------------------------------------

    def run(self, q: wq.Query, allowed: set[int], limit: int):
        """Rank the visible matches of q: (Results, total, facet counts)."""
        if not allowed:
            raise ValueError("an empty allow-set would disable the visibility filter")
        counter = FacetCollector(self.searcher.collector(limit=limit), self)
        collector = collectors.FilterCollector(counter, allow=allowed)
        self.searcher.search_with_collector(q, collector)
        return collector.results(), counter.total, self.count_facets(counter.raws)

    def browse(self, allowed: set[int], key: tuple) -> tuple[list[int], dict[str, Counter]]:
        """Without a query: every visible document, most recently updated first, and facets."""

        def compute():
            reader = self.searcher.reader()
            updated = reader.column_reader("updated")
            facets = reader.column_reader("facets", translate=False)
            ordered = sorted(allowed, key=lambda d: (updated[d], d), reverse=True)
            return ordered, self.count_facets([facets[d] for d in ordered])

        return self.indexer.cached(("browse", key), compute)

    def visible_hits(self, q: wq.Query, allowed: set[int], stop: int = 1) -> int:
        """How many visible documents match q, counting no further than stop."""
        n = 0
        for subsearcher, offset in self.searcher.leaf_searchers():
            for docnum in q.docs(subsearcher):
                if docnum + offset in allowed:
                    n += 1
                    if n >= stop:
                        return n
        return n

    def key_of(self, docnum: int) -> str:
        return self.searcher.stored_fields(docnum)["key"]


class FacetCollector(collectors.WrappingCollector):
    """Keeps the encoded facet values of every collected (visible and filtered) document."""

    def __init__(self, child, scope: Scope):
        super().__init__(child)
        self.scope = scope
        self.raws: list[bytes] = []
        self.total = 0

    def set_subsearcher(self, subsearcher, offset):
        super().set_subsearcher(subsearcher, offset)
        self._column = self.scope.facet_column(offset, subsearcher.reader())

    def collect(self, sub_docnum):
        self.total += 1
        self.raws.append(self._column[sub_docnum])
        return self.child.collect(sub_docnum)


def profile_filter_terms(filters: Any) -> dict[str, str]:
    """ProfileFilters as index terms (field → value); unknown values match nothing."""
    from marketplace.search.profile_document import skill_key

    terms: dict[str, str] = {}
    if filters.skill:
        terms["skill"] = skill_key(filters.skill)
    if filters.department:
        terms["department"] = geo.normalize_department(filters.department) or "?"
    if filters.region:
        terms["region"] = filters.region
    if filters.cae:
        terms["cae_id"] = str(filters.cae)
    if filters.status:
        terms["status"] = filters.status
    if filters.availability:
        terms["availability"] = filters.availability
    return terms
