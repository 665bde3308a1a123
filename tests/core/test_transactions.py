"""A request that rolls back keeps nothing, even what was written inside a savepoint."""

from __future__ import annotations

from sqlalchemy import func, select, text

from marketplace.caes.models import Cae
from marketplace.extensions import db


def count() -> int:
    return db.session.scalar(select(func.count(Cae.id)))


def test_a_savepoint_before_any_write_does_not_commit_on_release(app):
    """SQLite's driver used to start a transaction at the SAVEPOINT and commit it at RELEASE."""
    before = count()
    db.session.commit()
    db.session.execute(select(Cae.id)).all()  # a read first, as views do
    with db.session.begin_nested():
        db.session.add(Cae(name="Coop fantôme", department="69", city="Lyon"))
    db.session.rollback()
    assert count() == before


def test_a_refused_request_keeps_nothing_written_in_a_savepoint(client, make_user, api_token):
    """The collectives API joins in a savepoint; a rolled back request must leave no member."""
    from marketplace.collectives import operations as ops
    from marketplace.collectives.models import CollectiveMember

    owner, joiner = make_user(), make_user()
    collective = ops.create_collective(owner, {"name": "Ouvert", "join_policy": "open"})
    db.session.commit()
    members = db.session.scalar(select(func.count(CollectiveMember.id)))
    with db.session.begin_nested():
        ops.join(joiner, collective)
    db.session.rollback()
    assert db.session.scalar(select(func.count(CollectiveMember.id))) == members


def test_on_sqlite_a_page_being_read_does_not_hold_back_a_commit(app, client, make_user):
    """A SQLite file is in write-ahead-log mode: a writer (the mail worker, an import) commits
    while a request is still reading, and the reader keeps its consistent view."""
    import sqlite3

    import pytest

    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite's journal mode")
    assert db.session.execute(text("PRAGMA journal_mode")).scalar() == "wal"
    person = make_user(first_name="Ana")
    db.session.commit()
    path = db.engine.url.database
    reader, writer = sqlite3.connect(path), sqlite3.connect(path, timeout=1)
    name = "SELECT first_name FROM users WHERE id = ?"
    try:
        reader.execute("BEGIN")
        assert reader.execute(name, (person.id,)).fetchone()[0] == "Ana"
        writer.execute("UPDATE users SET first_name = 'Béa' WHERE id = ?", (person.id,))
        writer.commit()  # in rollback-journal mode: « database is locked » after 1 s
        assert reader.execute(name, (person.id,)).fetchone()[0] == "Ana"
        reader.rollback()
        assert reader.execute(name, (person.id,)).fetchone()[0] == "Béa"
    finally:
        reader.close()
        writer.close()
    assert client.get("/healthz").status_code == 200
