"""The search engine's per-segment cache: bounded in bytes, holding shared document numbers
and compact arrays, so that a web worker's memory stays put at federation size (issue 21)."""

from __future__ import annotations

import sys
from array import array

from pyroaring import FrozenBitMap

from marketplace.accounts.models import Anonymous
from marketplace.profiles import search as profile_search
from marketplace.profiles.finder import search_profiles
from marketplace.search.engine import Postings, Scope, SegmentCache, nbytes
from marketplace.search.indexer import get_indexer


def test_the_budget_counts_bytes_and_drops_the_oldest_entries():
    big = set(range(10_000))
    cache = SegmentCache(budget=2 * sys.getsizeof(big) + 100)
    for name in ("a", "b", "c"):
        cache.get(name, lambda: set(range(10_000)))
    assert list(cache._items) == ["b", "c"]
    assert cache.size == 2 * sys.getsizeof(big)
    assert cache.get("b", lambda: "computed again") == big  # still there: not recomputed


def test_sizes_count_tables_and_unshared_floats():
    weights = {d: 0.1 + d for d in range(100)}
    assert nbytes(weights) == sys.getsizeof(weights) + 100 * sys.getsizeof(1.5)
    assert nbytes(array("I", range(1000))) == sys.getsizeof(array("I", range(1000)))
    cache = SegmentCache(budget=1000)
    cache.get("fixed", lambda: [1, 2, 3], 7)
    cache.get("measured", lambda: {1, 2}, lambda value: 11 * len(value))
    assert cache.size == 7 + 22


def test_the_app_setting_gives_the_budget_in_megabytes(app):
    assert get_indexer(app).segments.budget == app.config["SEARCH_CACHE_MB"] * 1024 * 1024


def _scope() -> Scope:
    indexer = get_indexer()
    indexer.rebuild()  # one segment
    searcher = indexer.searcher()
    return Scope(indexer, searcher, profile_search.PROFILE)


def test_cached_postings_and_sets_are_bitmaps_without_an_object_per_document(
    app, make_user, client
):
    for n in range(300):  # numbers above 256 are objects of their own in CPython
        make_user(audience="public", headline=f"Tapissière {n}", password=None)
    assert len(search_profiles(Anonymous(), "tapissière", per_page=10).items) == 10
    scope = _scope()
    leaf = max(scope.leaves, key=lambda leaf: leaf.count)
    docs = scope.term_docs(leaf, "doc_type", "profile")
    postings = scope.postings(leaf, "text", "tapissier")
    assert len(docs) >= 300 and max(docs) > 256
    # A term's postings: its documents, and those of each weight, which together make them.
    assert isinstance(postings, Postings) and len(postings.docs) >= 300
    assert postings.docs <= docs
    weighted = [d for _weight, held in postings.by_weight for d in held]
    assert sorted(weighted) == list(postings.docs)
    assert all(weight > 0 for weight, _held in postings.by_weight)
    allowed, _key = scope.allowed(Anonymous(), {})
    # Sets of documents are frozen compressed bitmaps: a few bytes a document where a Python
    # set holds 8 to 32, and no request can change a cached one in place.
    for cached in [docs, postings.docs, *allowed]:
        assert isinstance(cached, FrozenBitMap)
        assert nbytes(cached) * 5 < sys.getsizeof(set(cached))
    assert nbytes(postings) * 5 < sys.getsizeof(dict.fromkeys(postings.docs, 1.5))
    assert set(allowed[0]) <= set(docs) and len(allowed[0]) >= 300
    found = client.get("/api/v1/profiles", query_string={"q": "tapissière"}).get_json()
    assert found["total"] == 300


def test_facet_arrays_are_compact_and_share_equal_combinations(app, make_user):
    for n in range(40):
        make_user(audience="public", headline=f"Plombière {n}", password=None)
    scope = _scope()
    leaf = max(scope.leaves, key=lambda leaf: leaf.count)
    facets = scope.facet_values(leaf)
    multi = profile_search.PROFILE.multi_facets
    for name, (per_document, _values) in facets.items():
        if name in multi:
            assert isinstance(per_document, list)
            distinct = {id(combination) for combination in per_document}
            assert len(distinct) == len(set(per_document))  # one object per combination
        else:
            assert isinstance(per_document, array)
        assert len(per_document) == leaf.count


def test_a_sparse_type_keeps_facet_values_for_its_own_documents_only(app, make_user):
    from marketplace.collectives import operations as collectives
    from marketplace.collectives.search import COLLECTIVE
    from marketplace.extensions import db
    from marketplace.search.service import search_documents

    people = [make_user(audience="public", password=None) for _n in range(60)]
    for n, sector in enumerate(["Numérique", "Bâtiment", "Numérique"]):
        data = {"name": f"Collectif {n}", "sector": sector, "join_policy": "open"}
        collectives.create_collective(people[n], {**data, "audience": "public"})
    db.session.commit()
    indexer = get_indexer()
    indexer.rebuild()  # one segment: 60 profiles, 3 collectives
    scope = Scope(indexer, indexer.searcher(), COLLECTIVE)
    (leaf,) = scope.leaves
    own = scope.term_docs(leaf, "doc_type", COLLECTIVE.name)
    assert len(own) == 3 and leaf.count >= 63
    for per_document, _values in scope.facet_values(leaf).values():
        assert isinstance(per_document, dict) and sorted(per_document) == list(own)
    counts = search_documents(Anonymous(), COLLECTIVE.name, None).counts
    assert dict(counts["collective_sector"]) == {"numerique": 2, "batiment": 1}
