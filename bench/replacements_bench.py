"""Replacement benchmark: an urgent request whose first circle holds 300 members.

    .venv/bin/python -m bench.replacements_bench [--members 300] [--rounds 5] [--database URL]

Generates (Core inserts) a CAE, the requester, and ``--members`` verified members of another
CAE around Lyon, all in one collective with the requester; a third of them chose the daily
digest (an urgent request e-mails them at once all the same), one in four has an availability
period over the request's dates. Then, ``--rounds`` times, the requester posts an urgent
replacement through the product's operation (``create_offer``, which tells the first circle in
the request: ``replacements.announce``) and commits, as the request does. Prints the time (on
the clock, and the process's CPU time: on a shared machine the first includes waiting for a
core), the SQL statements, how many people were told and the e-mails queued. ``--database``
takes a PostgreSQL URL (its tables are dropped and created again).
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path


def generate(members: int) -> int:
    """The requester (returned), the members and their collective, by Core inserts."""
    from sqlalchemy import insert

    from marketplace.accounts.models import User
    from marketplace.caes.models import Cae
    from marketplace.collectives.models import Collective, CollectiveMember
    from marketplace.extensions import db
    from marketplace.notifications.models import NotificationSetting
    from marketplace.profiles.availability import today
    from marketplace.profiles.models import AvailabilityPeriod, Profile

    rng = random.Random(22)
    db.session.execute(insert(Cae), [{"name": "CAE Rhône", "department": "69", "city": "Lyon"},
                                     {"name": "CAE Loire", "department": "42",
                                      "city": "Saint-Étienne"}])  # fmt: skip
    people = members + 1
    db.session.execute(insert(User), [
        {"email": f"p{i}@example.org", "first_name": f"Prénom{i}", "last_name": f"Nom{i}",
         "cae_id": 1 if i == 1 else 2, "membership": "verified", "role": "member"}
        for i in range(1, people + 1)
    ])  # fmt: skip
    db.session.execute(insert(Profile), [
        {"user_id": i, "city": "Lyon", "department": "69", "audience": "network",
         "availability": "available", "latitude": 45.76 + rng.uniform(-0.2, 0.2),
         "longitude": 4.84 + rng.uniform(-0.2, 0.2)}
        for i in range(1, people + 1)
    ])  # fmt: skip
    db.session.execute(insert(NotificationSetting), [
        {"user_id": i, "email": "daily"} for i in range(2, people + 1) if i % 3 == 0
    ])  # fmt: skip
    start = today()
    db.session.execute(insert(AvailabilityPeriod), [
        {"profile_id": i, "starts_on": start, "ends_on": start + timedelta(days=3),
         "kind": "unavailable", "note": ""}
        for i in range(2, people + 1) if i % 4 == 0
    ])  # fmt: skip
    db.session.execute(insert(Collective), [{"name": "Rénovation en réseau", "cae_id": 1}])
    db.session.execute(insert(CollectiveMember), [
        {"collective_id": 1, "user_id": i, "role": "coordinator" if i == 1 else "member"}
        for i in range(1, people + 1)
    ])  # fmt: skip
    db.session.commit()
    return 1


def run(args: argparse.Namespace, folder: Path) -> None:
    from sqlalchemy import event, func, select

    from marketplace import create_app
    from marketplace.accounts.models import User
    from marketplace.extensions import db
    from marketplace.jobs.models import OutboxMessage
    from marketplace.maintenance import analyze
    from marketplace.notifications.models import Notification
    from marketplace.profiles.availability import today
    from marketplace.subcontracting.operations import create_offer
    from marketplace.subcontracting.schemas import OfferInput

    url = args.database or "sqlite:///" + str(folder / "bench.sqlite3")
    app = create_app({
        "DATABASE_URL": url, "INDEX_DIR": str(folder / "index"), "SECRET_KEY": "bench",
        "RATELIMIT_ENABLED": False, "MAIL_DIR": str(folder / "mail"), "SERVER_NAME": "localhost",
    })  # fmt: skip
    with app.app_context(), app.test_request_context():
        if args.database:
            db.drop_all()
        db.create_all()
        requester_id = generate(args.members)
        analyze()
        statements: list[str] = []
        event.listen(db.engine, "before_cursor_execute", lambda *a: statements.append(a[2]))
        timings, cpu, counts = [], [], []
        last: list[str] = []
        for n in range(args.rounds):
            requester = db.session.get(User, requester_id)
            body = OfferInput.load({
                "kind": "replacement", "title": f"Remplacement urgent n° {n}",
                "skills": ["Isolation thermique"], "city": "Lyon", "department": "69",
                "starts_on": today() + timedelta(days=1), "ends_on": today() + timedelta(days=5),
                "audience": "network",
            })  # fmt: skip
            statements.clear()
            started, started_cpu = time.perf_counter(), time.process_time()
            offer = create_offer(requester, body)
            db.session.commit()
            timings.append((time.perf_counter() - started) * 1000)
            cpu.append((time.process_time() - started_cpu) * 1000)
            counts.append(len(statements))
            last = list(statements)
            assert offer.urgent
        if args.statements:
            shapes = Counter(" ".join(sql.split())[:90] for sql in last)
            for shape, times in shapes.most_common():
                print(f"{times:5d} × {shape}")
        told = db.session.scalar(select(func.count(Notification.id)))
        mails = db.session.scalar(select(func.count(OutboxMessage.id)))
        print(f"| {db.engine.dialect.name} | {args.members} | "
              f"{statistics.median(timings):.0f} ms (CPU {statistics.median(cpu):.0f} ms) | "
              f"{statistics.median(counts):.0f} | {told // args.rounds} | "
              f"{mails // args.rounds} |")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--database")
    parser.add_argument(
        "--statements", action="store_true", help="print the last round's statements, grouped"
    )
    args = parser.parse_args()
    print("| database | first circle | median time | statements | told | e-mails |")
    print("|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as folder:
        run(args, Path(folder))


if __name__ == "__main__":
    main()
