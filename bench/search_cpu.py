"""CPU time of searches in process on a kept federation: to compare two checkouts on a busy
machine (thread CPU time, not wall time, so other processes weigh little).

    PYTHONPATH=/path/to/checkout .venv/bin/python -m bench.search_cpu --keep /tmp/fed

``search_profiles`` as a visitor for the federation benchmark's 34 queries and the search
benchmark's 10 sentences, ``--rounds`` times: the first round (cold caches) summed and its
p95, then the other rounds' median and p95, and the sentences' own.
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from bench.profile import kept_app
from bench.search_bench import QUERIES, SENTENCES, percentile


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--keep", required=True, help="the folder of a federation_bench --keep")
    parser.add_argument("--database", help="the --database that run used (default: its SQLite)")
    parser.add_argument("--rounds", type=int, default=8)
    args = parser.parse_args()
    from marketplace.accounts.models import Anonymous
    from marketplace.profiles.finder import search_profiles

    app = kept_app(Path(args.keep), args.database)
    cold: list[float] = []
    warm: list[float] = []
    sentences: list[float] = []
    with app.app_context():
        for n in range(args.rounds):
            for q in [q for q, _filters in QUERIES] + SENTENCES:
                started = time.thread_time()
                search_profiles(Anonymous(), q)
                spent = (time.thread_time() - started) * 1000
                (warm if n else cold).append(spent)
                if n and q in SENTENCES:
                    sentences.append(spent)
    print(
        f"first round {sum(cold):.0f} ms (p95 {percentile(cold, 95):.1f}); then median "
        f"{statistics.median(warm):.1f}, p95 {percentile(warm, 95):.1f} ms; sentences median "
        f"{statistics.median(sentences):.1f}, p95 {percentile(sentences, 95):.1f} ms (CPU)"
    )


if __name__ == "__main__":
    main()
