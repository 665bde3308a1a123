"""simplemma's French dictionary factories compared: memory, lemmas and known words a second.

    .venv/bin/python -m bench.lemma_bench            # each factory in its own process

For each factory (default dict, MARISA trie, front-coded stream), in a fresh process: the
resident memory the loaded dictionary adds (after malloc_trim), the lemmas a second and the
known-word checks a second on a broad word list (every fifth word of the dictionary, 10 %
capitalised, 10 % with a letter added), uncached; and a digest of the answers, equal for all.
"""

from __future__ import annotations

import ctypes
import hashlib
import subprocess
import sys
import time
from pathlib import Path

FACTORIES = ["default", "trie", "stream"]


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def words() -> list[str]:
    from simplemma.strategies.dictionaries.dictionary_factory import _load_dictionary_from_disk

    keys = [key.decode() for key in _load_dictionary_from_disk("fr")][::5]
    return keys + [w.capitalize() for w in keys[::10]] + [w + "x" for w in keys[::10]]


def measure(name: str) -> None:
    from simplemma import Lemmatizer
    from simplemma.strategies import DefaultStrategy, DictionaryLookupStrategy
    from simplemma.strategies.dictionaries import (
        DefaultDictionaryFactory,
        StreamDictionaryFactory,
        TrieDictionaryFactory,
    )

    listed = words()
    trim = ctypes.CDLL("libc.so.6").malloc_trim
    trim(0)
    before = rss_mb()
    factory = {
        "default": DefaultDictionaryFactory,
        "trie": TrieDictionaryFactory,
        "stream": StreamDictionaryFactory,
    }[name]()
    lemmatizer = Lemmatizer(
        cache_max_size=0, lemmatization_strategy=DefaultStrategy(dictionary_factory=factory)
    )
    lemmatizer.lemmatize("maisons", "fr")
    trim(0)
    added = rss_mb() - before
    started = time.perf_counter()
    lemmas = [lemmatizer.lemmatize(w, "fr") for w in listed]
    lemma_rate = len(listed) / (time.perf_counter() - started)
    lookup = DictionaryLookupStrategy(factory)
    started = time.perf_counter()
    known = [lookup.get_lemma(w, "fr") is not None for w in listed]
    known_rate = len(listed) / (time.perf_counter() - started)
    digest = hashlib.sha256("\n".join(lemmas).encode() + bytes(known)).hexdigest()[:12]
    print(f"| {name} | +{added:.1f} | {lemma_rate:,.0f} | {known_rate:,.0f} | {digest} |")


def main() -> None:
    if len(sys.argv) > 1:
        measure(sys.argv[1])
        return
    print(
        "| factory | memory (MB) | lemmas/s | known words/s | answers |\n|---|---:|---:|---:|---|"
    )
    for name in FACTORIES:
        subprocess.run([sys.executable, "-m", "bench.lemma_bench", name], check=True)


if __name__ == "__main__":
    main()
