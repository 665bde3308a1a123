"""Relevance on the judged set (tests/search_corpus): floors for precision@10 and recall."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parents[1] / "search_corpus"))
import judged

#: Measured on the judged set and set a little below it (see docs/BENCHMARKS.md); a change
#: that lowers relevance fails here. The held-out set is not tuned against.
FLOOR_P10 = 0.85
FLOOR_RECALL = 0.90


@pytest.fixture
def evaluation(app):
    corpus, queries = judged.load()
    viewer, ids, cae_ids = judged.populate(corpus)
    return judged.evaluate(viewer, queries, ids, cae_ids), corpus, ids


def test_judged_set_is_large_and_diverse():
    corpus, queries = judged.load()
    assert len(corpus["profiles"]) >= 120
    assert len(queries) >= 40
    assert {q["category"] for q in queries} >= {
        "accents", "case", "plural", "typo", "synonym", "multiword", "prefix", "filter",
    }  # fmt: skip


def test_relevance_floor(evaluation):
    rows, _corpus, _ids = evaluation
    scores = judged.summary(rows)
    print("\n" + judged.markdown(rows))
    for row in rows:
        if row["p10"] < 1 or row["recall"] < 1:
            print(
                f"{row['q']!r} {row['filters']} p10={row['p10']:.2f} recall={row['recall']:.2f} "
                f"found={row['found']} relevant={row['relevant']}"
            )
    assert scores["p10"] >= FLOOR_P10, scores
    assert scores["recall"] >= FLOOR_RECALL, scores


def test_hidden_profiles_are_never_found(evaluation):
    rows, corpus, _ids = evaluation
    hidden = {
        p["id"]
        for p in corpus["profiles"]
        if not p["verified"] or (p["audience"] == "cae" and p["cae"] != corpus["viewer_cae"])
    }
    assert hidden
    for row in rows:
        assert not hidden & set(row["found"]), row["q"]
