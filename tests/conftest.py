"""Fixtures: an app per test on a shared, emptied database; factories that return callables.

SQLite (a file in a temporary folder) by default; PostgreSQL when
MARKETPLACE_TEST_DATABASE_URL is set (the schema is dropped and created once per run).

The suite runs in parallel (pytest-xdist, `make test`): each worker has its own database (its
own SQLite file, or `<database>_gw0`, `<database>_gw1`... created next to the given PostgreSQL
database) and its own temporary folders (indexes, mail); servers the tests start listen on free
ports. A test file runs whole on one worker (`--dist loadfile`): a module-scoped world is
built once.
"""

from __future__ import annotations

import contextvars
import itertools
import os
import re
from pathlib import Path

import pytest
import querycount
from flask import Flask, has_app_context
from flask.testing import FlaskClient
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import close_all_sessions

from marketplace import create_app
from marketplace.actors import SYSTEM
from marketplace.extensions import db

PASSWORD = "Abeilles-Coop-2026"
_counter = itertools.count(1)


def _worker_database(url: str) -> str:
    """The PostgreSQL database of this xdist worker: `<database>_<worker>`, created if missing."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if not worker:
        return url
    given = make_url(url)
    name = f"{given.database}_{worker}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            found = conn.scalar(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name})
            if not found:
                conn.execute(text(f'CREATE DATABASE "{name}"'))
    finally:
        admin.dispose()
    return given.set(database=name).render_as_string(hide_password=False)


class OwnContextClient(FlaskClient):
    """A test client whose requests run as a server's do: each in an app context (and so a
    database session) of its own, never in the context a test holds for its direct database work.

    A test's objects are expired after each request, so that it reads what the request wrote.
    """

    def open(self, *args, **kwargs):
        response = contextvars.Context().run(super().open, *args, **kwargs)
        if has_app_context():
            db.session.expire_all()
        return response


@pytest.fixture(scope="session", autouse=True)
def requests_in_their_own_context():
    """Every app of the suite gets OwnContextClient as its test client."""
    previous = Flask.test_client_class
    Flask.test_client_class = OwnContextClient
    yield
    Flask.test_client_class = previous


@pytest.fixture(scope="session")
def database_url(tmp_path_factory) -> str:
    url = os.environ.get("MARKETPLACE_TEST_DATABASE_URL")
    if url:
        url = _worker_database(url)
    else:  # the temporary folders are per worker under xdist
        url = "sqlite:///" + str(tmp_path_factory.mktemp("db") / "test.sqlite3")
    folder = tmp_path_factory.mktemp("schema")
    app = create_app(
        {
            "TESTING": True,
            "DATABASE_URL": url,
            "SECRET_KEY": "schema",
            "INDEX_DIR": str(folder / "index"),
            "MAIL_DIR": str(folder / "mail"),
            "MEDIA_DIR": str(folder / "media"),
        }
    )
    with app.app_context():
        import marketplace.models  # noqa: F401

        db.drop_all()
        if db.engine.dialect.name == "postgresql":
            with db.engine.begin() as conn:
                conn.execute(text("DROP TABLE IF EXISTS alembic_version"))
        db.create_all()
        db.engine.dispose()
    return url


def _empty_tables() -> None:
    tables = [t.name for t in reversed(db.metadata.sorted_tables)]
    with db.engine.begin() as conn:
        if db.engine.dialect.name == "postgresql":
            conn.execute(text("SET LOCAL lock_timeout = '60s'"))  # fail, never hang
            conn.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
        else:
            for name in tables:
                conn.execute(text(f"DELETE FROM {name}"))  # noqa: S608


@pytest.fixture
def app_config(database_url, tmp_path) -> dict:
    return {
        "TESTING": True,
        "DATABASE_URL": database_url,
        "SECRET_KEY": "test-secret-key-not-for-production",
        "WTF_CSRF_ENABLED": False,
        "RATELIMIT_ENABLED": False,
        "MAIL_DIR": str(tmp_path / "mail"),
        "INDEX_DIR": str(tmp_path / "index"),
        "MEDIA_DIR": str(tmp_path / "media"),
        "SERVER_NAME": "localhost",
        "BASE_URL": "http://localhost",  # every absolute link (mails, API url fields)
        # Cheap hashing keeps the suite fast; production uses scrypt (tested in test_passwords).
        "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
    }


@pytest.fixture
def app(app_config):
    app = create_app(app_config)
    with app.app_context():
        yield app
        db.session.remove()
        # A session a test's request or context left open would hold its transaction, and on
        # PostgreSQL TRUNCATE would wait for it: every session of the process ends here.
        close_all_sessions()
        _empty_tables()
        db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def count_queries(app):
    """with count_queries() as seen: ... → seen.count statements were sent, seen their SQL."""
    return querycount.count_queries


@pytest.fixture
def make_cae(app):
    from marketplace.caes.models import Cae

    def make(name: str | None = None, department: str = "69", city: str = "Lyon", **kw) -> Cae:
        cae = Cae(name=name or f"CAE {next(_counter)}", department=department, city=city, **kw)
        db.session.add(cae)
        db.session.commit()
        return cae

    return make


@pytest.fixture
def make_user(app, make_cae):
    """make_user(cae=..., role='member', verified=True, **profile_fields) → committed User."""
    from marketplace.accounts.operations import create_account
    from marketplace.profiles.operations import update_profile

    def make(
        cae=None,
        *,
        role: str = "member",
        verified: bool = True,
        email: str | None = None,
        first_name: str = "Camille",
        last_name: str | None = None,
        password: str | None = PASSWORD,
        status: str = "employee",
        **profile,
    ):
        n = next(_counter)
        if cae is None and role != "admin":
            cae = make_cae()
        user = create_account(
            SYSTEM,
            email=email or f"person{n}@example.org",
            first_name=first_name,
            last_name=last_name or f"Martin{n}",
            cae=cae,
            status=status,
            password=password,
            role=role,
            verified=verified,
        )
        if profile:
            update_profile(SYSTEM, user.profile, profile)
        db.session.commit()
        return user

    return make


@pytest.fixture
def login(client):
    """login(user) signs the test client in through the sign-in form."""

    def do_login(user, password: str = PASSWORD, the_client=None):
        c = the_client or client
        response = c.post(
            "/connexion", data={"email": user.email, "password": password}, follow_redirects=False
        )
        assert response.status_code == 302, response.get_data(as_text=True)[:2000]
        return c

    return do_login


@pytest.fixture
def api_token(app):
    """api_token(user) → a clear personal token for the Authorization header."""
    from marketplace.accounts.operations import create_api_token

    def make(user) -> str:
        _token, clear = create_api_token(SYSTEM, user, "tests")
        db.session.commit()
        return clear

    return make


@pytest.fixture
def deliver_mail(app):
    """deliver_mail() runs the background worker once (`flask jobs run --once`): its report."""
    from marketplace.jobs.worker import run_once

    def run():
        with app.app_context():  # a session of its own, as the worker process has
            return run_once(app)

    return run


@pytest.fixture
def outbox(app_config, deliver_mail):
    """The messages the worker delivered to the mail folder, oldest first, as (to, subject, body).

    Each call first runs the worker once, as `flask jobs run` would after the request.
    """
    from email import message_from_bytes, policy

    def read() -> list[tuple[str, str, str]]:
        deliver_mail()
        folder = Path(app_config["MAIL_DIR"])
        if not folder.exists():
            return []
        result = []
        for path in sorted(folder.glob("*.eml")):
            msg = message_from_bytes(path.read_bytes(), policy=policy.default)
            result.append((msg["To"], msg["Subject"], msg.get_content()))
        return result

    return read


def links_in(body: str) -> list[str]:
    return re.findall(r"https?://\S+", body)
