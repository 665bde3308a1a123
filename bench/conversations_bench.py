"""Conversations benchmark: the inbox and a thread of 200 messages with a million messages.

    .venv/bin/python -m bench.conversations_bench [--messages 1000000] [--people 5000]
                                                  [--rounds 50] [--database URL] [--keep DIR]

Generates people, conversations between them and messages with bulk inserts (a SQLite file in
a temporary folder unless --database is given; in DIR with --keep, generated once and used
again by the next runs: to compare two versions of the code on the same data), gives the
reader 60 conversations, one of them a thread of 200 messages, then measures through the Flask
test client, signed in as the reader: the inbox (/messages), the thread (/messages/<id>),
GET /api/v1/conversations, and the header's unread count alone. Prints p50/p95 in milliseconds
(on the clock, and the CPU time of the process for each request: on a shared, loaded machine
the clock also counts the waits for a core) and the SQL statements of each page.
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

from bench.search_bench import percentile


def generate(people: int, messages: int, reader_threads: int = 60) -> tuple[int, int]:
    """Bulk rows: people (user 1 is the reader), conversations of two, their messages.
    Returns (the reader's id, the id of their 200-message thread)."""
    from sqlalchemy import insert

    from marketplace.accounts.models import User
    from marketplace.caes.models import Cae
    from marketplace.conversations.models import Conversation, Message, Participant
    from marketplace.extensions import db
    from marketplace.profiles.models import Profile
    from marketplace.timeutil import utcnow

    rng = random.Random(7)
    now = utcnow()
    db.session.execute(insert(Cae), [{"name": f"CAE {i}", "department": "69", "city": "Lyon"}
                                     for i in range(1, 51)])  # fmt: skip
    db.session.execute(insert(User), [
        {"email": f"p{i}@example.org", "first_name": f"Prénom{i}", "last_name": f"Nom{i}",
         "cae_id": 1 + i % 50, "membership": "verified", "role": "member"}
        for i in range(1, people + 1)
    ])  # fmt: skip
    db.session.execute(insert(Profile), [{"user_id": i} for i in range(1, people + 1)])
    per_thread = 20
    threads = max(reader_threads + 1, (messages - 200) // per_thread)
    conversations, participants = [], []
    for c in range(1, threads + 1):
        a = 1 if c <= reader_threads else rng.randint(2, people)
        b = rng.randint(2, people)
        while b == a:
            b = rng.randint(2, people)
        at = now - timedelta(minutes=threads - c)
        conversations.append({"subject": f"Sujet {c}", "created_at": at, "last_message_at": at})
        participants += [
            {"conversation_id": c, "user_id": a, "last_message_at": at, "unread": 0},
            {"conversation_id": c, "user_id": b, "last_message_at": at, "unread": c % 3},
        ]
    db.session.execute(insert(Conversation), conversations)
    db.session.execute(insert(Participant), participants)
    batch: list[dict[str, Any]] = []
    written = 0
    # The reader's thread of 200 messages first, then the rest spread over every conversation.
    # Every body differs (nothing is computed once for all), one in ten carries a link.
    for n in range(200):
        batch.append({"conversation_id": 1, "author_id": 1 if n % 2 else 2, "body": _body(n),
                      "sent_at": now - timedelta(seconds=200 - n)})  # fmt: skip
    while written + len(batch) < messages:
        c = rng.randint(2, threads)
        batch.append(
            {"conversation_id": c, "author_id": None, "body": _body(written + len(batch)),
             "sent_at": now}
        )  # fmt: skip
        if len(batch) >= 20_000:
            db.session.execute(insert(Message), batch)
            written += len(batch)
            batch = []
    if batch:
        db.session.execute(insert(Message), batch)
    db.session.commit()
    return 1, 1


def _body(n: int) -> str:
    text = f"Bonjour, je reviens vers vous pour le chantier n° {n} de la semaine prochaine. " * 2
    if n % 10 == 0:
        text += f"Le plan est ici : https://exemple.org/plans/{n}.pdf, dites-moi."
    return text


def measure(client: Any, path: str, rounds: int) -> tuple[list[float], list[float]]:
    """Each request's time on the clock and the process's CPU time for it, in ms (on a loaded
    machine the second one says what the request itself costs)."""
    timings, cpu = [], []
    for _ in range(rounds):
        start, start_cpu = time.perf_counter(), time.process_time()
        response = client.get(path)
        timings.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - start_cpu) * 1000)
        assert response.status_code == 200, (path, response.status_code)
    return timings, cpu


def run(args: argparse.Namespace, folder: Path) -> None:
    from sqlalchemy import event

    from marketplace import create_app
    from marketplace.accounts.models import User
    from marketplace.conversations.operations import unread_total
    from marketplace.extensions import db
    from marketplace.maintenance import analyze

    url = args.database or "sqlite:///" + str(folder / "bench.sqlite3")
    app = create_app({
        "DATABASE_URL": url, "INDEX_DIR": str(folder / "index"), "SECRET_KEY": "bench",
        "RATELIMIT_ENABLED": False, "MAIL_DIR": str(folder / "mail"), "SERVER_NAME": "localhost",
        "WTF_CSRF_ENABLED": False,
    })  # fmt: skip
    with app.app_context():
        if args.keep and (folder / "bench.sqlite3").exists():
            reader_id, thread_id = 1, 1  # generated by an earlier run with --keep
        else:
            db.create_all()
            started = time.perf_counter()
            reader_id, thread_id = generate(args.people, args.messages)
            print(f"generated {args.messages:,} messages in {time.perf_counter() - started:.0f} s")
            analyze()
        reader = db.session.get(User, reader_id)
        session_id = reader.get_id()
        statements: list[str] = []
        event.listen(db.engine, "before_cursor_execute", lambda *a: statements.append(a[2]))
        client = app.test_client()
        with client.session_transaction() as session:
            session["_user_id"] = session_id
            session["_fresh"] = True
        for name, path in (
            ("inbox", "/messages"),
            ("thread of 200", f"/messages/{thread_id}"),
            ("API inbox", "/api/v1/conversations"),
        ):
            measure(client, path, 3)  # warm up
            statements.clear()
            client.get(path)
            count = len(statements)
            timings, cpu = measure(client, path, args.rounds)
            print(f"{name:>14}: p50 {statistics.median(timings):6.1f} ms  "
                  f"p95 {percentile(timings, 95):6.1f} ms  (CPU p50 "
                  f"{statistics.median(cpu):5.1f} ms, p95 {percentile(cpu, 95):5.1f} ms)  "
                  f"{count} statements")  # fmt: skip
        reader = db.session.get(User, reader_id)  # the requests' commits expired it
        assert reader is not None and reader.id == reader_id
        statements.clear()
        seen: list[tuple[str, Any]] = []
        event.listen(db.engine, "before_cursor_execute", lambda *a: seen.append((a[2], a[3])))
        unread = unread_total(reader)
        print(f"{'unread count':>14}: {len(statements)} statement ({unread} unread): "
              + " ".join(statements[0].split()))  # fmt: skip
        if db.engine.dialect.name == "sqlite":
            sql, params = seen[0]
            plan = db.session.connection().exec_driver_sql("EXPLAIN QUERY PLAN " + sql, params)
            print(f"{'its plan':>14}: " + "; ".join(row[-1] for row in plan))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=1_000_000)
    parser.add_argument("--people", type=int, default=5000)
    parser.add_argument("--rounds", type=int, default=50)
    parser.add_argument("--database", help="an empty database (default: a SQLite file)")
    parser.add_argument(
        "--keep", metavar="DIR", help="keep the SQLite data in DIR and use it again next time"
    )
    args = parser.parse_args()
    if args.keep:
        Path(args.keep).mkdir(parents=True, exist_ok=True)
        run(args, Path(args.keep))
        return
    with tempfile.TemporaryDirectory() as folder:
        run(args, Path(folder))


if __name__ == "__main__":
    main()
