"""The product under gunicorn with several worker processes on the test database, and a client
that sends the same request many times at once (the race tests of test_races.py).

The server uses the database of the test run (the SQLite file, or the PostgreSQL database of
MARKETPLACE_TEST_DATABASE_URL): what a test writes through its fixtures, the workers read.
"""

from __future__ import annotations

import http.client
import json
import os
import re
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
GUNICORN = Path(sys.executable).with_name("gunicorn")


@dataclass
class Answer:
    status: int
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class RaceServer:
    port: int
    process: subprocess.Popen

    def request(
        self,
        method: str,
        path: str,
        *,
        body: Any = None,
        form: dict[str, str] | None = None,
        headers: dict[str, str] | None = None,
    ) -> Answer:
        sent = {"Accept-Language": "fr", **(headers or {})}
        payload = None
        if body is not None:
            payload = json.dumps(body).encode()
            sent["Content-Type"] = "application/json"
        elif form is not None:
            payload = urlencode(form).encode()
            sent["Content-Type"] = "application/x-www-form-urlencoded"
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=90)
        try:
            connection.request(method, path, body=payload, headers=sent)
            response = connection.getresponse()
            return Answer(response.status, response.read(), dict(response.getheaders()))
        finally:
            connection.close()

    def at_once(self, calls: list[dict[str, Any]]) -> list[Answer]:
        """Send every call at the same moment (one thread and connection each); the answers in
        the order of the calls."""
        answers: list[Answer | None] = [None] * len(calls)
        start = threading.Barrier(len(calls), timeout=30)

        def send(i: int) -> None:
            call = dict(calls[i])
            method, path = call.pop("method"), call.pop("path")
            start.wait()
            answers[i] = self.request(method, path, **call)

        threads = [threading.Thread(target=send, args=(i,)) for i in range(len(calls))]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(120)
        assert all(a is not None for a in answers), "a request did not come back"
        return answers  # type: ignore[return-value]

    def browser_session(self, email: str, password: str) -> dict[str, str]:
        """Sign in through the form as a browser would; the Cookie header of the session."""
        page = self.request("GET", "/connexion")
        cookie = _cookie(page)
        signed = self.request(
            "POST",
            "/connexion",
            form={"email": email, "password": password, "csrf_token": csrf_token(page)},
            headers={"Cookie": cookie},
        )
        assert signed.status == 302, signed.body[:500]
        return {"Cookie": _cookie(signed) or cookie}


def csrf_token(page: Answer) -> str:
    found = re.search(rb'name="csrf_token"[^>]*value="([^"]+)"', page.body)
    assert found, "no CSRF token in the page"
    return found.group(1).decode()


def _cookie(answer: Answer) -> str:
    raw = answer.headers.get("Set-Cookie", "")
    return raw.split(";", 1)[0]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start(database_url: str, folder: Path, workers: int = 3) -> RaceServer:
    """gunicorn with ``workers`` processes on this database, answering once it is ready."""
    port = _free_port()
    env = {
        **os.environ,
        "MARKETPLACE_DATABASE_URL": database_url,
        "MARKETPLACE_INDEX_DIR": str(folder / "index"),
        "MARKETPLACE_SECRET_KEY": "race-tests-secret",
        "MARKETPLACE_RATELIMIT_ENABLED": "0",
        "MARKETPLACE_ENV": "development",
        "RACE_MAIL_DIR": str(folder / "mail"),
    }
    command = [str(GUNICORN), "--workers", str(workers), "--bind", f"127.0.0.1:{port}",
               "--log-level", "warning", "--timeout", "90", "--pythonpath", str(ROOT / "tests"),
               "race_app:app"]  # fmt: skip
    process = subprocess.Popen(command, cwd=ROOT, env=env)
    server = RaceServer(port, process)
    deadline = time.monotonic() + 60
    while True:
        try:
            if server.request("GET", "/api/v1/caes").status == 200:
                return server
        except OSError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            stop(server)
            raise RuntimeError("gunicorn did not start")
        time.sleep(0.2)


def stop(server: RaceServer) -> None:
    server.process.terminate()
    try:
        server.process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        server.process.kill()
        server.process.wait()
