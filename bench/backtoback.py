"""Two checkouts served alternately on the same kept data: latency of pages and worker memory.

    .venv/bin/python -m bench.backtoback --keep /tmp/fed --base /tmp/base --runs 2

Each run serves the --base folder's code then this one's, each with ``gunicorn --workers 2``
(bench/httpserver.py, ``root``) on the data and index that ``federation_bench --keep`` left;
it times ``--rounds`` requests of each page after 4 warm-ups (the tender page as its owner by
default), then runs the federation benchmark's 34 search queries twice and reads each worker's
memory from /proc/PID/smaps_rollup: RSS (shared pages counted whole), PSS (shared pages
divided among their processes) and USS (private pages only). Prints Markdown, with the load
average before each block. The base folder needs no environment of its own (this project's
.venv runs both): e.g. ``git archive main | tar -x -C /tmp/base`` and its compiled catalog.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from pathlib import Path

from bench.federation_bench import load
from bench.search_bench import QUERIES, percentile

ROOT = Path(__file__).resolve().parent.parent


def _owner_cookie(settings: dict, owner_id: int) -> dict[str, str]:
    from marketplace import create_app
    from marketplace.accounts.models import User
    from marketplace.extensions import db

    app = create_app({**settings, "RATELIMIT_ENABLED": False})
    with app.app_context():
        user = db.session.get(User, owner_id)
        serializer = app.session_interface.get_signing_serializer(app)
        signed = serializer.dumps({"_user_id": user.get_id(), "_fresh": True})
        db.session.remove()
        db.engine.dispose()
    return {"Cookie": f"{app.config['SESSION_COOKIE_NAME']}={signed}"}


def main() -> None:
    from bench.httpserver import request, serve

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--keep", required=True)
    parser.add_argument("--base", required=True, help="the other checkout's folder")
    parser.add_argument("--database", help="the --database of the kept run (default: SQLite)")
    parser.add_argument("--rounds", type=int, default=40)
    parser.add_argument("--runs", type=int, default=2)
    parser.add_argument("paths", nargs="*", default=["/appels-d-offres/{tender}"])
    args = parser.parse_args()

    folder = Path(args.keep)
    fed = json.loads((folder / "federation.json").read_text())
    settings = {
        "DATABASE_URL": args.database or "sqlite:///" + str(folder / "bench.sqlite3"),
        "INDEX_DIR": str(folder / "index"),
        "SECRET_KEY": "bench-secret-key",
        "MAIL_DIR": str(folder / "mail"),
    }
    headers = _owner_cookie(settings, fed["owner_id"])
    env = {f"MARKETPLACE_{k}": str(v) for k, v in settings.items()}
    env["MARKETPLACE_RATELIMIT_ENABLED"] = "0"
    paths = [p.format(tender=fed["tender_id"], cae=fed["cae_id"]) for p in args.paths]
    searches = [{"q": q, **f} if q else dict(f) for q, f in QUERIES]
    trees = [("base", Path(args.base).resolve()), ("this", ROOT)]
    print("| code, run | page | median (ms) | p95 (ms) | load before | RSS / PSS / USS (MB) |")
    print("|---|---|---:|---:|---|---|")
    for run in range(1, args.runs + 1):
        for name, root in trees:
            before = load()
            with serve(env, workers=2, root=root) as server:
                rows = []
                for path in paths:
                    for _ in range(4):
                        request(server.base, path, None, headers)
                    values = []
                    for _ in range(args.rounds):
                        started = time.perf_counter()
                        status, _body = request(server.base, path, None, headers)
                        values.append((time.perf_counter() - started) * 1000)
                        if status != 200:
                            raise SystemExit(f"{name}: {path}: HTTP {status}")
                    rows.append((path, statistics.median(values), percentile(values, 95)))
                for params in searches * 2:
                    request(server.base, "/recherche", params, headers)
                memory = server.worker_memory_mb()
            sizes = ", ".join(f"{m['rss']:.0f} / {m['pss']:.0f} / {m['uss']:.0f}" for m in memory)
            for path, median, p95 in rows:
                cells = f"{name}, {run} | `{path}` | {median:.1f} | {p95:.1f} | {before}"
                print(f"| {cells} | {sizes} |")


if __name__ == "__main__":
    main()
