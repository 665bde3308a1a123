"""This node's Whoosh index: creation, rebuild, and the sync that follows the change log.

The database is the source of truth; the index folder (INDEX_DIR) is a projection of it that
remembers how far it followed ``search_changes`` in a small JSON file written atomically:
``hwm`` (the highest change id applied) and ``gaps`` (ids below it not seen yet: a concurrent
transaction took the id but had not committed; they are re-read at every sync until they show
up or expire after SEARCH_GAP_TTL seconds). Applying a change re-reads the current row, so
applying twice is harmless.

Writers (sync and rebuild) take a file lock in the index folder, so that several worker
processes can share one folder; when it is busy a sync gives up quietly and leaves the changes
for the next one: they stay in the database, nothing is lost.
"""

from __future__ import annotations

import fcntl
import json
import logging
import os
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flask import Flask, current_app, has_app_context, has_request_context, request
from sqlalchemy import func, or_, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session
from whoosh import index as whoosh_index
from whoosh import scoring, writing
from whoosh.searching import Searcher

from marketplace.extensions import db
from marketplace.search import documents, mapped
from marketplace.search.changes import SearchChange
from marketplace.search.engine import SegmentCache

mapped.install()

log = logging.getLogger(__name__)

STATE_FILE = "essaim-sync.json"
LOCK_FILE = "essaim-sync.lock"
BATCH = 2000  # change rows applied per index commit
LOAD_BATCH = 500  # rows loaded per query
MAX_GAPS = 5000
REBUILD_WINDOW = 1000  # after a rebuild, ids missing among the last ones are watched as gaps
TERMS_CACHE = 2000  # expansions kept per thread (short lists of words)
PARALLEL_REBUILD = 10_000  # rows from which a rebuild analyses text in two processes


class IndexBusy(Exception):
    """Another process or thread is writing to the index."""


@dataclass
class SyncReport:
    changes: int = 0
    documents: int = 0
    rebuilt: bool = False
    busy: bool = False


def weighting() -> scoring.WeightingModel:
    # Words are weighted by where they are written (see profile_document): a higher K1 keeps
    # those weights apart (less saturation); a mild B so that a long bio is not punished much.
    return scoring.BM25F(B=0.5, K1=2.0)


class Indexer:
    def __init__(
        self,
        index_dir: str,
        engine: Engine,
        *,
        gap_ttl: float = 600.0,
        commit_timeout: float = 2.0,
        sync_on_search: bool = True,
        cache_bytes: int = 24 * 1024 * 1024,
    ):
        self.path = Path(index_dir)
        self.engine = engine
        self.gap_ttl = gap_ttl
        self.commit_timeout = commit_timeout
        self.sync_on_search = sync_on_search
        self._mutex = threading.Lock()
        self._local = threading.local()
        #: Per-segment data of searches (postings, visible sets…), shared by threads.
        self.segments = SegmentCache(cache_bytes)

    # State and lock -----------------------------------------------------------------------

    def read_state(self) -> dict[str, Any] | None:
        try:
            state = json.loads((self.path / STATE_FILE).read_text())
        except (OSError, ValueError):
            return None
        if not isinstance(state, dict) or state.get("version") != documents.schema_version():
            return None
        state["gaps"] = {int(k): float(v) for k, v in (state.get("gaps") or {}).items()}
        state["hwm"] = int(state.get("hwm") or 0)
        return state

    def write_state(self, state: dict[str, Any]) -> None:
        data = dict(state, gaps={str(k): v for k, v in state["gaps"].items()})
        tmp = self.path / f".{STATE_FILE}.{os.getpid()}.{threading.get_ident()}.tmp"
        with open(tmp, "w", encoding="utf-8") as fh:
            json.dump(data, fh)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, self.path / STATE_FILE)

    @contextmanager
    def locked(self, timeout: float) -> Iterator[None]:
        """Hold the index's write lock (threads and processes), or raise IndexBusy."""
        deadline = time.monotonic() + max(timeout, 0.0)
        if timeout > 0:
            acquired = self._mutex.acquire(timeout=timeout)
        else:
            acquired = self._mutex.acquire(blocking=False)
        if not acquired:
            raise IndexBusy
        try:
            self.path.mkdir(parents=True, exist_ok=True)
            fd = os.open(self.path / LOCK_FILE, os.O_RDWR | os.O_CREAT, 0o644)
            try:
                while True:
                    try:
                        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                        break
                    except BlockingIOError:
                        if time.monotonic() >= deadline:
                            raise IndexBusy from None
                        time.sleep(0.02)
                yield
            finally:
                os.close(fd)  # releases the lock
        finally:
            self._mutex.release()

    # Index ---------------------------------------------------------------------------------

    def _open(self) -> whoosh_index.Index | None:
        """The index if it exists and matches the current schema, else None."""
        if self.read_state() is None:
            return None
        try:
            if not whoosh_index.exists_in(str(self.path)):
                return None
            return whoosh_index.open_dir(str(self.path))
        except Exception:  # unreadable or half-created: treat as absent
            log.warning("search index at %s cannot be opened", self.path, exc_info=True)
            return None

    def exists(self) -> bool:
        return self._open() is not None

    def rebuild(self, progress: Callable[[int], None] | None = None, timeout: float = 60.0) -> int:
        """Re-index every document from the database; returns how many were indexed."""
        with self.locked(timeout):
            return self._rebuild_locked(progress)

    def total_rows(self) -> int:
        with Session(self.engine) as session:
            return sum(t.count(session) for t in documents.all_types())

    def _rebuild_locked(self, progress: Callable[[int], None] | None = None) -> int:
        started = time.time()
        with self.engine.connect() as conn:
            hwm = conn.scalar(select(func.max(SearchChange.id))) or 0
            recent = set(
                conn.scalars(select(SearchChange.id).where(SearchChange.id > hwm - REBUILD_WINDOW))
            )
        ix = self._open()
        if ix is None:
            self.path.mkdir(parents=True, exist_ok=True)
            ix = whoosh_index.create_in(str(self.path), documents.schema())
        options: dict[str, Any] = {"timeout": 10.0, "limitmb": 128}
        if (os.cpu_count() or 1) > 1 and self.total_rows() > PARALLEL_REBUILD:
            options.update(procs=2, multisegment=True)  # analysis in two processes
        writer = ix.writer(**options)
        count = 0
        try:
            with Session(self.engine) as session:
                for doc_type in documents.all_types():
                    after = 0
                    while ids := doc_type.all_ids(session, after, LOAD_BATCH):
                        rows = doc_type.load(session, ids)
                        for doc_id in ids:
                            doc = doc_type.build(doc_id, rows.get(doc_id))
                            if doc is not None:
                                writer.add_document(**doc)
                                count += 1
                        after = ids[-1]
                        session.expunge_all()
                        if progress:
                            progress(len(ids))
            writer.commit(mergetype=writing.CLEAR)
        except BaseException:
            writer.cancel()
            raise
        gaps = {i: started for i in range(max(1, hwm - REBUILD_WINDOW + 1), hwm + 1)}
        for i in recent:
            gaps.pop(i, None)
        self.write_state({"version": documents.schema_version(), "hwm": hwm, "gaps": gaps})
        return count

    # Sync ----------------------------------------------------------------------------------

    def _pending(self, conn, state: dict[str, Any], limit: int) -> list:
        gaps = sorted(state["gaps"])
        condition = SearchChange.id > state["hwm"]
        if gaps:
            condition = or_(condition, SearchChange.id.in_(gaps))
        stmt = (
            select(SearchChange.id, SearchChange.doc_type, SearchChange.doc_id)
            .where(condition)
            .order_by(SearchChange.id)
            .limit(limit)
        )
        return list(conn.execute(stmt))

    def has_pending(self) -> bool:
        """Cheap check (no lock): does the log hold changes this index has not applied?"""
        state = self.read_state()
        if state is None:
            return True
        with self.engine.connect() as conn:
            return bool(self._pending(conn, state, 1))

    def sync(self, timeout: float = 10.0) -> SyncReport:
        """Apply the change log to the index (creating it if absent). Never loses a change:
        on IndexBusy the changes stay in the log for the next sync."""
        report = SyncReport()
        with self.locked(timeout):
            ix = self._open()
            if ix is None:
                report.documents = self._rebuild_locked()
                report.rebuilt = True
                return report
            state = self.read_state() or {"hwm": 0, "gaps": {}}
            while True:
                with self.engine.connect() as conn:
                    rows = self._pending(conn, state, BATCH)
                if rows:
                    report.documents += self._apply(ix, rows)
                    report.changes += len(rows)
                new_state = self._advance(state, rows)
                if new_state != state:
                    self.write_state(new_state)
                state = new_state
                if len(rows) < BATCH:
                    return report

    def _advance(self, state: dict[str, Any], rows: list) -> dict[str, Any]:
        now = time.time()
        seen = {row.id for row in rows}
        gaps = {i: t for i, t in state["gaps"].items() if i not in seen}
        hwm = state["hwm"]
        top = max(seen, default=hwm)
        if top > hwm:
            low = max(hwm + 1, top - MAX_GAPS)
            gaps.update((i, now) for i in range(low, top) if i not in seen)
            hwm = top
        gaps = {i: t for i, t in gaps.items() if now - t < self.gap_ttl}
        if len(gaps) > MAX_GAPS:
            gaps = dict(sorted(gaps.items())[-MAX_GAPS:])
        return {"version": documents.schema_version(), "hwm": hwm, "gaps": gaps}

    def _apply(self, ix: whoosh_index.Index, rows: list) -> int:
        wanted: dict[str, set[int]] = {}
        for row in rows:
            wanted.setdefault(row.doc_type, set()).add(int(row.doc_id))
        writer = ix.writer(timeout=10.0)
        done = 0
        try:
            with Session(self.engine) as session:
                for type_name, ids in wanted.items():
                    try:
                        doc_type = documents.get(type_name)
                    except KeyError:
                        log.warning("search change of unknown document type %r", type_name)
                        continue
                    ordered = sorted(ids)
                    for start in range(0, len(ordered), LOAD_BATCH):
                        chunk = ordered[start : start + LOAD_BATCH]
                        loaded = doc_type.load(session, chunk)
                        for doc_id in chunk:
                            doc = doc_type.build(doc_id, loaded.get(doc_id))
                            if doc is None:
                                writer.delete_by_term("key", doc_type.key(doc_id))
                            else:
                                writer.update_document(**doc)
                            done += 1
                        session.expunge_all()
            writer.commit()
        except BaseException:
            writer.cancel()
            raise
        return done

    def sync_after_commit(self) -> None:
        """Called once a transaction that logged changes has committed; never raises."""
        try:
            self.sync(timeout=self.commit_timeout)
        except IndexBusy:
            log.info("search index busy: changes left for the next sync")
        except Exception:
            log.exception("search index sync failed: changes left for the next sync")

    def ensure_fresh(self) -> None:
        """Before a search: apply pending changes if the index is free; never raises. Once per
        request: a page that searches several document types checks the log once."""
        if not self.sync_on_search:
            return
        if has_request_context():  # the request, not g: tests reuse one app context
            if request.environ.get("essaim.search_fresh"):
                return
            request.environ["essaim.search_fresh"] = True
        try:
            if self.has_pending():
                self.sync(timeout=0)
        except IndexBusy:
            pass
        except Exception:
            log.exception("search index sync before a search failed")

    # Searching -----------------------------------------------------------------------------

    def searcher(self) -> Searcher | None:
        """This thread's searcher on the latest committed index, or None without an index."""
        local = self._local
        current = getattr(local, "searcher", None)
        try:
            if current is not None and current.up_to_date():
                return current
            # Not Searcher.refresh(): it reuses segment readers whose deletions are stale.
            ix = self._open()
            fresh = ix.searcher(weighting=weighting()) if ix is not None else None
        except Exception:
            log.warning("search index cannot be read", exc_info=True)
            fresh = None
        if current is not None:
            current.close()
        local.searcher = fresh
        local.cache = {}
        local.terms = OrderedDict()
        return fresh

    def cached(self, key: Any, compute: Callable[[], Any]) -> Any:
        """A value computed once per index version and thread (e.g. a filter's doc set)."""
        cache: dict | None = getattr(self._local, "cache", None)
        if cache is None:
            cache = self._local.cache = {}
        if key not in cache:
            if len(cache) >= 16:  # entries can be long lists (the "no query" listing)
                cache.pop(next(iter(cache)))
            cache[key] = compute()
        return cache[key]

    def cached_terms(self, key: Any, compute: Callable[[], list[str]]) -> list[str]:
        """Dictionary expansions (typos, prefixes) of a field and word, kept per index version
        and thread: every document type shares the text fields, so a page that searches
        profiles, collectives, tenders and offers expands each word once, not four times."""
        terms: OrderedDict | None = getattr(self._local, "terms", None)
        if terms is None:
            terms = self._local.terms = OrderedDict()
        if key in terms:
            terms.move_to_end(key)
            return terms[key]
        value = terms[key] = compute()
        if len(terms) > TERMS_CACHE:
            terms.popitem(last=False)
        return value


def get_indexer(app: Flask | None = None) -> Indexer:
    """The indexer of this application (one per app and index folder)."""
    app = app or current_app._get_current_object()  # type: ignore[attr-defined]
    indexer = app.extensions.get("essaim_search")
    if indexer is None:
        if has_app_context() and current_app._get_current_object() is app:  # type: ignore[attr-defined]
            engine = db.engine
        else:
            with app.app_context():
                engine = db.engine
        indexer = Indexer(
            app.config["INDEX_DIR"],
            engine,
            gap_ttl=float(app.config.get("SEARCH_GAP_TTL", 600)),
            commit_timeout=float(app.config.get("SEARCH_COMMIT_TIMEOUT", 2.0)),
            sync_on_search=bool(app.config.get("SEARCH_SYNC_ON_SEARCH", True)),
            cache_bytes=int(app.config["SEARCH_CACHE_MB"]) * 1024 * 1024,
        )
        app.extensions["essaim_search"] = indexer
    return indexer
