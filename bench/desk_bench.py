"""The managers' desk (/gestion) of a 1,600-member CAE.

    .venv/bin/python -m bench.desk_bench [--members 1600] [--rounds 50] [--database URL]

Generates with bulk inserts (a SQLite file in a temporary folder unless --database is given,
whose tables are dropped and created again) one CAE of ``--members`` people beside four others:
an eighth of them awaiting verification, the others verified, salaried entrepreneur·es with a
CESA start (associé·e deadlines), sixty status proposals, 4,000 subcontract records over the
last year (internal and with the other CAEs), forty approvals awaiting the CAE and fifty
failed e-mails. Then measures through the Flask test client the dashboard of the CAE's manager
and of an administrator who chose that CAE: p50/p95 in milliseconds and the SQL statements of
one page.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import tempfile
import time
from datetime import timedelta
from pathlib import Path

from bench.conversations_bench import measure
from bench.search_bench import percentile

OTHER_CAES = 4


def generate(members: int) -> tuple[int, int]:
    """Bulk rows; returns (the manager's id, the administrator's id)."""
    from sqlalchemy import insert

    from marketplace.accounts.models import User
    from marketplace.approvals.models import CaeApproval
    from marketplace.caes.models import Cae
    from marketplace.extensions import db
    from marketplace.jobs.models import OutboxMessage
    from marketplace.profiles.models import Profile
    from marketplace.subcontracting.models import Subcontract
    from marketplace.timeutil import utcnow

    rng = random.Random(11)
    now = utcnow()
    today = now.date()
    db.session.execute(insert(Cae), [{"name": f"CAE {i}", "department": "69", "city": "Lyon"}
                                     for i in range(1, OTHER_CAES + 2)])  # fmt: skip
    people = members + 2 + 50 * OTHER_CAES
    rows = []
    for i in range(1, people + 1):
        if i == 1:
            role, cae, state = "manager", 1, "verified"
        elif i == 2:
            role, cae, state = "admin", None, "verified"
        elif i <= members + 2:
            role, cae = "member", 1
            state = "pending" if i % 8 == 0 else "verified"
        else:
            role, cae, state = "member", 2 + i % OTHER_CAES, "verified"
        rows.append({"email": f"p{i}@example.org", "first_name": f"Prénom{i}",
                     "last_name": f"Nom{i}", "cae_id": cae, "membership": state, "role": role,
                     "created_at": now - timedelta(minutes=people - i)})  # fmt: skip
    db.session.execute(insert(User), rows)
    profiles = []
    for i in range(1, people + 1):
        status = rng.choice(("employee", "employee", "associate", "project_holder"))
        profiles.append({
            "user_id": i, "status": status,
            "cesa_started_on": (today - timedelta(days=rng.randint(30, 1200))
                                if status == "employee" else None),
            "status_proposed": "associate" if 3 <= i < 63 else None,
            "status_proposed_at": now if 3 <= i < 63 else None,
        })  # fmt: skip
    db.session.execute(insert(Profile), profiles)
    records = []
    for n in range(4000):
        a = rng.randint(3, members + 2)
        internal = n % 3 != 0
        b = rng.randint(3, members + 2) if internal else rng.randint(members + 3, people)
        if a == b:
            b = a + 1 if a < members + 2 else a - 1
        day = today - timedelta(days=rng.randint(0, 365))
        records.append({
            "client_profile_id": a, "subcontractor_profile_id": b, "client_cae_id": 1,
            "subcontractor_cae_id": 1 if internal else 2 + b % OTHER_CAES,
            "title": f"Prestation {n}", "amount_cents": rng.randint(10_000, 2_000_000),
            "kind": "internal" if internal else "invoice",
            "vat_regime": None if internal else "standard",
            "vat_rate": None if internal else "20.0", "record_date": day,
            "status": rng.choice(("accepted", "in_progress", "delivered")),
        })  # fmt: skip
    db.session.execute(insert(Subcontract), records)
    db.session.execute(insert(CaeApproval), [
        {"cae_id": 1, "subject_kind": "subcontract", "subject_id": n, "state": "pending",
         "requested_at": now - timedelta(hours=n)}
        for n in range(1, 41)
    ])  # fmt: skip
    db.session.execute(insert(OutboxMessage), [
        {"recipient": f"p{n}@example.org", "subject": "Essaim", "body": "",
         "message_id": f"<bench-{n}@example.org>", "status": "failed", "attempts": 8,
         "last_error": "550 mailbox unavailable"}
        for n in range(50)
    ])  # fmt: skip
    db.session.commit()
    return 1, 2


def run(args: argparse.Namespace, folder: Path) -> None:
    from sqlalchemy import event

    from marketplace import create_app
    from marketplace.accounts.models import User
    from marketplace.extensions import db
    from marketplace.maintenance import analyze

    url = args.database or "sqlite:///" + str(folder / "bench.sqlite3")
    app = create_app({
        "DATABASE_URL": url, "INDEX_DIR": str(folder / "index"), "SECRET_KEY": "bench",
        "RATELIMIT_ENABLED": False, "MAIL_DIR": str(folder / "mail"), "SERVER_NAME": "localhost",
        "WTF_CSRF_ENABLED": False,
    })  # fmt: skip
    with app.app_context():
        import marketplace.models  # noqa: F401  (every table, for drop_all and create_all)

        db.drop_all()
        db.create_all()
        started = time.perf_counter()
        manager_id, admin_id = generate(args.members)
        print(f"generated a CAE of {args.members:,} members in "
              f"{time.perf_counter() - started:.1f} s")  # fmt: skip
        analyze()
        statements: list[str] = []
        event.listen(db.engine, "before_cursor_execute", lambda *a: statements.append(a[2]))
        for name, user_id, path in (
            ("manager", manager_id, "/gestion"),
            ("admin, one CAE", admin_id, "/gestion?cae=1"),
            ("admin, every CAE", admin_id, "/gestion"),
        ):
            client = app.test_client()
            with client.session_transaction() as session:
                session["_user_id"] = db.session.get(User, user_id).get_id()
                session["_fresh"] = True
            measure(client, path, 3)  # warm up
            statements.clear()
            client.get(path)
            count = len(statements)
            timings, cpu = measure(client, path, args.rounds)
            print(f"{name:>16}: p50 {statistics.median(timings):6.1f} ms  "
                  f"p95 {percentile(timings, 95):6.1f} ms  "
                  f"(CPU p50 {statistics.median(cpu):.1f} ms)  {count} statements")  # fmt: skip
    print(f"load average {os.getloadavg()[0]:.1f} after the run")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=1600)
    parser.add_argument("--rounds", type=int, default=50)
    parser.add_argument("--database", help="an empty database (default: a SQLite file)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        run(args, Path(folder))


if __name__ == "__main__":
    main()
