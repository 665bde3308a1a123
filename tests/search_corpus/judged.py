"""The judged relevance set: a fixed corpus of profiles and queries with their relevant profiles.

profiles.json: 129 profiles across the sectors of DOMAIN.md (building and energy, digital,
training, crafts, food, agriculture, consulting, arts, personal services), each with the
topics a person judged it relevant for; some are hidden from the reader (another CAE's
``cae`` audience, an owner not yet verified) and must never be found.
queries.json: the queries (accents, case, plurals, typos, trade names and synonyms,
multi-word, prefixes, with filters), the reader's filters, and the ids of the relevant
profiles the reader may see (derived from the topics when the set was written).

Used by tests/search/test_search_relevance.py (floors) and bench/search_bench.py --relevance.
"""

from __future__ import annotations

import json
from pathlib import Path
from statistics import mean
from typing import Any

FOLDER = Path(__file__).parent
K = 10


def load() -> tuple[dict[str, Any], list[dict[str, Any]]]:
    corpus = json.loads((FOLDER / "profiles.json").read_text(encoding="utf-8"))
    queries = json.loads((FOLDER / "queries.json").read_text(encoding="utf-8"))
    return corpus, queries


def populate(corpus: dict[str, Any]):
    """Create the CAEs, accounts and profiles through the operations; commit once.

    Returns (viewer, {corpus id: profile id}, {CAE name: CAE id}).
    """
    from marketplace.accounts.operations import create_account
    from marketplace.actors import SYSTEM
    from marketplace.caes.models import Cae
    from marketplace.extensions import db
    from marketplace.profiles.operations import update_profile

    caes: dict[str, Cae] = {}
    for p in corpus["profiles"]:
        if p["cae"] not in caes:
            caes[p["cae"]] = Cae(name=p["cae"], department=p["department"], city=p["city"])
            db.session.add(caes[p["cae"]])
    db.session.flush()
    ids = {}
    for p in corpus["profiles"]:
        user = create_account(
            SYSTEM,
            email=f"corpus{p['id']}@example.org",
            first_name=p["first_name"],
            last_name=p["last_name"],
            cae=caes[p["cae"]],
            status=p["status"],
            verified=p["verified"],
        )
        fields = ("headline", "bio", "city", "department", "availability", "audience",
                  "skills", "certifications")  # fmt: skip
        update_profile(SYSTEM, user.profile, {k: p[k] for k in fields})
        ids[p["id"]] = user.profile.id
    viewer = create_account(
        SYSTEM,
        email="reader@example.org",
        first_name="Lecteur",
        last_name="Juge",
        cae=caes[corpus["viewer_cae"]],
        verified=True,
    )
    db.session.commit()
    return viewer, ids, {name: cae.id for name, cae in caes.items()}


def evaluate(viewer, queries, ids: dict[int, int], cae_ids: dict[str, int], search=None):
    """Run every query as the viewer; precision@10 and recall per query."""
    from marketplace.profiles.finder import search_profiles
    from marketplace.profiles.operations import ProfileFilters

    search = search or search_profiles
    back = {v: k for k, v in ids.items()}
    rows = []
    for query in queries:
        filters = dict(query["filters"])
        if "cae" in filters:
            filters["cae"] = cae_ids[filters["cae"]]
        result = search(viewer, query["q"], ProfileFilters(**filters), 1, 100)
        found = [back.get(hit.profile.id) for hit in result.items]
        relevant = set(query["relevant"])
        top = found[:K]
        rows.append(
            {
                "q": query["q"],
                "filters": query["filters"],
                "category": query["category"],
                "p10": (len(relevant & set(top)) / len(top)) if top else 0.0,
                "r10": len(relevant & set(top)) / len(relevant),
                "recall": len(relevant & set(found)) / len(relevant),
                "found": found[:K],
                "relevant": sorted(relevant),
            }
        )
    return rows


def summary(rows) -> dict[str, float]:
    return {
        "queries": len(rows),
        "p10": mean(r["p10"] for r in rows),
        "r10": mean(r["r10"] for r in rows),
        "recall": mean(r["recall"] for r in rows),
    }


def markdown(rows) -> str:
    """A table per query category and overall, for the benchmark report."""
    lines = ["| queries | n | precision@10 | recall@10 | recall |", "|---|---:|---:|---:|---:|"]
    categories = sorted({r["category"] for r in rows})
    for name in [*categories, "all"]:
        subset = rows if name == "all" else [r for r in rows if r["category"] == name]
        s = summary(subset)
        lines.append(
            f"| {name} | {s['queries']} | {s['p10']:.2f} | {s['r10']:.2f} | {s['recall']:.2f} |"
        )
    return "\n".join(lines)
