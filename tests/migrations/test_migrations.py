"""The migrations build exactly the schema the models describe, on SQLite and PostgreSQL."""

from __future__ import annotations

import os
import uuid

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from marketplace import create_app
from marketplace.extensions import db


def _fresh_database_urls(tmp_path):
    yield "sqlite:///" + str(tmp_path / "migrated.sqlite3")
    pg = os.environ.get("MARKETPLACE_TEST_DATABASE_URL")
    if pg:
        name = f"essaim_migrations_{uuid.uuid4().hex[:8]}"
        admin = create_engine(pg, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        try:
            yield make_url(pg).set(database=name).render_as_string(hide_password=False)
        finally:
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            admin.dispose()


def test_migrations_match_the_models(tmp_path):
    for url in _fresh_database_urls(tmp_path):
        app = create_app({"DATABASE_URL": url, "SECRET_KEY": "migrations", "TESTING": True})
        with app.app_context():
            upgrade()
            with db.engine.connect() as conn:
                context = MigrationContext.configure(
                    conn, opts={"compare_type": True, "render_as_batch": True}
                )
                diff = compare_metadata(context, db.metadata)
            assert diff == [], f"{url}: models and migrations differ: {diff}"
            downgrade(revision="base")
            upgrade()
            db.engine.dispose()


@pytest.mark.parametrize("command", ["upgrade"])
def test_cli_db_upgrade_is_repeatable(tmp_path, command):
    app = create_app(
        {"DATABASE_URL": "sqlite:///" + str(tmp_path / "cli.sqlite3"), "SECRET_KEY": "x"}
    )
    runner = app.test_cli_runner()
    for _ in range(2):
        result = runner.invoke(args=["db", command])
        assert result.exit_code == 0, result.output
