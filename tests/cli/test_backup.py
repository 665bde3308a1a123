"""flask backup create / restore: a round trip on SQLite; a clear refusal on PostgreSQL."""

from __future__ import annotations

from sqlalchemy import select

from marketplace import create_app
from marketplace.caes.models import Cae
from marketplace.extensions import db


def sqlite_app(tmp_path):
    app = create_app({
        "TESTING": True, "SECRET_KEY": "x", "INDEX_DIR": str(tmp_path / "index"),
        "DATABASE_URL": "sqlite:///" + str(tmp_path / "live.sqlite3"),
    })  # fmt: skip
    with app.app_context():
        db.create_all()
    return app


def names() -> list[str]:
    return list(db.session.scalars(select(Cae.name).order_by(Cae.name)))


def test_backup_and_restore_round_trip(tmp_path):
    app = sqlite_app(tmp_path)
    runner = app.test_cli_runner()
    with app.app_context():
        db.session.add_all([Cae(name="Coop Avant", department="69", city="Lyon")])
        db.session.commit()
        result = runner.invoke(args=["backup", "create", str(tmp_path / "copy.sqlite3")])
        assert result.exit_code == 0, result.output
        assert "copy.sqlite3" in result.output
        again = runner.invoke(args=["backup", "create", str(tmp_path / "copy.sqlite3")])
        assert again.exit_code == 1 and "existe déjà" in again.output
        db.session.add(Cae(name="Coop Après", department="44", city="Nantes"))
        db.session.commit()
        assert names() == ["Coop Après", "Coop Avant"]
        result = runner.invoke(args=["backup", "restore", str(tmp_path / "copy.sqlite3")])
        assert result.exit_code == 0, result.output
        assert "search rebuild" in result.output
        assert names() == ["Coop Avant"]
        rebuilt = runner.invoke(args=["search", "rebuild"])
        assert rebuilt.exit_code == 0, rebuilt.output
        db.session.remove()
        db.engine.dispose()


def test_backup_without_a_path_goes_to_the_instance_folder(tmp_path):
    app = sqlite_app(tmp_path)
    with app.app_context():
        result = app.test_cli_runner().invoke(args=["backup", "create"])
        assert result.exit_code == 0, result.output
        assert "backups/essaim-" in result.output
        db.engine.dispose()


def test_restore_refuses_a_file_that_is_not_a_backup(tmp_path):
    app = sqlite_app(tmp_path)
    junk = tmp_path / "junk.sqlite3"
    junk.write_bytes(b"not a database at all" * 100)
    with app.app_context():
        db.session.add(Cae(name="Coop Intacte", department="69", city="Lyon"))
        db.session.commit()
        runner = app.test_cli_runner()
        for path in (junk, tmp_path / "missing.sqlite3"):
            result = runner.invoke(args=["backup", "restore", str(path)])
            assert result.exit_code == 1 and "Erreur" in result.output, result.output
        assert names() == ["Coop Intacte"]
        db.engine.dispose()


def test_postgresql_is_refused_with_the_pg_dump_commands(tmp_path):
    app = create_app({
        "TESTING": True, "SECRET_KEY": "x", "INDEX_DIR": str(tmp_path / "index"),
        "DATABASE_URL": "postgresql+psycopg://nobody@127.0.0.1:1/none",
    })  # fmt: skip
    with app.app_context():
        for args in (["backup", "create"], ["backup", "restore", "x.dump"]):
            result = app.test_cli_runner().invoke(args=args)
            assert result.exit_code == 1
            assert "pg_dump" in result.output and "pg_restore" in result.output
