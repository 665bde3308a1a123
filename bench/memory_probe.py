"""Memory of one web worker on the federation benchmark's data, in process.

    .venv/bin/python -m bench.memory_probe --keep /tmp/fed100k
    .venv/bin/python -m bench.memory_probe --keep /tmp/fed100k --rounds 3 --top 15

Serves, through the Flask test client, what ``bench.backtoback`` asks of a gunicorn worker: the
tender page as its owner, then the federation benchmark's 34 searches (``--rounds`` times), the
same searches through the API, and the main pages. Prints the resident memory (VmRSS) after
each step (and its anonymous and file-backed parts) and what the search engine's per-segment
cache holds (entries and bytes by kind);
with ``--top N`` the N places that allocated the most live memory (tracemalloc, slower).
"""

from __future__ import annotations

import argparse
import ctypes
import json
import sys
import time
from collections import Counter
from pathlib import Path

from bench.profile import _client, kept_app
from bench.search_bench import QUERIES


def rss_mb(field: str = "VmRSS") -> float:
    """Resident memory in MB: VmRSS, or its RssAnon (the heap) or RssFile (mapped files: the
    libraries and the index's segment files, pages shared with every process mapping them)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return 0.0


def memory() -> str:
    return f"{rss_mb():.0f} | {rss_mb('RssAnon'):.0f} | {rss_mb('RssFile'):.0f}"


def deep_size(value, seen: set[int] | None = None) -> int:
    """Bytes of a cached value: containers and the numbers they hold (shared objects once)."""
    seen = set() if seen is None else seen
    if id(value) in seen:
        return 0
    seen.add(id(value))
    size = sys.getsizeof(value)
    if isinstance(value, dict):
        size += sum(deep_size(k, seen) + deep_size(v, seen) for k, v in value.items())
    elif isinstance(value, (list, tuple, set, frozenset)):
        size += sum(deep_size(v, seen) for v in value)
    return size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--keep", required=True, help="the folder of a federation_bench --keep")
    parser.add_argument("--database", help="the --database that run used (default: its SQLite)")
    parser.add_argument("--rounds", type=int, default=2, help="times the searches are run")
    parser.add_argument("--top", type=int, default=0, help="tracemalloc's top allocation places")
    args = parser.parse_args()
    if args.top:
        import tracemalloc

        tracemalloc.start(8)

    from marketplace.search.indexer import get_indexer

    folder = Path(args.keep)
    fed = json.loads((folder / "federation.json").read_text())
    app = kept_app(folder, args.database)
    client = _client(app, fed, "owner")
    print("| step | RSS (MB) | anonymous | files | seconds |\n|---|---:|---:|---:|---:|")
    print(f"| start | {memory()} | |")

    def step(name: str, paths: list[tuple[str, dict]]) -> None:
        started = time.perf_counter()
        for path, params in paths:
            status = client.get(path, query_string=params).status_code
            if status != 200:
                raise SystemExit(f"{path} {params}: HTTP {status}")
        print(f"| {name} | {memory()} | {time.perf_counter() - started:.1f} |")

    searches = [{"q": q, **f} if q else dict(f) for q, f in QUERIES]
    step("tender page ×44", [(f"/appels-d-offres/{fed['tender_id']}", {})] * 44)
    for n in range(args.rounds):
        step(f"34 searches, round {n + 1}", [("/recherche", s) for s in searches])
    step("34 API searches", [("/api/v1/profiles", s) for s in searches])
    pages = ["/", "/profils", "/collectifs", "/appels-d-offres", "/offres", "/messages"]
    step("main pages ×5", [(p, {}) for p in pages] * 5)

    ctypes.CDLL("libc.so.6").malloc_trim(0)
    print(f"| malloc_trim(0) | {memory()} | |")

    cache = get_indexer(app).segments
    kinds: Counter = Counter()
    sizes: Counter = Counter()
    seen: set[int] = set()
    for key, (value, _size) in list(cache._items.items()):
        kinds[key[0]] += 1
        sizes[key[0]] += deep_size(value, seen)
    print(f"\nsegment cache: {len(cache._items)} entries, budget {cache.budget}, held {cache.size}")
    for kind, count in kinds.most_common():
        print(f"- {kind}: {count} entries, {sizes[kind] / 1e6:.1f} MB")
    if args.top:
        import tracemalloc

        snapshot = tracemalloc.take_snapshot()
        print(f"\ntracemalloc: {sum(s.size for s in snapshot.statistics('filename')) / 1e6:.0f} MB")
        for stat in snapshot.statistics("lineno")[: args.top]:
            print(f"- {stat.size / 1e6:.1f} MB {stat.traceback}")


if __name__ == "__main__":
    main()
