"""Alert matching benchmark: 10,000 saved alerts, the worker's time per new object (≤ 1 s).

    .venv/bin/python -m bench.alerts_bench [--profiles 12000] [--alerts 10000] [--rounds 5]
                                           [--database URL]

Generates the search benchmark's profiles (Core inserts), then ``--alerts`` alerts of verified
members (Core inserts): a third of each kind, words drawn from the trades' vocabulary, some
with a competence, a department, a place word in the words ("plombier lyon") or a ``near``
with its radius, most of them instant. Then, ``--rounds`` times each, a member publishes an
offer, a tender and edits their profile through the product's operations and commits (which
queues the match job, as the request does), and the worker's pass (``run_jobs()``, what
`flask jobs run` calls) is timed, in wall-clock and in the process's CPU time (on a shared
machine the first includes waiting for a core): matching against every alert of that kind, the
suggestions, the notifications and e-mails queued, its commits. Prints Markdown.
``--database`` takes a PostgreSQL URL (its tables are dropped and created again).
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

from bench.search_bench import generate, reset_sequences

WORDS = ["plombier", "chauffage", "pompe à chaleur", "isolation", "menuiserie", "charpente",
         "formation", "formatrice qualiopi", "graphisme", "site web", "comptabilité", "photo",
         "rénovation énergétique", "électricité", "traduction", "jardin", "peinture",
         ""]  # fmt: skip
FREQUENCIES = ("instant", "daily", "weekly")
PLACES = ["Lyon", "Villeurbanne", "Nantes", "Rennes", "Toulouse", "Lille", "Grenoble", "Paris"]


def make_alerts(count: int, users: list[int], skills: list[str], seed: int = 3) -> None:
    """``count`` alerts spread over these users, by Core inserts."""
    from marketplace.alerts.models import Alert
    from marketplace.extensions import db
    from marketplace.places.gazetteer import resolve
    from marketplace.timeutil import utcnow

    rng = random.Random(seed)
    now = utcnow()
    rows: list[dict[str, Any]] = []
    for n in range(count):
        kind = ("profiles", "offers", "tenders")[n % 3]
        q = rng.choice(WORDS)
        row = {"user_id": rng.choice(users), "kind": kind, "q": q, "skill": "",
               "department": None, "near": "", "radius_km": 30, "latitude": None,
               "longitude": None, "created_at": now,
               "frequency": rng.choices(FREQUENCIES, (80, 15, 5))[0]}  # fmt: skip
        draw = rng.random()
        if draw < 0.2:
            row["skill"] = rng.choice(skills)
        elif draw < 0.35:
            row["department"] = rng.choice(("69", "44", "35", "31", "59", "75"))
        elif draw < 0.55:
            row["q"] = f"{q} {rng.choice(PLACES).lower()}".strip()
        elif draw < 0.75:
            place = resolve(rng.choice(PLACES))
            assert place is not None
            row.update(near=place.name, radius_km=rng.choice((10, 30, 50)),
                       latitude=place.latitude, longitude=place.longitude)  # fmt: skip
        rows.append(row)
    for start in range(0, len(rows), 5000):
        db.session.execute(Alert.__table__.insert(), rows[start : start + 5000])
    db.session.commit()


def run(n: int, alerts: int, rounds: int, folder: Path, database: str | None) -> None:
    from sqlalchemy import func, select

    from marketplace import create_app
    from marketplace.accounts.models import User
    from marketplace.alerts.matching import run_jobs
    from marketplace.alerts.models import MatchNotice
    from marketplace.extensions import db
    from marketplace.jobs.models import OutboxMessage
    from marketplace.notifications.models import Notification
    from marketplace.profiles.operations import update_profile
    from marketplace.subcontracting.operations import create_offer
    from marketplace.tenders.operations import create_tender
    from marketplace.timeutil import utcnow

    app = create_app({
        "DATABASE_URL": database or "sqlite:///" + str(folder / "bench.sqlite3"),
        "INDEX_DIR": str(folder / "index"), "SECRET_KEY": "bench", "RATELIMIT_ENABLED": False,
        "MAIL_DIR": str(folder / "mail"), "SERVER_NAME": "localhost",
        "SEARCH_SYNC_ON_COMMIT": False,
    })  # fmt: skip
    with app.app_context():
        db.drop_all()
        db.create_all()
        generate(n)
        reset_sequences()
        verified = list(db.session.scalars(select(User.id).where(User.membership == "verified")))
        skills = ["Plomberie", "Chauffage", "Pompe à chaleur", "Menuiserie", "Formation"]
        make_alerts(alerts, verified[10:], skills)
        authors = [db.session.get(User, i) for i in verified[:3]]

        def offer(r: int) -> None:
            create_offer(authors[0], {
                "title": f"Remplacement d'une pompe à chaleur à Lyon ({r})",
                "description": "Chantier de plomberie et chauffage, deux jours en mars.",
                "skills": ["Pompe à chaleur", "Plomberie"], "city": "Lyon",
                "department": "69", "audience": "network"})  # fmt: skip

        def tender(r: int) -> None:
            create_tender(authors[1], {
                "title": f"Formation des agents à la rénovation énergétique ({r})",
                "buyer": {"name": "Métropole de Lyon", "kind": "public"},
                "deadline": utcnow() + timedelta(days=20), "department": "69", "city": "Lyon",
                "audience": "network",
                "lots": [{"number": 1, "title": "Formation", "skills": ["Formation"]},
                         {"number": 2, "title": "Audit",
                          "skills": ["Audit énergétique"]}]})  # fmt: skip

        def profile(r: int) -> None:
            update_profile(authors[2], authors[2].profile, {
                "headline": f"Plombier chauffagiste, pompes à chaleur ({r})",
                "city": "Villeurbanne", "department": "69"})  # fmt: skip

        results: dict[str, list[float]] = {}
        cpu_times: dict[str, list[float]] = {}
        for label, publish in (("offer", offer), ("tender", tender), ("profile", profile)):
            for r in range(rounds):
                publish(r)
                db.session.commit()  # the request's commit: queues the job
                db.session.expire_all()
                started, cpu = time.perf_counter(), time.process_time()
                handled = run_jobs()
                results.setdefault(label, []).append(time.perf_counter() - started)
                cpu_times.setdefault(label, []).append(time.process_time() - cpu)
                assert handled == 1, handled
        notices = db.session.scalar(select(func.count(MatchNotice.id)))
        notifications = db.session.scalar(select(func.count(Notification.id)))
        mails = db.session.scalar(select(func.count(OutboxMessage.id)))
    kind = "PostgreSQL" if database else "SQLite"
    print(f"\n## Alert matching: {alerts:,} alerts, {n:,} profiles, {kind}\n")
    print(f"{notices:,} people told in all ({notifications:,} notifications, {mails:,} e-mails "
          "queued).\n")  # fmt: skip
    print("| worker's pass per new object (`run_jobs()`) | median | max | CPU median | runs |")
    print("|---|---:|---:|---:|---:|")
    for label, values in results.items():
        cpu = statistics.median(cpu_times[label]) * 1000
        print(f"| new {label} | {statistics.median(values) * 1000:.0f} ms | "
              f"{max(values) * 1000:.0f} ms | {cpu:.0f} ms | {len(values)} |")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--profiles", type=int, default=12000)
    parser.add_argument("--alerts", type=int, default=10000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--database", default=None)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        run(args.profiles, args.alerts, args.rounds, Path(folder), args.database)


if __name__ == "__main__":
    main()
