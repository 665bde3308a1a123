"""The e-mail part of bench/load.py (``--smtp ok|stall``): password resets under load, a local SMTP
server that answers or never answers, the background worker beside gunicorn, and the count of
what the server finally received.

With ``stall`` the server accepts connections and says nothing while the load runs; the requests
must answer as fast as with ``ok`` (no request talks to SMTP). Then the server recovers and every
acknowledged reset must arrive, once per message (duplicates are counted by Message-ID).
"""

from __future__ import annotations

import http.client
import os
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import urlencode

from bench.httpserver import ROOT
from bench.smtpserver import SmtpServer

#: The worker's settings for the run: a short SMTP timeout and quick retries, so that a minute-long
#: benchmark shows the recovery (production keeps 15 s and retries from 10 minutes on).
WORKER_ENV = {"MARKETPLACE_MAIL_TIMEOUT": "5", "MARKETPLACE_JOBS_MAIL_RETRY_SECONDS": "2",
              "MARKETPLACE_JOBS_POLL_SECONDS": "0.5"}  # fmt: skip

_TOKEN = re.compile(rb'name="csrf_token"[^>]*value="([^"]+)"')


class ResetClient:
    """One browser-like client: a session cookie and its CSRF token, then reset requests."""

    def __init__(self, base: tuple[str, int], email: str):
        self.base, self.email = base, email
        connection = http.client.HTTPConnection(*base, timeout=30)
        try:
            connection.request("GET", "/mot-de-passe-oublie", headers={"Accept-Language": "fr"})
            response = connection.getresponse()
            page = response.read()
            self.cookie = (response.getheader("Set-Cookie") or "").split(";", 1)[0]
        finally:
            connection.close()
        found = _TOKEN.search(page)
        self.token = found.group(1).decode() if found else ""

    def reset(self) -> int:
        """POST the form; 302 means the mail is saved in the outbox."""
        connection = http.client.HTTPConnection(*self.base, timeout=60)
        try:
            body = urlencode({"csrf_token": self.token, "email": self.email})
            connection.request("POST", "/mot-de-passe-oublie", body=body, headers={
                "Content-Type": "application/x-www-form-urlencoded", "Cookie": self.cookie,
                "Accept-Language": "fr",
            })  # fmt: skip
            response = connection.getresponse()
            response.read()
            return response.status
        finally:
            connection.close()


@contextmanager
def mail_side(mode: str, env: dict[str, str]) -> Iterator[tuple[SmtpServer, dict[str, str]]]:
    """The SMTP server in this mode and the environment that points the site at it."""
    with SmtpServer(mode=mode) as smtp:
        yield smtp, {**env, "MARKETPLACE_MAIL_URL": smtp.url, **WORKER_ENV}


@contextmanager
def worker(env: dict[str, str]) -> Iterator[subprocess.Popen]:
    """`flask jobs run` beside gunicorn, stopped with SIGTERM at the end."""
    process = subprocess.Popen(
        [sys.executable, "-m", "flask", "--app", "wsgi", "jobs", "run"],
        cwd=ROOT, env={**os.environ, **env},
    )  # fmt: skip
    try:
        yield process
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def drain(smtp: SmtpServer, expected: int, timeout: float) -> dict[str, float | int]:
    """Let the server recover; wait until it holds `expected` distinct messages (or time out)."""
    smtp.mode = "ok"
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        with smtp.lock:
            unique = len({m["Message-ID"] for m in smtp.messages})
        if unique >= expected:
            break
        time.sleep(0.2)
    with smtp.lock:
        ids = [m["Message-ID"] for m in smtp.messages]
    return {"mails_delivered": len(set(ids)), "mail_duplicates": len(ids) - len(set(ids)),
            "drain_seconds": round(time.monotonic() - started, 1)}  # fmt: skip


def outbox_statuses(database_url: str, index_dir: str) -> dict[str, int]:
    from sqlalchemy import func, select

    from marketplace import create_app
    from marketplace.extensions import db
    from marketplace.jobs.models import OutboxMessage

    app = create_app({"DATABASE_URL": database_url, "INDEX_DIR": index_dir,
                      "SECRET_KEY": "load-test"})  # fmt: skip
    with app.app_context():
        rows = db.session.execute(
            select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)
        ).all()
        db.engine.dispose()
    return {status: count for status, count in rows}
