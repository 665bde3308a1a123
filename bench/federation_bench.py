"""Federation benchmark: the whole product at 12,000 (or 100,000) profiles, over real HTTP.

    .venv/bin/python -m bench.federation_bench                       # 12,000 profiles, SQLite
    .venv/bin/python -m bench.federation_bench --profiles 100000
    .venv/bin/python -m bench.federation_bench --database postgresql+psycopg://…/essaim_perf_bench

Generates profiles, collectives, tenders, offers and subcontracts (bench/federation_data.py),
rebuilds the index, then serves the product with gunicorn (2 workers, bench/httpserver.py) and
reports: median and p95 of the main pages and API reads (signed in by a session cookie or a
bearer token where the page needs it), throughput of the search page under a bounded load from
a second process beside a trivial Flask app (bench/trivial_app.py) under the same gunicorn
settings, index rebuild and members-import throughput, memory per worker, load average.
Prints Markdown. `--database` drops and recreates the tables of the database it is given.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import logging
import multiprocessing
import os
import statistics
import tempfile
import threading
import time
from pathlib import Path

from bench.search_bench import QUERIES, percentile

TARGETS_MS = {"search": 60, "suggestions": 150, "page": 100}  # p95 at 12,000 profiles
LARGE, LARGE_FACTOR = 100_000, 2.5  # from 100,000 profiles: under 2.5 times those


def target_ms(kind: str, profiles: int) -> float:
    return TARGETS_MS[kind] * (LARGE_FACTOR if profiles >= LARGE else 1)


def load() -> str:
    return " / ".join(f"{v:.2f}" for v in os.getloadavg())


def row(name: str, values: list[float], target: float | None = None) -> str:
    p95 = percentile(values, 95)
    verdict = "" if target is None else ("✓" if p95 < target else "✗")
    shown = "–" if target is None else f"{target:.0f}"
    return (f"| {name} | {statistics.median(values):.1f} | {p95:.1f} | {len(values)} | "
            f"{shown} | {verdict} |")  # fmt: skip


def _hammer(base, path, seconds, threads, queries, out) -> None:
    """In a second process: `threads` clients send requests for `seconds`; puts the count."""
    from bench.httpserver import request

    done = [0] * threads
    stop = time.monotonic() + seconds

    def client(k: int) -> None:
        i = k
        while time.monotonic() < stop:
            params = None
            if queries:
                q, filters = queries[i % len(queries)]
                params = {"q": q, **filters} if q else dict(filters)
            status, _ = request(base, path, params)
            if status not in (200, 422):
                raise RuntimeError(f"{path}: HTTP {status}")
            done[k] += 1
            i += threads

    workers = [threading.Thread(target=client, args=(k,)) for k in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    out.put(sum(done))


def throughput(base, path, seconds: float, threads: int, queries=None) -> float:
    """Requests per second answered under a bounded load from another process."""
    context = multiprocessing.get_context("spawn")
    out = context.Queue()
    process = context.Process(target=_hammer, args=(base, path, seconds, threads, queries, out))
    process.start()
    count = out.get(timeout=seconds + 120)
    process.join()
    return count / seconds


def prepare(n: int, folder: Path, database: str | None, reuse: bool = False):
    from bench.federation_data import Federation, members_csv, populate
    from marketplace import create_app
    from marketplace.accounts.models import User
    from marketplace.accounts.operations import create_api_token
    from marketplace.actors import SYSTEM
    from marketplace.caes.models import Cae
    from marketplace.extensions import db
    from marketplace.maintenance import analyze
    from marketplace.members_import import import_members
    from marketplace.search.indexer import get_indexer

    database = database or "sqlite:///" + str(folder / "bench.sqlite3")
    settings = {"DATABASE_URL": database, "INDEX_DIR": str(folder / "index"),
                "SECRET_KEY": "bench-secret-key", "MAIL_DIR": str(folder / "mail")}  # fmt: skip
    app = create_app({**settings, "RATELIMIT_ENABLED": False, "SEARCH_SYNC_ON_COMMIT": False,
                      "SERVER_NAME": "localhost"})  # fmt: skip
    report = {"load before": load(), "dialect": None}
    saved = folder / "federation.json"
    with app.app_context():
        report["dialect"] = db.engine.dialect.name
        reused = reuse and saved.exists()
        if reused:  # measure the data (and index) of an earlier run again
            fed = Federation(**json.loads(saved.read_text()))
        else:
            db.drop_all()
            db.create_all()
            fed = populate(n)
            saved.write_text(json.dumps(dataclasses.asdict(fed)))
        # The deployment's upkeep (docs/DEPLOYMENT.md): planner statistics after a bulk load.
        report["analyze"] = analyze()
        db.session.commit()
        indexer = get_indexer()
        report["rebuild"] = None
        if not reused:
            started = time.perf_counter()
            documents = indexer.rebuild(timeout=900)
            report["rebuild"] = (documents, time.perf_counter() - started)
        cae = db.session.get(Cae, fed.cae_id)
        text = members_csv(1000)
        started = time.perf_counter()
        result = import_members(SYSTEM, cae, text, verified=True)
        db.session.commit()
        imported = time.perf_counter() - started
        started = time.perf_counter()
        synced = indexer.sync(timeout=120)
        report["import"] = (result.total, imported, synced.changes,
                            time.perf_counter() - started)  # fmt: skip
        owner, manager = db.session.get(User, fed.owner_id), db.session.get(User, fed.manager_id)
        serializer = app.session_interface.get_signing_serializer(app)
        cookie = app.config["SESSION_COOKIE_NAME"]
        auth = {}
        for name, user in (("owner", owner), ("manager", manager)):
            signed = serializer.dumps({"_user_id": user.get_id(), "_fresh": True})
            auth[name] = {"Cookie": f"{cookie}={signed}"}
            _token, clear = create_api_token(SYSTEM, user, "bench")
            auth[f"{name} token"] = {"Authorization": f"Bearer {clear}"}
        db.session.commit()
        db.session.remove()
        db.engine.dispose()
    return settings, fed, auth, report


def pages(fed, auth) -> list[tuple[str, str, dict, str]]:
    """(label, path, headers, target kind)."""
    p, c, t, o, cae = (fed.public_profile_id, fed.collective_id, fed.tender_id, fed.offer_id,
                       fed.cae_id)  # fmt: skip
    owner, owner_api = auth["owner"], auth["owner token"]
    manager, manager_api = auth["manager"], auth["manager token"]
    return [
        ("home `/`", "/", {}, "page"),
        ("profile page", f"/profils/{p}", {}, "page"),
        ("`GET /api/v1/profiles/{id}`", f"/api/v1/profiles/{p}", {}, "page"),
        ("collectives list", "/collectifs", {}, "page"),
        ("collective page", f"/collectifs/{c}", {}, "page"),
        ("`GET /api/v1/collectives/{id}`", f"/api/v1/collectives/{c}", {}, "page"),
        ("tenders list (member)", "/appels-d-offres", owner, "page"),
        ("**tender page with suggestions (owner)**", f"/appels-d-offres/{t}", owner, "suggestions"),
        (
            "`GET /api/v1/tenders/{id}/suggestions` (owner)",
            f"/api/v1/tenders/{t}/suggestions",
            owner_api,
            "suggestions",
        ),
        ("`GET /api/v1/tenders` (member)", "/api/v1/tenders", owner_api, "page"),
        ("offers list (member)", "/offres", owner, "page"),
        ("offer page (member)", f"/offres/{o}", owner, "page"),
        ("`GET /api/v1/offers` (member)", "/api/v1/offers", owner_api, "page"),
        ("notifications (member)", "/notifications", owner, "page"),
        ("my subcontracts (member)", "/sous-traitances", owner, "page"),
        ("`GET /api/v1/subcontracts` (manager)", "/api/v1/subcontracts", manager_api, "page"),
        ("**CAE figures page (manager)**", f"/caes/{cae}/chiffres", manager, "page"),
        (
            "`GET /api/v1/caes/{id}/stats` (manager)",
            f"/api/v1/caes/{cae}/stats",
            manager_api,
            "page",
        ),
    ]


def measure(settings, fed, auth, report, rounds: int, seconds: float, threads: int) -> None:
    from bench.httpserver import request, serve

    def timed(base, path, headers, params_list) -> list[float]:
        values = []
        for params in params_list:
            started = time.perf_counter()
            status, _ = request(base, path, params, headers)
            values.append((time.perf_counter() - started) * 1000)
            if status not in (200, 422):
                raise RuntimeError(f"{path} {params}: HTTP {status}")
        return values

    searches = [{"q": q, **f} if q else dict(f) for q, f in QUERIES]
    env = {f"MARKETPLACE_{k}": str(v) for k, v in settings.items()}
    env["MARKETPLACE_RATELIMIT_ENABLED"] = "0"
    n, dialect = fed.profiles, report["dialect"]
    print(f"\n## Federation benchmark: {n:,} profiles, {dialect}\n")
    generated = ", ".join(f"{k} {fed.counts.get(k, '')} in {v:.1f} s".replace("  ", " ")
                          for k, v in fed.seconds.items())  # fmt: skip
    print(f"Generated: {generated}. Load average before: {report['load before']}.\n")
    with serve(env, workers=2) as server:
        lines = []
        for _ in range(2):
            timed(server.base, "/recherche", {}, searches)  # warm both workers
        target = target_ms("search", n)
        values = timed(server.base, "/recherche", {}, searches * 2)
        lines.append(row("**search page `/recherche?q=`**", values, target))
        timed(server.base, "/api/v1/profiles", {}, searches)
        values = timed(server.base, "/api/v1/profiles", {}, searches * 2)
        lines.append(row("**`GET /api/v1/profiles?q=`**", values, target))
        for label, path, headers, kind in pages(fed, auth):
            timed(server.base, path, headers, [None] * 4)
            values = timed(server.base, path, headers, [None] * rounds)
            lines.append(row(label, values, target_ms(kind, n)))
        print("| through gunicorn, 2 workers (ms) | median | p95 | n | target p95 | |")
        print("|---|---:|---:|---:|---:|---|")
        print("\n".join(lines))
        print(f"\nLoad average after the latencies: {load()}.\n")
        search_rps = throughput(server.base, "/recherche", seconds, threads, QUERIES)
        load_search = load()
        health_rps = throughput(server.base, "/healthz", seconds, threads)
        load_health = load()
        memory = server.worker_memory_mb()
    with serve({}, workers=2, app="bench.trivial_app:app", ready="/") as trivial:
        throughput(trivial.base, "/", 2, threads)
        trivial_rps = throughput(trivial.base, "/", seconds, threads)
        load_trivial = load()
    created, imported, changes, synced = report["import"]
    print("| measure | value |\n|---|---:|")
    print(f"| search page throughput ({threads} clients in a second process, {seconds:.0f} s) "
          f"| {search_rps:.1f} req/s (load {load_search}) |")  # fmt: skip
    print(f"| trivial Flask endpoint, same gunicorn settings | {trivial_rps:.1f} req/s "
          f"(load {load_trivial}) |")  # fmt: skip
    print(f"| the product's own lightest route, `/healthz` (one `SELECT 1`) | {health_rps:.1f} "
          f"req/s (load {load_health}) |")  # fmt: skip
    print(f"| **search ÷ trivial** (target ≥ 30 %) | **{100 * search_rps / trivial_rps:.0f} %** |")
    print(f"| search ÷ `/healthz` | {100 * search_rps / health_rps:.0f} % |")
    print(f"| planner statistics (`ANALYZE`) after the data load | {report['analyze']:.2f} s |")
    if report["rebuild"]:
        documents, rebuild = report["rebuild"]
        print(f"| index rebuild | {documents:,} documents in {rebuild:.1f} s "
              f"({documents / rebuild:,.0f} docs/s) |")  # fmt: skip
    print(f"| members import (1,000-row CSV, one transaction) | {created:,} members "
          f"(new or updated) in {imported:.1f} s ({created / imported:,.0f} rows/s) |")  # fmt: skip
    print(f"| then `search sync` of the import | {changes:,} changes in {synced:.1f} s |")
    sizes = ", ".join(f"{m['rss']:.0f} / {m['pss']:.0f} / {m['uss']:.0f}" for m in memory)
    print(f"| memory per gunicorn worker, RSS / PSS / USS (smaps_rollup) | {sizes} MB |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--profiles", type=int, default=12_000)
    parser.add_argument("--rounds", type=int, default=30, help="requests per page")
    parser.add_argument("--seconds", type=float, default=15, help="length of each load run")
    parser.add_argument("--threads", type=int, default=4, help="concurrent clients of the load")
    parser.add_argument("--database", help="SQLAlchemy URL (its tables are dropped!)")
    parser.add_argument("--keep", help="folder to keep the SQLite database and index in")
    parser.add_argument("--reuse", action="store_true",
                        help="measure the data and index kept by an earlier run with the same "
                             "--keep (and --database) instead of generating and indexing them "
                             "again")  # fmt: skip
    args = parser.parse_args()
    os.environ.setdefault("MARKETPLACE_RATELIMIT_ENABLED", "0")
    logging.getLogger("marketplace.mail").setLevel(logging.ERROR)  # thousands of generated mails
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(args.keep or tmp)
        folder.mkdir(parents=True, exist_ok=True)
        settings, fed, auth, report = prepare(args.profiles, folder, args.database, args.reuse)
        measure(settings, fed, auth, report, args.rounds, args.seconds, args.threads)


if __name__ == "__main__":
    main()
