"""The API's search answers on a kept federation, written to a file to compare two checkouts.

    PYTHONPATH=/path/to/checkout .venv/bin/python -m bench.answers --keep /tmp/fed out.json
    cmp base.json this.json

The federation benchmark's 34 searches through ``GET /api/v1/profiles`` (pages 1 and 3 of 50)
as the owner, a manager and a visitor, and four searches of collectives, tenders and offers:
every answer whole (ids, order, totals, facet counts), as sorted JSON.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from bench.profile import _client, kept_app
from bench.search_bench import QUERIES

OTHER_QUERIES = [
    "graphiste",
    "rénovation énergétique",
    "je cherche quelqu'un pour refaire ma salle de bain",
    "",
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--keep", required=True, help="the folder of a federation_bench --keep")
    parser.add_argument("--database", help="the --database that run used (default: its SQLite)")
    parser.add_argument("out", help="the JSON file to write")
    args = parser.parse_args()
    folder = Path(args.keep)
    fed = json.loads((folder / "federation.json").read_text())
    app = kept_app(folder, args.database)
    answers = []
    for who in ("owner", "manager", "anonymous"):
        client = _client(app, fed, who)
        for q, filters in QUERIES:
            params = {"q": q, **filters} if q else dict(filters)
            for page in (1, 3):
                query = {**params, "page": page, "per_page": 50}
                answer = client.get("/api/v1/profiles", query_string=query)
                answers.append([who, query, answer.status_code, answer.get_json()])
        for path in ("/api/v1/collectives", "/api/v1/tenders", "/api/v1/offers"):
            for q in OTHER_QUERIES:
                answer = client.get(path, query_string={"q": q} if q else {})
                answers.append([who, path, q, answer.status_code, answer.get_json()])
    Path(args.out).write_text(json.dumps(answers, sort_keys=True, ensure_ascii=False))
    print(f"{len(answers)} answers written to {args.out}")


if __name__ == "__main__":
    main()
