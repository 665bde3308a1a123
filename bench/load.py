"""A bounded load test: mixed reads and writes against gunicorn on loopback, then a check that
every acknowledged write is in the database and in the search index.

    .venv/bin/python -m bench.load --seconds 60 --workers 3 --clients 8 [--kill-one]
    .venv/bin/python -m bench.load --database-url postgresql+psycopg://…/db

A fresh database (a SQLite file in a temporary folder unless --database-url is given; its tables
are created, so give an empty database) gets one CAE and one verified member per client, each with
an API token. Each client thread loops for the given time: 70 % reads (collectives and profiles
lists with and without words, a collective it created), 30 % writes (POST /collectives, a new
name each time). A write counts as acknowledged when the server answered 201 with its id.
With --kill-one, one gunicorn worker gets SIGKILL halfway: only the requests it was serving may
fail (reported as connection errors), gunicorn starts a new worker and the run goes on.

Afterwards the server is stopped and the database and the index are checked: every acknowledged
collective must exist with its name, and after `search sync` (what the next search does) the
index must hold every one of them. Exit code 0 when nothing is missing, 1 otherwise.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import signal
import statistics
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

from bench.httpserver import serve

WORDS = ("bois", "charpente", "graphisme", "formation", "rénovation", "jardin", "conseil")


@dataclass
class Tally:
    lock: threading.Lock = field(default_factory=threading.Lock)
    latencies: list[float] = field(default_factory=list)
    statuses: dict[str, int] = field(default_factory=dict)
    acknowledged: dict[int, str] = field(default_factory=dict)
    reads: int = 0
    writes: int = 0

    def add(self, ms: float, outcome: str, write: bool) -> None:
        with self.lock:
            self.latencies.append(ms)
            self.statuses[outcome] = self.statuses.get(outcome, 0) + 1
            if write:
                self.writes += 1
            else:
                self.reads += 1


def prepare(database_url: str, index_dir: str, clients: int) -> list[str]:
    """The schema, a CAE and one verified member with a token per client; the clear tokens."""
    from marketplace import create_app
    from marketplace.accounts.operations import create_account, create_api_token
    from marketplace.caes.models import Cae
    from marketplace.extensions import db

    app = create_app({"DATABASE_URL": database_url, "INDEX_DIR": index_dir,
                      "SECRET_KEY": "load-test",
                      "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000"})  # fmt: skip
    with app.app_context():
        db.create_all()
        cae = Cae(name="Coop de charge", department="69", city="Lyon")
        db.session.add(cae)
        db.session.flush()
        tokens = []
        for n in range(clients):
            user = create_account(None, email=f"charge{n}@example.org", first_name="Charge",
                                  last_name=f"N{n}", cae=cae, status="employee",
                                  password="Abeilles-Coop-2026", role="member",
                                  verified=True)  # fmt: skip
            tokens.append(create_api_token(None, user, "load")[1])
        db.session.commit()
        db.engine.dispose()
    return tokens


def call(base, method: str, path: str, token: str, body: dict | None = None):
    connection = http.client.HTTPConnection(*base, timeout=30)
    try:
        headers = {"Authorization": f"Bearer {token}", "Accept-Language": "fr"}
        payload = None
        if body is not None:
            payload = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        connection.request(method, path, body=payload, headers=headers)
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def client_loop(base, token: str, number: int, stop_at: float, tally: Tally, seed: int) -> None:
    rng = random.Random(seed)
    mine: list[int] = []
    count = 0
    while time.monotonic() < stop_at:
        write = rng.random() < 0.3
        if write:
            count += 1
            name = f"Collectif {number}-{count} {rng.choice(WORDS)}"
            method, path, body = "POST", "/api/v1/collectives", {"name": name}
        else:
            name, body, method = "", None, "GET"
            path = rng.choice([
                "/api/v1/collectives", "/api/v1/collectives?q=" + quote(rng.choice(WORDS)),
                "/api/v1/profiles", "/api/v1/me",
                f"/api/v1/collectives/{rng.choice(mine)}" if mine else "/api/v1/caes",
            ])  # fmt: skip
        started = time.perf_counter()
        try:
            status, raw = call(base, method, path, token, body)
            outcome = str(status)
        except (OSError, http.client.HTTPException) as error:
            status, raw, outcome = 0, b"", f"connection error ({type(error).__name__})"
        tally.add((time.perf_counter() - started) * 1000, outcome, write)
        if write and status == 201:
            created = json.loads(raw)["id"]
            mine.append(created)
            with tally.lock:
                tally.acknowledged[created] = name


def check(database_url: str, index_dir: str, acknowledged: dict[int, str]) -> dict[str, int]:
    """Acknowledged collectives missing from the database and, after a sync, from the index."""
    from sqlalchemy import select

    from marketplace import create_app
    from marketplace.collectives.models import Collective
    from marketplace.extensions import db
    from marketplace.search.indexer import get_indexer

    app = create_app({"DATABASE_URL": database_url, "INDEX_DIR": index_dir,
                      "SECRET_KEY": "load-test"})  # fmt: skip
    with app.app_context():
        stored = dict(db.session.execute(select(Collective.id, Collective.name)).all())
        missing_db = sum(1 for i, name in acknowledged.items() if stored.get(i) != name)
        indexer = get_indexer(app)
        for _ in range(20):
            indexer.sync()
            if not indexer.has_pending():
                break
        searcher = indexer.searcher()
        keys = set()
        if searcher is not None:
            keys = {fields.get("key") for fields in searcher.all_stored_fields()}
        missing_index = sum(1 for i in acknowledged if f"collective:{i}" not in keys)
        db.engine.dispose()
    return {"missing_in_database": missing_db, "missing_in_index": missing_index,
            "collectives_in_database": len(stored)}  # fmt: skip


def run(args: argparse.Namespace) -> int:
    folder = Path(tempfile.mkdtemp(prefix="essaim-load-"))
    database_url = args.database_url or "sqlite:///" + str(folder / "load.sqlite3")
    index_dir = str(folder / "index")
    tokens = prepare(database_url, index_dir, args.clients)
    env = {"MARKETPLACE_DATABASE_URL": database_url, "MARKETPLACE_INDEX_DIR": index_dir,
           "MARKETPLACE_SECRET_KEY": "load-test", "MARKETPLACE_RATELIMIT_ENABLED": "0",
           "MARKETPLACE_ENV": "development"}  # fmt: skip
    tally = Tally()
    killed = None
    with serve(env, workers=args.workers) as server:
        started = time.monotonic()
        stop_at = started + args.seconds
        threads = [threading.Thread(target=client_loop,
                                    args=(server.base, tokens[n], n, stop_at, tally, n))
                   for n in range(args.clients)]  # fmt: skip
        for thread in threads:
            thread.start()
        if args.kill_one:
            time.sleep(args.seconds / 2)
            pids = server.worker_pids()
            if pids:
                killed = pids[0]
                os.kill(killed, signal.SIGKILL)
        for thread in threads:
            thread.join()
        elapsed = time.monotonic() - started
    result = check(database_url, index_dir, tally.acknowledged)
    latencies = sorted(tally.latencies)
    p95 = latencies[int(len(latencies) * 0.95) - 1] if latencies else 0.0
    errors = {k: v for k, v in tally.statuses.items() if not k.startswith(("2", "4"))}
    report = {
        "seconds": round(elapsed, 1), "workers": args.workers, "clients": args.clients,
        "killed_worker": killed, "requests": len(latencies), "reads": tally.reads,
        "writes": tally.writes, "acknowledged_writes": len(tally.acknowledged),
        "throughput_per_s": round(len(latencies) / elapsed, 1) if elapsed else 0,
        "p50_ms": round(statistics.median(latencies), 1) if latencies else 0,
        "p95_ms": round(p95, 1), "statuses": tally.statuses, "errors": sum(errors.values()),
        **result,
    }  # fmt: skip
    print(json.dumps(report, indent=2, ensure_ascii=False))
    ok = result["missing_in_database"] == 0 and result["missing_in_index"] == 0
    # Beyond the requests in flight when a worker was killed, nothing may fail.
    allowed = args.clients if killed else 0
    return 0 if ok and report["errors"] <= allowed else 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--kill-one", action="store_true", help="SIGKILL one worker halfway")
    parser.add_argument("--database-url", help="an empty database (default: a SQLite file)")
    return run(parser.parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
