"""Search benchmark: generate profiles, rebuild the index, measure search latency.

    .venv/bin/python -m bench.search_bench                  # 12,000 profiles
    .venv/bin/python -m bench.search_bench --profiles 100000
    .venv/bin/python -m bench.search_bench --relevance      # the judged set only
    .venv/bin/python -m bench.search_bench --database postgresql+psycopg://postgres@127.0.0.1/bench

Profiles are generated with realistic vocabulary (bench/search_vocabulary.py) into a temporary
SQLite database (or the given database, whose tables are dropped and created again).
Reported: rebuild time and documents per second, index size, peak memory
(RSS), and latency (median, p95) of a fixed list of queries at three levels: raw (the index
alone, no database: Whoosh postings and expansions, visible set, matching, BM25, facet
counts), service (search_profiles: plus the database re-check, highlights and facet labels)
and HTTP (through the whole Flask stack: with the test client in the same process, and over
real HTTP against gunicorn with two workers on loopback, for the /recherche page,
GET /api/v1/profiles?q= and the GET /api/v1/skills?q= autocomplete; memory per worker).
Also: the time from a commit to the change being searchable. Prints Markdown tables.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import secrets
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

QUERIES = [
    ("plombier", {}), ("renovation energetique", {}), ("rénovations énergétiques", {}),
    ("renovation energetiqe", {}), ("graphiste", {}), ("graphsite", {}),
    ("développeur python", {}), ("formatrice bureautique", {}), ("pompe à chaleur", {}),
    ("dpe", {}), ("menuis", {}), ("photographe", {}), ("comptable", {}),
    ("traductrice anglais", {}), ("maraichage bio", {}), ("électricien", {}),
    ("community manager", {}), ("isolation thermique combles", {}), ("céramique", {}),
    ("coach", {}), ("site internet", {}), ("apiculteur miel", {}), ("juriste", {}),
    ("illustratrice jeunesse", {}), ("aide à domicile", {}), ("vidéaste", {}),
    ("ux design", {}), ("formation qualiopi", {}), ("", {}), ("plombier", {"department": "69"}),
    ("graphiste", {"region": "Bretagne"}), ("formation", {"availability": "available"}),
    ('"(AND * ?', {}), ("rénovation " * 30, {}),
]  # fmt: skip


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def generate(n: int, seed: int = 7) -> None:
    """Insert n profiles (with users, CAEs, skills) with Core statements: no change log."""
    from bench.search_vocabulary import CITIES, FIRST_NAMES, LAST_NAMES, profile_text
    from marketplace.accounts.models import User
    from marketplace.caes.models import Cae
    from marketplace.extensions import db
    from marketplace.profiles.models import Profile, ProfileCertification, ProfileSkill
    from marketplace.skills.models import Certification, Skill
    from marketplace.text import fold
    from marketplace.timeutil import utcnow

    rng = random.Random(seed)
    now = utcnow()
    departments = list(CITIES)
    caes = [
        {"id": i, "name": f"CAE {i}", "department": rng.choice(departments), "created_at": now}
        for i in range(1, 156)
    ]
    db.session.execute(Cae.__table__.insert(), caes)
    skills: dict[str, int] = {}
    certs: dict[str, int] = {}
    users, profiles, links, cert_links = [], [], [], []
    for i in range(1, n + 1):
        text = profile_text(rng)
        cae = rng.choice(caes)
        department = rng.choice(departments)
        users.append({
            "id": i, "email": f"p{i}@example.org", "first_name": rng.choice(FIRST_NAMES),
            "last_name": rng.choice(LAST_NAMES), "role": "member", "cae_id": cae["id"],
            "membership": "verified" if rng.random() < 0.95 else "pending",
            "session_token": secrets.token_urlsafe(8), "is_active": True, "created_at": now,
        })  # fmt: skip
        audience = rng.choices(("public", "network", "cae"), weights=(30, 55, 15))[0]
        profiles.append({
            "id": i, "user_id": i, "headline": text["headline"], "bio": text["bio"],
            "status": rng.choice(("project_holder", "employee", "employee", "associate")),
            "city": CITIES[department], "department": department,
            "availability": rng.choice(("available", "available", "partial", "unavailable")),
            "audience": audience, "created_at": now, "updated_at": now,
        })  # fmt: skip
        for position, (name, level) in enumerate(text["skills"]):
            skill_id = skills.setdefault(name, len(skills) + 1)
            links.append({"profile_id": i, "skill_id": skill_id, "level": level,
                          "position": position})  # fmt: skip
        for name in text["certifications"]:
            cert_id = certs.setdefault(name, len(certs) + 1)
            cert_links.append({"profile_id": i, "certification_id": cert_id})
    db.session.execute(
        Skill.__table__.insert(),
        [{"id": i, "name": s, "key": fold(s), "created_at": now} for s, i in skills.items()],
    )
    db.session.execute(
        Certification.__table__.insert(),
        [{"id": i, "name": c, "key": fold(c)} for c, i in certs.items()],
    )
    for table, rows in ((User, users), (Profile, profiles), (ProfileSkill, links),
                        (ProfileCertification, cert_links)):  # fmt: skip
        for start in range(0, len(rows), 5000):
            db.session.execute(table.__table__.insert(), rows[start : start + 5000])
    db.session.commit()


def reset_sequences() -> None:
    """After inserts with explicit ids, PostgreSQL's sequences must start after them."""
    from sqlalchemy import text

    from marketplace.extensions import db

    if db.engine.dialect.name != "postgresql":
        return
    for table in ("caes", "users", "profiles", "skills", "certifications"):
        db.session.execute(
            text(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # noqa: S608
                f"(SELECT max(id) FROM {table}))"
            )
        )
    db.session.commit()


#: Needs typed as sentences of about ten words (issue 25: p95 ≤ 60 ms at 12,000 profiles).
SENTENCES = [
    "je cherche quelqu'un pour refaire la toiture de notre vieille grange",
    "besoin d'une personne capable de poser du carrelage dans la salle de bain",
    "qui pourrait nous aider à tenir la comptabilité et les déclarations de TVA",
    "nous voulons un nouveau logo et une charte graphique pour la boutique",
    "former nos salariés aux gestes de premiers secours avant la fin du mois",
    "installer des panneaux solaires sur le toit de la maison cet été",
    "une aide pour tondre la pelouse et tailler les haies chaque semaine",
    "développer une application mobile pour les clients de notre coopérative agricole",
    "traduire le site internet de notre association en anglais et en espagnol",
    "trouver un photographe pour les portraits de l'équipe et les photos produits",
]


def timed_sentences(fn, rounds: int) -> list[float]:
    values = []
    for _ in range(rounds):
        for q in SENTENCES:
            start = time.perf_counter()
            fn(q, {})
            values.append((time.perf_counter() - start) * 1000)
    return values


AUTOCOMPLETE = ["ré", "réno", "plomb", "graph", "form", "dév", "elec", "menuis", "photo", "co"]


def timed(fn, rounds: int) -> list[float]:
    values = []
    for _ in range(rounds):
        for q, filters in QUERIES:
            start = time.perf_counter()
            fn(q, filters)
            values.append((time.perf_counter() - start) * 1000)
    return values


def row(name: str, values: list[float]) -> str:
    return (
        f"| {name} | {statistics.median(values):.1f} | {percentile(values, 95):.1f} | "
        f"{max(values):.1f} | {len(values)} |"
    )


def run(n: int, rounds: int, folder: Path, database: str | None = None) -> None:
    from marketplace import create_app
    from marketplace.accounts.models import Anonymous, User
    from marketplace.actors import SYSTEM
    from marketplace.extensions import db
    from marketplace.profiles.finder import index_search, search_profiles
    from marketplace.profiles.operations import ProfileFilters, update_profile
    from marketplace.search.indexer import get_indexer
    from marketplace.search.query import parse

    database = database or "sqlite:///" + str(folder / "bench.sqlite3")
    settings = {"DATABASE_URL": database, "INDEX_DIR": str(folder / "index"),
                "SECRET_KEY": "bench", "RATELIMIT_ENABLED": False}  # fmt: skip
    app = create_app({**settings, "MAIL_DIR": str(folder / "mail"), "SERVER_NAME": "localhost"})
    with app.app_context():
        db.drop_all()
        db.create_all()
        started = time.perf_counter()
        generate(n)
        reset_sequences()
        generated = time.perf_counter() - started
        indexer = get_indexer()
        rss_before = rss_mb()
        started = time.perf_counter()
        count = indexer.rebuild(timeout=600)
        rebuild = time.perf_counter() - started
        rss_rebuild = rss_mb()
        size = sum(f.stat().st_size for f in indexer.path.iterdir()) / 1e6
        member = db.session.get(User, 1)
        member.membership = "verified"
        db.session.commit()  # one change in the log, applied after the commit
        viewers = {"anonymous": Anonymous(), "verified member": member}

        print(f"\n## Search benchmark: {n:,} profiles\n")
        print(f"Generated in {generated:.1f} s ({db.engine.dialect.name}, {folder}).\n")
        print("| measure | value |\n|---|---:|")
        print(f"| documents indexed | {count:,} |")
        print(f"| rebuild time | {rebuild:.1f} s |")
        print(f"| rebuild throughput | {count / rebuild:,.0f} docs/s |")
        print(f"| index size | {size:.1f} MB |")
        print(f"| peak RSS before rebuild | {rss_before:.0f} MB |")
        print(f"| peak RSS after rebuild | {rss_rebuild:.0f} MB |")

        print("\n| latency (ms) | median | p95 | max | n |\n|---|---:|---:|---:|---:|")
        for label, viewer in viewers.items():

            def raw(q, filters, viewer=viewer):
                index_search(viewer, parse(q), ProfileFilters(**filters), 1, 20)

            def service(q, filters, viewer=viewer):
                search_profiles(viewer, q, ProfileFilters(**filters), 1, 20)

            timed(raw, 1)  # warm the caches
            raw_values = timed(raw, rounds)
            if label == "anonymous":
                raw_p95 = percentile(raw_values, 95)
            print(row(f"raw index search ({label})", raw_values))
            print(row(f"search_profiles ({label})", timed(service, rounds)))
            timed_sentences(raw, 1)
            print(row(f"raw index search, sentences ({label})", timed_sentences(raw, rounds)))
            print(row(f"search_profiles, sentences ({label})", timed_sentences(service, rounds)))
        client = app.test_client()
        for path in ("/recherche", "/api/v1/profiles"):

            def http(q, filters, path=path):
                response = client.get(path, query_string={"q": q, **filters})
                assert response.status_code in (200, 422), response.status_code

            timed(http, 1)
            print(row(f"HTTP {path} (anonymous)", timed(http, rounds)))

        freshness = []
        profile = member.profile
        for i in range(20):
            word = f"fraicheur{i}x"
            started = time.perf_counter()
            update_profile(SYSTEM, profile, {"headline": f"Menuisier {word}"})
            db.session.commit()  # the after-commit sync indexes the change
            hits = search_profiles(member, word).items
            freshness.append((time.perf_counter() - started) * 1000)
            assert [h.profile.id for h in hits] == [profile.id], word
        print(row("commit → searchable", freshness))
        print(f"\nPeak RSS at the end: {rss_mb():.0f} MB.")
        db.session.remove()
    http_benchmark(settings, rounds, raw_p95)


def http_benchmark(settings: dict, rounds: int, raw_p95: float) -> None:
    """The same queries over real HTTP against gunicorn (2 workers), as p95 ratios to raw."""
    from bench.httpserver import serve, time_requests

    env = {f"MARKETPLACE_{k}": str(v) for k, v in settings.items() if k != "RATELIMIT_ENABLED"}
    env["MARKETPLACE_RATELIMIT_ENABLED"] = "0"
    with serve(env, workers=2) as server:
        print("\n| over HTTP, gunicorn 2 workers (ms) | median | p95 | max | n | p95 ÷ raw |")
        print("|---|---:|---:|---:|---:|---:|")
        for path in ("/api/v1/profiles", "/recherche"):
            time_requests(server.base, path, QUERIES, 2)  # warm both workers
            values = time_requests(server.base, path, QUERIES, rounds)
            ratio = percentile(values, 95) / raw_p95
            print(row(f"GET {path}?q= (anonymous)", values) + f" {ratio:.1f} |")
        prefixes = [(q, {}) for q in AUTOCOMPLETE]
        time_requests(server.base, "/api/v1/skills", prefixes, 2)
        values = time_requests(server.base, "/api/v1/skills", prefixes, rounds * 3)
        print(row("GET /api/v1/skills?q= (autocomplete)", values) + " – |")
        rss = ", ".join(f"{v:.0f}" for v in server.worker_rss_mb())
        print(f"\nMemory per gunicorn worker (RSS, MB): {rss}.")


def relevance() -> None:
    sys.path.insert(0, str(ROOT / "tests" / "search_corpus"))
    import judged

    from marketplace import create_app
    from marketplace.extensions import db

    with tempfile.TemporaryDirectory() as tmp:
        app = create_app({
            "DATABASE_URL": f"sqlite:///{tmp}/judged.sqlite3", "INDEX_DIR": f"{tmp}/index",
            "SECRET_KEY": "bench", "MAIL_DIR": f"{tmp}/mail", "RATELIMIT_ENABLED": False,
        })  # fmt: skip
        with app.app_context():
            db.create_all()
            corpus, queries = judged.load()
            viewer, ids, cae_ids = judged.populate(corpus)
            rows = judged.evaluate(viewer, queries, ids, cae_ids)
            n = len(corpus["profiles"])
            print(f"\n## Relevance on the judged set ({n} profiles, {len(queries)} queries)\n")
            print(judged.markdown(rows))
            for name, title in (
                ("sentences.json", "Needs typed as sentences"),
                ("sentences_heldout.json", "Held-out sentences"),
                ("sentences_fresh.json", "Fresh sentences"),
                ("sentences_fresh2.json", "Second fresh sentences"),
                ("sentences_fresh3.json", "Third fresh sentences"),
                ("sentences_fresh4.json", "Fourth fresh sentences"),
                ("sentences_fresh5.json", "Fifth fresh sentences"),
            ):
                sentences = json.loads((judged.FOLDER / name).read_text("utf-8"))
                rows = judged.evaluate(viewer, sentences, ids, cae_ids)
                print(f"\n### {title} ({len(sentences)})\n")
                print(judged.markdown(rows))
                empty = sum(1 for row in rows if not row["found"])
                print(f"\nEmpty first pages: {empty} of {len(rows)} ({empty / len(rows):.0%}).")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--profiles", type=int, default=12_000)
    parser.add_argument("--rounds", type=int, default=5, help="times the query list is run")
    parser.add_argument("--relevance", action="store_true", help="only the judged set")
    parser.add_argument("--keep", help="folder to keep the database and index in")
    parser.add_argument("--database", help="SQLAlchemy URL (its tables are dropped!)")
    parser.add_argument("--no-relevance", action="store_true", help="skip the judged set")
    args = parser.parse_args()
    os.environ.setdefault("MARKETPLACE_RATELIMIT_ENABLED", "0")
    if args.relevance:
        relevance()
        return
    if args.keep:
        folder = Path(args.keep)
        folder.mkdir(parents=True, exist_ok=True)
        run(args.profiles, args.rounds, folder, args.database)
    else:
        with tempfile.TemporaryDirectory() as tmp:
            run(args.profiles, args.rounds, Path(tmp), args.database)
    if not args.no_relevance:
        relevance()


if __name__ == "__main__":
    main()
