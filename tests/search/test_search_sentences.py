"""Needs typed as sentences (tests/search_corpus/sentences.json): precision on the judged set.

The sentences were written for this set (none comes from the issue that asked for it) and
judged by the topics of the corpus profiles; the measured figures are in docs/BENCHMARKS.md.
The last 26 were written after the first 32 had been tuned on, and were measured before any
change was kept (a held-out check of the tuning). sentences_heldout.json: 36 more, other needs
and trades, written before the second round of tuning and used only to accept or refuse its
changes (a change that made them worse was not kept). sentences_fresh.json: 20 more, written by
another hand before the third round and measured on the code as it stood, the check that a change
of that round generalises. sentences_fresh2.json: 15 more, other trades again, written before the
fourth round and before its author read the concept table, measured before and after it.
sentences_fresh3.json: 15 more, written before the fifth round and before its author read the
concept table, measured before and after it; no change was chosen or kept on it.
sentences_fresh4.json: 25 more, written before the sixth round and measured on the code as it
stood; its failures were read once then, and the round's data changes were accepted or refused
on it with the earlier sets. sentences_fresh5.json: 20 more, written before the sixth round and
read only as a whole figure, never sentence by sentence, until the round's changes were chosen.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parents[1] / "search_corpus"))
import judged

#: Measured on the set and set a little below it (see docs/BENCHMARKS.md).
FLOORS = {  # file: (precision@10, recall@10)
    "sentences.json": (0.86, 0.82),
    "sentences_heldout.json": (0.83, 0.80),
    "sentences_fresh.json": (0.77, 0.80),
    "sentences_fresh2.json": (0.76, 0.88),
    "sentences_fresh3.json": (0.68, 0.77),
    "sentences_fresh4.json": (0.52, 0.72),
    "sentences_fresh5.json": (0.62, 0.69),
}


def sentences(name: str = "sentences.json") -> list[dict]:
    return json.loads((judged.FOLDER / name).read_text(encoding="utf-8"))


@pytest.fixture
def evaluate(app):
    corpus, _queries = judged.load()
    viewer, ids, cae_ids = judged.populate(corpus)
    return lambda name: judged.evaluate(viewer, sentences(name), ids, cae_ids)


@pytest.mark.parametrize(
    ("name", "least"),
    [
        ("sentences.json", 50),
        ("sentences_heldout.json", 30),
        ("sentences_fresh.json", 20),
        ("sentences_fresh2.json", 15),
        ("sentences_fresh3.json", 15),
        ("sentences_fresh4.json", 25),
        ("sentences_fresh5.json", 20),
    ],
)
def test_the_sentence_sets_are_made_of_sentences(name, least):
    rows = sentences(name)
    assert len(rows) >= least
    assert all(len(row["q"].split()) >= 5 for row in rows)


def test_the_held_out_needs_are_not_the_judged_ones():
    judged_set = {row["q"] for row in sentences()}
    held_out = {row["q"] for row in sentences("sentences_heldout.json")}
    fresh = {row["q"] for row in sentences("sentences_fresh.json")}
    fresh2 = {row["q"] for row in sentences("sentences_fresh2.json")}
    fresh3 = {row["q"] for row in sentences("sentences_fresh3.json")}
    fresh4 = {row["q"] for row in sentences("sentences_fresh4.json")}
    fresh5 = {row["q"] for row in sentences("sentences_fresh5.json")}
    assert not judged_set & held_out
    assert not (judged_set | held_out) & fresh
    assert not (judged_set | held_out | fresh) & fresh2
    assert not (judged_set | held_out | fresh | fresh2) & fresh3
    assert not (judged_set | held_out | fresh | fresh2 | fresh3) & fresh4
    assert not (judged_set | held_out | fresh | fresh2 | fresh3 | fresh4) & fresh5


@pytest.mark.parametrize("name", list(FLOORS))
def test_each_sentence_is_judged_by_the_topic_rule(name):
    """The relevant profiles of a sentence are the visible ones (verified, and of the reader's
    CAE for a ``cae`` audience) holding one of its topics: nobody picked them by hand."""
    corpus, _queries = judged.load()
    for row in sentences(name):
        visible = sorted(
            p["id"]
            for p in corpus["profiles"]
            if set(p["topics"]) & set(row["topics"])
            and p["verified"]
            and (p["audience"] != "cae" or p["cae"] == corpus["viewer_cae"])
        )
        assert sorted(row["relevant"]) == visible, row["q"]


def test_sentences_find_the_people_who_meet_them(evaluate):
    for name, (floor_p10, floor_r10) in FLOORS.items():
        rows = evaluate(name)
        scores = judged.summary(rows)
        print(f"\n{name}\n" + judged.markdown(rows))
        for row in rows:
            if row["r10"] < 1 or row["p10"] < 0.5:
                print(
                    f"{row['q']!r} p10={row['p10']:.2f} r10={row['r10']:.2f} "
                    f"found={row['found']} relevant={row['relevant']}"
                )
        assert all(row["found"] for row in rows), f"a sentence of {name} came back empty"
        assert scores["p10"] >= floor_p10, (name, scores)
        assert scores["r10"] >= floor_r10, (name, scores)
