"""A bounded load test: mixed reads and writes against gunicorn on loopback, then a check that
every acknowledged write is in the database and in the search index.

    .venv/bin/python -m bench.load --seconds 60 --workers 3 --clients 8 [--kill-one]
    .venv/bin/python -m bench.load --database-url postgresql+psycopg://…/db
    .venv/bin/python -m bench.load --seconds 30 --smtp stall     # e-mail: see bench/load_mail.py

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

With --smtp ok|stall the writes are password resets (each one an e-mail) instead of new
collectives, a local SMTP server answers (ok) or accepts connections and never answers (stall),
and `flask jobs run` runs beside gunicorn. After the load the server recovers, and every
acknowledged reset must reach it (bench/load_mail.py); latencies of both modes are comparable.
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
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

from bench import load_mail
from bench.httpserver import serve

WORDS = ("bois", "charpente", "graphisme", "formation", "rénovation", "jardin", "conseil")


@dataclass
class Tally:
    lock: threading.Lock = field(default_factory=threading.Lock)
    latencies: list[float] = field(default_factory=list)
    read_latencies: list[float] = field(default_factory=list)
    write_latencies: list[float] = field(default_factory=list)
    mails: int = 0
    statuses: dict[str, int] = field(default_factory=dict)
    acknowledged: dict[int, str] = field(default_factory=dict)
    reads: int = 0
    writes: int = 0

    def add(self, ms: float, outcome: str, write: bool) -> None:
        with self.lock:
            self.latencies.append(ms)
            (self.write_latencies if write else self.read_latencies).append(ms)
            self.statuses[outcome] = self.statuses.get(outcome, 0) + 1
            if write:
                self.writes += 1
            else:
                self.reads += 1


def prepare(database_url: str, index_dir: str, clients: int) -> list[str]:
    """The schema, a CAE and one verified member with a token per client; the clear tokens."""
    from marketplace import create_app
    from marketplace.accounts.operations import create_account, create_api_token
    from marketplace.actors import SYSTEM
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
            user = create_account(SYSTEM, email=f"charge{n}@example.org", first_name="Charge",
                                  last_name=f"N{n}", cae=cae, status="employee",
                                  password="Abeilles-Coop-2026", role="member",
                                  verified=True)  # fmt: skip
            tokens.append(create_api_token(SYSTEM, user, "load")[1])
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


def client_loop(
    base, token: str, number: int, stop_at: float, tally: Tally, seed: int, mail: bool = False
) -> None:
    rng = random.Random(seed)
    mailer = load_mail.ResetClient(base, f"charge{number}@example.org") if mail else None
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
            if write and mailer is not None:  # a password reset: one e-mail in the outbox
                status, raw = mailer.reset(), b""
                with tally.lock:
                    tally.mails += status == 302
            else:
                status, raw = call(base, method, path, token, body)
            outcome = str(status)
        except (OSError, http.client.HTTPException) as error:
            status, raw, outcome = 0, b"", f"connection error ({type(error).__name__})"
        tally.add((time.perf_counter() - started) * 1000, outcome, write)
        if write and mailer is None and status == 201:
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


def _percentiles(values: list[float]) -> tuple[float, float]:
    ordered = sorted(values)
    if not ordered:
        return 0.0, 0.0
    p95 = ordered[max(int(len(ordered) * 0.95) - 1, 0)]
    return round(statistics.median(ordered), 1), round(p95, 1)


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
    mail_report: dict = {}
    with ExitStack() as stack:
        smtp = None
        if args.smtp:
            smtp, env = stack.enter_context(load_mail.mail_side(args.smtp, env))
        server = stack.enter_context(serve(env, workers=args.workers))
        if args.smtp:
            stack.enter_context(load_mail.worker(env))
        started = time.monotonic()
        stop_at = started + args.seconds
        threads = [threading.Thread(target=client_loop,
                                    args=(server.base, tokens[n], n, stop_at, tally, n,
                                          bool(args.smtp)))
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
        if smtp is not None:
            mail_report = {"smtp": args.smtp, "smtp_connections_during_load": smtp.connections,
                           "mails_acknowledged": tally.mails,
                           **load_mail.drain(smtp, tally.mails, args.drain_timeout)}  # fmt: skip
    if mail_report:
        mail_report["outbox"] = load_mail.outbox_statuses(database_url, index_dir)
    result = check(database_url, index_dir, tally.acknowledged)
    latencies = sorted(tally.latencies)
    p50, p95 = _percentiles(latencies)
    errors = {k: v for k, v in tally.statuses.items() if not k.startswith(("2", "3", "4"))}
    report = {
        "seconds": round(elapsed, 1), "workers": args.workers, "clients": args.clients,
        "killed_worker": killed, "requests": len(latencies), "reads": tally.reads,
        "writes": tally.writes, "acknowledged_writes": len(tally.acknowledged) + tally.mails,
        "throughput_per_s": round(len(latencies) / elapsed, 1) if elapsed else 0,
        "p50_ms": p50, "p95_ms": p95,
        "read_p50_p95_ms": _percentiles(tally.read_latencies),
        "write_p50_p95_ms": _percentiles(tally.write_latencies),
        "statuses": tally.statuses, "errors": sum(errors.values()), **result, **mail_report,
    }  # fmt: skip
    print(json.dumps(report, indent=2, ensure_ascii=False))
    ok = result["missing_in_database"] == 0 and result["missing_in_index"] == 0
    if mail_report:
        ok = ok and mail_report["mails_delivered"] == tally.mails
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
    parser.add_argument("--smtp", choices=("ok", "stall"),
                        help="writes are password resets; a local SMTP server that answers, or "
                             "that never answers until the load ends")  # fmt: skip
    parser.add_argument("--drain-timeout", type=float, default=180,
                        help="seconds to wait for every e-mail after the load")  # fmt: skip
    return run(parser.parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
