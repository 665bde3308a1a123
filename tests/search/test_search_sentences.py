"""Needs typed as sentences (tests/search_corpus/sentences.json): precision on the judged set.

The sentences were written for this set (none comes from the issue that asked for it) and
judged by the topics of the corpus profiles; the measured figures are in docs/BENCHMARKS.md.
The last 26 were written after the first 32 had been tuned on, and were measured before any
change was kept (a held-out check of the tuning).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parents[1] / "search_corpus"))
import judged

#: Measured on the set and set a little below it (see docs/BENCHMARKS.md).
FLOOR_P10 = 0.78
FLOOR_R10 = 0.75


def sentences() -> list[dict]:
    return json.loads((judged.FOLDER / "sentences.json").read_text(encoding="utf-8"))


@pytest.fixture
def evaluation(app):
    corpus, _queries = judged.load()
    viewer, ids, cae_ids = judged.populate(corpus)
    return judged.evaluate(viewer, sentences(), ids, cae_ids)


def test_the_sentence_set_is_made_of_sentences():
    rows = sentences()
    assert len(rows) >= 50
    assert all(len(row["q"].split()) >= 5 for row in rows)


def test_sentences_find_the_people_who_meet_them(evaluation):
    scores = judged.summary(evaluation)
    print("\n" + judged.markdown(evaluation))
    for row in evaluation:
        if row["r10"] < 1 or row["p10"] < 0.5:
            print(
                f"{row['q']!r} p10={row['p10']:.2f} r10={row['r10']:.2f} "
                f"found={row['found']} relevant={row['relevant']}"
            )
    assert all(row["found"] for row in evaluation), "a sentence came back empty"
    assert scores["p10"] >= FLOOR_P10, scores
    assert scores["r10"] >= FLOOR_R10, scores
