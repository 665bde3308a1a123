"""Members import benchmark: `flask members import FILE --cae CAE --verified` on N new people.

    .venv/bin/python -m bench.import_bench [--rows 1000] [--database URL]

Generates a members file of ``--rows`` people (bench/federation_data.members_csv: the search
benchmark's vocabulary, up to 6 competences and 3 certifications each), creates one CAE in an
empty database, then runs the command as an operator does (the CLI in process, with its file,
its one commit and its planner statistics): first the new members (every account, profile,
competence, membership event and invitation written), then the same file again (every member
updated). The search index's sync of each import is timed apart (the command's commit runs it
in production; here SEARCH_SYNC_ON_COMMIT is off so that both figures show). Prints Markdown.
``--database`` takes a PostgreSQL URL (its tables are dropped and created again).
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path


def run(count: int, database: str | None, folder: Path) -> None:
    from bench.federation_data import members_csv
    from marketplace import create_app
    from marketplace.actors import SYSTEM
    from marketplace.caes.operations import create_cae
    from marketplace.extensions import db
    from marketplace.search.indexer import get_indexer

    app = create_app({
        "DATABASE_URL": database or "sqlite:///" + str(folder / "bench.sqlite3"),
        "INDEX_DIR": str(folder / "index"), "SECRET_KEY": "bench",
        "MAIL_DIR": str(folder / "mail"), "SEARCH_SYNC_ON_COMMIT": False,
        "SERVER_NAME": "localhost", "BASE_URL": "http://localhost",
    })  # fmt: skip
    path = folder / "membres.csv"
    path.write_text(members_csv(count), encoding="utf-8")
    rows = []
    with app.app_context():
        db.drop_all()
        db.create_all()
        cae = create_cae(SYSTEM, {"name": "Coopérative du banc d'essai", "department": "69"})
        db.session.commit()
        cae_id = cae.id
        get_indexer().rebuild()
        runner = app.test_cli_runner()
        for label in ("first import (created)", "same file again (updated)"):
            db.session.remove()
            started = time.perf_counter()
            result = runner.invoke(
                args=["members", "import", str(path), "--cae", str(cae_id), "--verified"]
            )
            written = time.perf_counter() - started
            assert result.exit_code == 0, result.output[-2000:]
            synced = get_indexer().sync(timeout=60)
            elapsed = time.perf_counter() - started
            rows.append((label, result.stdout.strip(), written, elapsed, synced.changes))
        db.session.remove()
        db.engine.dispose()
    kind = "PostgreSQL" if database else "SQLite"
    print(f"{count:,} rows, {kind}, load average {os.getloadavg()[0]:.1f} after the run")
    print()
    print("| run | command (written, committed) | rows/s | + index sync | rows/s |")
    print("|---|---:|---:|---:|---:|")
    for label, summary, written, elapsed, changes in rows:
        print(
            f"| {label}: {summary} | {written:.2f} s | {count / written:,.0f} "
            f"| {elapsed:.2f} s ({changes:,} changes) | {count / elapsed:,.0f} |"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=1000)
    parser.add_argument("--database", default=None)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        run(args.rows, args.database, Path(folder))


if __name__ == "__main__":
    main()
