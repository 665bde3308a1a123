"""Planner statistics (`flask db analyze`, and after bulk loads) and the web worker's settings."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from sqlalchemy import text

from marketplace.extensions import db


def _has_statistics() -> bool:
    """SQLite: rows of sqlite_stat1 for users; PostgreSQL: pg_class knows how many users there
    are (ANALYZE writes reltuples at once; autovacuum leaves a table of a few rows alone)."""
    if db.engine.dialect.name == "sqlite":
        exists = db.session.scalar(
            text("SELECT count(*) FROM sqlite_master WHERE name = 'sqlite_stat1'")
        )
        return bool(exists) and bool(
            db.session.scalar(text("SELECT count(*) FROM sqlite_stat1 WHERE tbl = 'users'"))
        )
    known = db.session.scalar(text("SELECT reltuples FROM pg_class WHERE relname = 'users'"))
    return known == db.session.scalar(text("SELECT count(*) FROM users"))


def _forget_statistics() -> None:
    if db.engine.dialect.name == "sqlite":
        exists = db.session.scalar(
            text("SELECT count(*) FROM sqlite_master WHERE name = 'sqlite_stat1'")
        )
        if exists:
            db.session.execute(text("DELETE FROM sqlite_stat1"))
            db.session.commit()


def test_db_analyze_gives_the_planner_its_statistics(app, make_user):
    for _ in range(3):
        make_user()
    _forget_statistics()
    assert not _has_statistics()
    result = app.test_cli_runner().invoke(args=["db", "analyze"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("Statistiques de la base mises à jour en ")
    db.session.rollback()
    assert _has_statistics()


def test_a_bulk_members_import_refreshes_the_statistics(app, make_cae, tmp_path):
    cae = make_cae()
    _forget_statistics()
    header = "email,first_name,last_name,status,headline,bio,city,department,skills,certifications"
    rows = [header + ",availability,audience"]
    rows += [f"m{i}@example.org,Alex,Dupont{i},,,,,,,,," for i in range(100)]
    path = tmp_path / "members.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    result = app.test_cli_runner().invoke(
        args=["members", "import", str(path), "--cae", str(cae.id)]
    )
    assert result.exit_code == 0, result.output
    db.session.rollback()
    assert _has_statistics()


def test_the_web_worker_freezes_its_start_up_objects(tmp_path):
    """wsgi.py (what gunicorn loads) freezes start-up objects and collects young ones less often:
    a full collection of a worker's heap took 80 ms and was most of a busy page's p95."""
    root = Path(__file__).resolve().parents[2]
    env = dict(
        os.environ,
        MARKETPLACE_DATABASE_URL="sqlite:///" + str(tmp_path / "w.sqlite3"),
        MARKETPLACE_INDEX_DIR=str(tmp_path / "index"),
        MARKETPLACE_SECRET_KEY="worker-test-key",
    )
    code = "import gc, wsgi; print(gc.get_threshold()[0], gc.get_freeze_count())"
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=root, env=env, capture_output=True, text=True, check=True
    ).stdout.split()
    from marketplace.runtime import GEN0_THRESHOLD

    assert int(out[0]) == GEN0_THRESHOLD
    assert int(out[1]) > 10_000  # the app, its mappers and templates
