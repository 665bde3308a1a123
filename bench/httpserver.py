"""A real HTTP server for benchmarks: gunicorn on loopback, and a client that times requests.

    with serve(env, workers=2) as server:
        values = time_requests(server.base, "/api/v1/profiles", [("q", "plombier"), ...])

The server is the production one (``gunicorn wsgi:app``) started from the project folder with the
given MARKETPLACE_* environment; the client opens a new connection per request (gunicorn's sync
workers close it after each answer) so the figures include connecting, parsing and the whole
Flask stack.
"""

from __future__ import annotations

import http.client
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent


@dataclass
class Server:
    host: str
    port: int
    process: subprocess.Popen

    @property
    def base(self) -> tuple[str, int]:
        return self.host, self.port

    def worker_pids(self) -> list[int]:
        try:
            children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
            return [int(p) for p in children.read_text().split()]
        except OSError:
            return []

    def worker_memory_mb(self) -> list[dict[str, float]]:
        """Per worker, from /proc/PID/smaps_rollup (MB): ``rss`` (resident, shared pages
        counted whole), ``pss`` (shared pages divided among the processes that map them) and
        ``uss`` (private pages only: what stopping the worker would give back)."""
        found = []
        for pid in self.worker_pids():
            try:
                text = Path(f"/proc/{pid}/smaps_rollup").read_text()
            except OSError:
                continue
            kb = {}
            for line in text.splitlines()[1:]:
                name, _sep, rest = line.partition(":")
                if rest.strip().endswith("kB"):
                    kb[name] = int(rest.split()[0])
            found.append({
                "rss": kb.get("Rss", 0) / 1024,
                "pss": kb.get("Pss", 0) / 1024,
                "uss": (kb.get("Private_Clean", 0) + kb.get("Private_Dirty", 0)) / 1024,
            })  # fmt: skip
        return found

    def worker_rss_mb(self) -> list[float]:
        """Resident memory of each worker (MB), read from /proc."""
        sizes = []
        for pid in self.worker_pids():
            try:
                for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                    if line.startswith("VmRSS:"):
                        sizes.append(int(line.split()[1]) / 1024)
            except OSError:
                continue
        return sizes


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def serve(
    env: dict[str, str],
    workers: int = 2,
    app: str = "wsgi:app",
    ready: str = "/api/v1/caes",
    root: Path = ROOT,
) -> Iterator[Server]:
    """Run gunicorn with these MARKETPLACE_* variables until the block ends (``ready`` answers);
    ``root``: the project folder whose code it serves (another checkout to compare with)."""
    port = free_port()
    gunicorn = str(Path(sys.executable).with_name("gunicorn"))
    command = [gunicorn, "--workers", str(workers), "--bind", f"127.0.0.1:{port}",
               "--log-level", "warning", "--timeout", "120", app]  # fmt: skip
    env = {**os.environ, **env, "PYTHONPATH": str(root)}
    process = subprocess.Popen(command, cwd=root, env=env)
    server = Server("127.0.0.1", port, process)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                status, _body = request(server.base, ready)
                if status == 200:
                    break
            except OSError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("gunicorn did not start")
            time.sleep(0.2)
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()


def request(
    base: tuple[str, int], path: str, params: dict | None = None, headers: dict | None = None
) -> tuple[int, bytes]:
    connection = http.client.HTTPConnection(*base, timeout=60)
    try:
        target = path + ("?" + urlencode(params) if params else "")
        connection.request("GET", target, headers={"Accept-Language": "fr", **(headers or {})})
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def time_requests(
    base: tuple[str, int], path: str, queries: list[tuple[str, dict]], rounds: int
) -> list[float]:
    """Milliseconds of each request of the query list, run ``rounds`` times."""
    values = []
    for _ in range(rounds):
        for q, filters in queries:
            params = {"q": q, **filters} if q else dict(filters)
            started = time.perf_counter()
            status, _body = request(base, path, params)
            values.append((time.perf_counter() - started) * 1000)
            if status not in (200, 422):
                raise RuntimeError(f"{path} {params}: HTTP {status}")
    return values
