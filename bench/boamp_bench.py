"""BOAMP import benchmark: 1,000 records (target ≤ 10 s), as `flask tenders import-boamp`.

    .venv/bin/python -m bench.boamp_bench [--records 1000] [--database URL]

The records are the test sample's notices (tests/data/boamp/records.json: older format and
eForms, lots or none, every date shape) repeated with fresh idwebs. Measures a first import
(every notice created, its lots, competences, history and search change rows written, in
savepoints), then the same file again (every notice updated in place), each with its commit
and the search index's sync that follows it, and prints Markdown. ``--database`` takes a
PostgreSQL URL (its tables are dropped and created again).
"""

from __future__ import annotations

import argparse
import copy
import json
import tempfile
import time
from pathlib import Path
from typing import Any

SAMPLE = Path(__file__).parent.parent / "tests" / "data" / "boamp" / "records.json"


def records(count: int) -> list[dict[str, Any]]:
    """``count`` good records (the sample's bad ones and its award left out)."""
    sample = json.loads(SAMPLE.read_text())["results"]
    good = [r for r in sample if r["idweb"] <= "26-10005"]
    out = []
    for n in range(count):
        record = copy.deepcopy(good[n % len(good)])
        record["idweb"] = f"26-{500_000 + n}"
        record["objet"] = f"{record['objet']} ({n})"
        out.append(record)
    return out


def run(count: int, database: str | None, folder: Path) -> None:
    from marketplace import create_app
    from marketplace.extensions import db
    from marketplace.search.indexer import get_indexer
    from marketplace.tenders.boamp_import import import_records

    app = create_app({
        "DATABASE_URL": database or "sqlite:///" + str(folder / "bench.sqlite3"),
        "INDEX_DIR": str(folder / "index"), "SECRET_KEY": "bench",
        "MAIL_DIR": str(folder / "mail"), "SEARCH_SYNC_ON_COMMIT": False,
    })  # fmt: skip
    payload = records(count)
    with app.app_context():
        db.drop_all()
        db.create_all()
        get_indexer().rebuild()
        rows = []
        for label in ("first import (created)", "same file again (updated)"):
            started = time.perf_counter()
            report = import_records(payload)
            db.session.commit()
            written = time.perf_counter() - started
            get_indexer().sync()  # what the command's commit does next (after-commit sync)
            elapsed = time.perf_counter() - started
            assert not report.errors, report.errors[:3]
            rows.append((label, written, elapsed, report))
            db.session.expire_all()
    kind = "PostgreSQL" if database else "SQLite"
    print(f"| {count:,} records, {kind} | written and committed | + index sync | records/s |")
    print("|---|---:|---:|---:|")
    for label, written, elapsed, report in rows:
        print(
            f"| {label} ({report.created} created, {report.updated} updated) | {written:.2f} s"
            f" | {elapsed:.2f} s | {count / elapsed:,.0f} |"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--records", type=int, default=1000)
    parser.add_argument("--database", default=None)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        run(args.records, args.database, Path(folder))


if __name__ == "__main__":
    main()
