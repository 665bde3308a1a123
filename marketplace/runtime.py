"""Settings of a long-running web worker (`gunicorn wsgi:app`), applied by wsgi.py.

Python's cyclic garbage collector walks every tracked object of the oldest generation when it
collects that generation. A worker holds about 150,000 of them once the app, its mappers and its
templates are loaded, and a full collection then takes about 80 ms on the benchmark machine;
pages that create many objects (the tender page's suggestions read thousands of rows) promote
enough of them to trigger one every eight requests or so, which was most of that page's p95
(docs/BENCHMARKS.md). So the objects alive at start-up are frozen (moved out of the collector's
reach: they live as long as the worker anyway) and the youngest generation is collected after
10,000 allocations instead of 700, so that a request's short-lived objects die young instead of
being promoted. Cycles are still collected.
"""

from __future__ import annotations

import gc

GEN0_THRESHOLD = 10_000


def tune_gc() -> None:
    """Freeze what start-up made and collect young objects less often."""
    gc.collect()
    gc.freeze()
    _gen0, gen1, gen2 = gc.get_threshold()
    gc.set_threshold(GEN0_THRESHOLD, gen1, gen2)
