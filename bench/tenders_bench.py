"""Tender suggestions benchmark: 12,000 generated profiles, one tender with three lots.

    .venv/bin/python -m bench.tenders_bench [--profiles 12000] [--rounds 20]

Measures suggestions_by_lot() and complete_team() (the two reads of the tender page), the
tender page and GET /api/v1/tenders/{id}/suggestions through the Flask test client, and
counts the SQL statements of one suggestions_by_lot() + complete_team() pair.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from datetime import timedelta
from pathlib import Path

from bench.search_bench import generate, percentile


def run(n: int, rounds: int, folder: Path, verbose: bool = False) -> None:
    from sqlalchemy import event, func, select

    from marketplace import create_app
    from marketplace.accounts.models import User
    from marketplace.extensions import db
    from marketplace.profiles.models import ProfileSkill
    from marketplace.skills.models import Skill
    from marketplace.tenders.operations import create_tender
    from marketplace.tenders.suggestions import complete_team, suggestions_by_lot
    from marketplace.timeutil import utcnow

    app = create_app({
        "DATABASE_URL": "sqlite:///" + str(folder / "bench.sqlite3"),
        "INDEX_DIR": str(folder / "index"), "SECRET_KEY": "bench", "RATELIMIT_ENABLED": False,
        "MAIL_DIR": str(folder / "mail"), "SERVER_NAME": "localhost", "WTF_CSRF_ENABLED": False,
    })  # fmt: skip
    with app.app_context():
        db.create_all()
        generate(n)
        owner = db.session.get(User, 1)
        owner.membership = "verified"
        common = db.session.execute(
            select(Skill.name, func.count(ProfileSkill.profile_id).label("n"))
            .join(ProfileSkill, ProfileSkill.skill_id == Skill.id)
            .group_by(Skill.id)
            .order_by(func.count(ProfileSkill.profile_id).desc())
            .limit(6)
        ).all()
        names = [name for name, _n in common]
        tender = create_tender(owner, {
            "title": "Bench", "buyer": {"name": "Ville", "kind": "public"},
            "deadline": utcnow() + timedelta(days=10), "department": "69", "audience": "network",
            "lots": [{"number": 1, "title": "A", "skills": names[:2]},
                     {"number": 2, "title": "B", "skills": names[2:4]},
                     {"number": 3, "title": "C", "skills": names[4:6]}],
        })  # fmt: skip
        db.session.commit()
        holders = sum(c for _name, c in common)

        def both():
            suggestions_by_lot(owner, tender)
            complete_team(owner, tender)

        statements = []
        listener = lambda _c, _cur, sql, *a: statements.append(sql[:90])  # noqa: E731
        event.listen(db.engine, "before_cursor_execute", listener)
        both()
        event.remove(db.engine, "before_cursor_execute", listener)

        def timed(fn) -> list[float]:
            values = []
            for _ in range(rounds):
                start = time.perf_counter()
                fn()
                values.append((time.perf_counter() - start) * 1000)
            return values

        client = app.test_client()
        client.post("/connexion", data={"email": owner.email, "password": "x"})
        with client.session_transaction() as session:
            session["_user_id"] = owner.get_id()
            session["_fresh"] = True
        api = f"/api/v1/tenders/{tender.id}/suggestions?per_page=100"
        page = f"/appels-d-offres/{tender.id}"
        assert client.get(page).status_code == 200
        rows = {
            "suggestions_by_lot + complete_team": timed(both),
            f"GET {page} (tender page)": timed(lambda: client.get(page)),
            "GET /api/v1/tenders/{id}/suggestions": timed(lambda: client.get(api)),
        }
        print(f"\n## Tender suggestions: {n:,} profiles\n")
        print(f"Lots' six skills are the most common ones ({holders:,} skill holdings).")
        print(f"SQL statements for suggestions_by_lot + complete_team: {len(statements)}\n")
        if verbose:
            print("\n".join(statements))
        print("| measure | median ms | p95 ms | runs |\n|---|---:|---:|---:|")
        for name, values in rows.items():
            print(f"| {name} | {statistics.median(values):.1f} | "
                  f"{percentile(values, 95):.1f} | {len(values)} |")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--profiles", type=int, default=12000)
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--verbose", action="store_true", help="print the SQL statements")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        run(args.profiles, args.rounds, Path(folder), args.verbose)


if __name__ == "__main__":
    main()
