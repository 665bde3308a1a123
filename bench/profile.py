"""Profile one page of the federation benchmark's data, in process (Flask test client).

    .venv/bin/python -m bench.profile --keep /tmp/fed /collectifs
    .venv/bin/python -m bench.profile --keep /tmp/fed --as owner "/appels-d-offres/{tender}"
    .venv/bin/python -m bench.profile --keep /tmp/fed --database postgresql+psycopg://… \\
        --as manager "/caes/{cae}/chiffres" --html /tmp/figures.html

Reads the data that `python -m bench.federation_bench --keep DIR` left (DIR/federation.json gives
the ids put in place of {tender}, {collective}, {offer}, {profile}, {cae}, {thread} and
{photo}, the version of the profile's photo). Prints the median
and p95 of `--rounds` requests, the SQL statements of one request (count and time), then a
pyinstrument profile of all the rounds (pyinstrument: `pip install pyinstrument`, a dev tool).
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from pathlib import Path

from sqlalchemy import event

from bench.search_bench import percentile


def _client(app, fed: dict, who: str):
    from marketplace.accounts.models import User
    from marketplace.extensions import db

    client = app.test_client()
    user_id = {"owner": fed["owner_id"], "manager": fed["manager_id"]}.get(who)
    if user_id is not None:
        with app.app_context():
            session_id = db.session.get(User, user_id).get_id()
        with client.session_transaction() as session:
            session["_user_id"] = session_id
            session["_fresh"] = True
    return client


def kept_app(folder: Path, database: str | None):
    """The application on the data and index a `federation_bench --keep` run left in folder."""
    from marketplace import create_app

    return create_app({
        "DATABASE_URL": database or "sqlite:///" + str(folder / "bench.sqlite3"),
        "INDEX_DIR": str(folder / "index"), "MAIL_DIR": str(folder / "mail"),
        "MEDIA_DIR": str(folder / "media"), "SECRET_KEY": "bench-secret-key",
        "RATELIMIT_ENABLED": False,
    })  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("paths", nargs="+", metavar="path",
                        help="e.g. /recherche?q=plombier or /appels-d-offres/{tender}; "
                             "with several, each round requests each of them")  # fmt: skip
    parser.add_argument("--keep", required=True, help="the folder of a federation_bench --keep")
    parser.add_argument("--database", help="the --database that run used (default: its SQLite)")
    parser.add_argument("--as", dest="who", default="anonymous",
                        choices=("anonymous", "owner", "manager"))  # fmt: skip
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--html", help="write pyinstrument's HTML report here")
    parser.add_argument("--no-profile", action="store_true", help="timings and SQL only")
    args = parser.parse_args()

    from marketplace.extensions import db

    folder = Path(args.keep)
    fed = json.loads((folder / "federation.json").read_text())
    paths = [
        path.format(tender=fed["tender_id"], collective=fed["collective_id"],
                    offer=fed["offer_id"], profile=fed["public_profile_id"], cae=fed["cae_id"],
                    thread=fed.get("thread_id"), photo=fed.get("photo_version"))
        for path in args.paths
    ]  # fmt: skip
    app = kept_app(folder, args.database)
    client = _client(app, fed, args.who)
    for _ in range(3):  # warm caches, as a long-running worker is
        for path in paths:
            status = client.get(path).status_code
            if status != 200:
                raise SystemExit(f"{path}: HTTP {status}")

    statements: list[tuple[float, str]] = []

    def before(conn, cursor, statement, parameters, context, executemany):
        conn.info["started"] = time.perf_counter()

    def after(conn, cursor, statement, parameters, context, executemany):
        statements.append((time.perf_counter() - conn.info["started"], statement))

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", before)
    event.listen(engine, "after_cursor_execute", after)
    path = paths[0]
    started = time.perf_counter()
    client.get(path)
    one = time.perf_counter() - started
    event.remove(engine, "before_cursor_execute", before)
    event.remove(engine, "after_cursor_execute", after)
    sql = sum(seconds for seconds, _ in statements)
    print(f"{path} as {args.who}: one request {one * 1000:.1f} ms, "
          f"{len(statements)} SQL statements taking {sql * 1000:.1f} ms")  # fmt: skip
    for seconds, statement in sorted(statements, reverse=True)[:5]:
        print(f"  {seconds * 1000:7.1f} ms  {' '.join(statement.split())[:160]}")

    values = []
    profiler = None
    if not args.no_profile:
        from pyinstrument import Profiler

        profiler = Profiler(interval=0.0005)
        profiler.start()
    for _ in range(args.rounds):
        for path in paths:
            started = time.perf_counter()
            client.get(path)
            values.append((time.perf_counter() - started) * 1000)
    if profiler is not None:
        profiler.stop()
    print(f"{len(values)} requests: median {statistics.median(values):.1f} ms, "
          f"p95 {percentile(values, 95):.1f} ms")  # fmt: skip
    if profiler is not None:
        print(profiler.output_text(unicode=True, color=False, show_all=False))
        if args.html:
            Path(args.html).write_text(profiler.output_html())


if __name__ == "__main__":
    main()
