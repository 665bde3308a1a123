"""The change log and the index that follows it: same transaction, idempotent sync, crashes,
out-of-order commits, a busy index, several processes, lazy creation and the commands."""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from sqlalchemy import func, insert, select, update

from marketplace.accounts.models import Anonymous
from marketplace.actors import SYSTEM
from marketplace.extensions import db
from marketplace.profiles.finder import search_profiles
from marketplace.profiles.models import Profile
from marketplace.profiles.operations import update_profile
from marketplace.search import register_search_cli
from marketplace.search.changelog import SearchChange
from marketplace.search.indexer import LOCK_FILE, Indexer, get_indexer

ROOT = Path(__file__).resolve().parents[2]


def found(q: str, viewer=None) -> list[int]:
    return [h.profile.id for h in search_profiles(viewer or Anonymous(), q, per_page=100).items]


def changes() -> list[tuple[str, int]]:
    return [
        (c.doc_type, c.doc_id)
        for c in db.session.scalars(select(SearchChange).order_by(SearchChange.id))
    ]


@pytest.fixture
def cli(app):
    if "search" not in app.cli.commands:
        register_search_cli(app)
    runner = app.test_cli_runner()
    return lambda *args: runner.invoke(args=["search", *args])


@pytest.fixture
def public_user(make_user):
    return make_user(audience="public", headline="Tapissière", password=None)


def test_change_rows_are_written_in_the_same_transaction(public_user):
    profile = public_user.profile
    before = len(changes())
    update_profile(SYSTEM, profile, {"headline": "Tapissière d'ameublement"})
    assert changes()[before:] == [("profile", profile.id)]  # flushed, not committed
    db.session.rollback()
    assert len(changes()) == before  # the rollback took the change row with it
    assert found("ameublement") == []


def test_each_watched_model_logs_its_profile(public_user, make_user):
    profile = public_user.profile
    start = len(changes())
    update_profile(SYSTEM, profile, {"skills": [{"name": "Tapisserie", "level": 3}]})
    db.session.commit()
    assert set(changes()[start:]) == {("profile", profile.id)}

    start = len(changes())
    public_user.last_name = "Garnier"
    db.session.commit()
    assert changes()[start:] == [("profile", profile.id)]

    start = len(changes())
    public_user.locale = "en"  # not searchable: nothing to re-index
    public_user.last_login_at = None
    db.session.commit()
    assert changes()[start:] == []

    other = make_user(headline="Sellier", audience="public", password=None)
    assert ("profile", other.profile.id) in changes()


def test_deleted_profile_leaves_the_index(public_user):
    profile_id = public_user.profile.id
    assert found("tapissiere") == [profile_id]
    db.session.delete(public_user.profile)
    db.session.commit()
    assert ("profile", profile_id) in changes()
    indexer = get_indexer()
    assert indexer.searcher().document(key=f"profile:{profile_id}") is None
    assert found("tapissiere") == []


def test_sync_is_idempotent(public_user, make_user):
    indexer = get_indexer()
    make_user(headline="Tapissier", audience="public", password=None)
    assert indexer.sync().changes == 0  # already applied after each commit
    count = indexer.searcher().doc_count()
    first = found("tapissier")
    state = indexer.read_state()
    indexer.write_state(dict(state, hwm=0, gaps={}))  # forget everything: replay the whole log
    report = indexer.sync()
    assert report.changes == len(changes()) > 0
    assert indexer.searcher().doc_count() == count
    assert found("tapissier") == first


def test_killed_indexing_step_is_caught_up_by_sync(app, public_user, cli, monkeypatch):
    indexer = get_indexer()
    indexer.sync_on_search = False  # only the after-commit step would index

    def killed(self):
        raise RuntimeError("the process died between the commit and the index update")

    monkeypatch.setattr(Indexer, "sync_after_commit", killed)
    update_profile(SYSTEM, public_user.profile, {"headline": "Luthière"})
    db.session.commit()  # the commit succeeds; the indexing step fails
    assert db.session.get(Profile, public_user.profile.id).headline == "Luthière"
    assert found("luthiere") == []

    result = cli("sync")
    assert result.exit_code == 0, result.output
    assert "1 changement(s) appliqué(s)" in result.output
    assert found("luthiere") == [public_user.profile.id]


def test_a_late_commit_with_a_lower_id_is_not_lost(public_user, make_user):
    """Ids of concurrent transactions commit out of order: the gap is re-read later."""
    indexer = get_indexer()
    late = make_user(headline="Doreuse", audience="public", password=None).profile
    hwm = indexer.read_state()["hwm"]
    profiles = Profile.__table__
    # A transaction that took id hwm+1 is still running while hwm+2 commits...
    db.session.execute(
        update(profiles)
        .where(profiles.c.id == public_user.profile.id)
        .values(headline="Vitrailliste")
    )
    db.session.execute(
        insert(SearchChange.__table__).values(
            id=hwm + 2, doc_type="profile", doc_id=public_user.profile.id
        )
    )
    db.session.commit()
    indexer.sync()
    assert indexer.read_state()["hwm"] == hwm + 2
    assert hwm + 1 in indexer.read_state()["gaps"]
    assert found("vitrailliste") == [public_user.profile.id]
    # ...then commits: its change is found in the gap, below the high-water mark.
    db.session.execute(
        update(profiles).where(profiles.c.id == late.id).values(headline="Émailleuse")
    )
    db.session.execute(
        insert(SearchChange.__table__).values(id=hwm + 1, doc_type="profile", doc_id=late.id)
    )
    db.session.commit()
    assert found("emailleuse") == [late.id]
    assert hwm + 1 not in indexer.read_state()["gaps"]


def test_gaps_expire(public_user):
    indexer = get_indexer()
    state = indexer.read_state()
    indexer.write_state(dict(state, gaps={state["hwm"] + 7: 0.0, state["hwm"] + 8: 9e99}))
    indexer.sync()
    assert indexer.read_state()["gaps"] == {state["hwm"] + 8: 9e99}  # the old one expired


def test_a_busy_index_never_reaches_the_user(app, public_user, make_user):
    indexer = get_indexer()
    indexer.commit_timeout = 0.05
    fd = os.open(indexer.path / LOCK_FILE, os.O_RDWR | os.O_CREAT)
    fcntl.flock(fd, fcntl.LOCK_EX)  # another process is writing
    try:
        other = make_user(headline="Chapelière", audience="public", password=None)
        assert found("chapeliere") == []  # not yet: the change waits in the log
        assert found("tapissiere") == [public_user.profile.id]  # searching still works
        assert indexer.has_pending()
    finally:
        os.close(fd)
    assert found("chapeliere") == [other.profile.id]  # the next sync catches up


def test_index_created_lazily_from_the_database(app, public_user):
    indexer = get_indexer()
    indexer.searcher()
    shutil.rmtree(indexer.path)
    indexer._local.searcher = None
    assert found("tapissiere") == [public_user.profile.id]
    assert indexer.exists()


def test_schema_change_rebuilds(public_user):
    indexer = get_indexer()
    state = indexer.read_state()
    (indexer.path / "essaim-sync.json").write_text(json.dumps(dict(state, version="old", gaps={})))
    assert indexer.sync().rebuilt
    assert found("tapissiere") == [public_user.profile.id]


def test_rebuild_command_with_progress_bar(public_user, make_user, cli):
    make_user(headline="Relieuse", audience="public", password=None)
    result = cli("rebuild")
    assert result.exit_code == 0, result.output
    assert "2 document(s) indexé(s)" in result.output
    assert "Indexation" in result.output
    assert found("relieuse")


def test_prune_command(public_user, cli):
    assert cli("prune", "--days", "1").output.startswith("0 ligne(s) du journal")
    assert db.session.scalar(select(func.count(SearchChange.id))) > 0


WORKER = textwrap.dedent(
    """
    import json, logging, sys
    sys.path.insert(0, sys.argv[1])
    from marketplace import create_app
    from marketplace.extensions import db

    import os, time
    config, tag, ids = json.loads(sys.argv[2]), sys.argv[3], json.loads(sys.argv[4])
    folder = sys.argv[5]
    problems = []

    class Collect(logging.Handler):
        def emit(self, record):
            if record.levelno >= logging.WARNING:
                problems.append(record.getMessage())

    logging.getLogger("marketplace").addHandler(Collect())
    app = create_app(config)
    with app.app_context():
        from marketplace.actors import SYSTEM
        from marketplace.profiles.models import Profile
        from marketplace.profiles.operations import update_profile
        open(os.path.join(folder, "ready-" + tag), "w").close()
        while not os.path.exists(os.path.join(folder, "go")):  # start together
            time.sleep(0.005)
        for i, profile_id in enumerate(ids):
            profile = db.session.get(Profile, profile_id)
            update_profile(SYSTEM, profile, {"headline": f"Motclef{tag}x{i}z parallele"})
            db.session.commit()
    print(json.dumps(problems))
    sys.exit(1 if problems else 0)
    """
)


def test_two_processes_writing_at_once(app_config, make_user, tmp_path):
    people = [make_user(audience="public", password=None).profile.id for _ in range(24)]
    script = tmp_path / "worker.py"
    script.write_text(WORKER)
    # A short lock timeout after commits: the processes often find the index busy and must
    # leave their changes in the log for a later sync.
    config = json.dumps({**app_config, "SEARCH_COMMIT_TIMEOUT": 0.01})
    workers = [
        subprocess.Popen(
            [sys.executable, str(script), str(ROOT), config, tag, json.dumps(ids), str(tmp_path)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for tag, ids in (("a", people[:12]), ("b", people[12:]))
    ]
    deadline = time.monotonic() + 120
    while not all((tmp_path / f"ready-{t}").exists() for t in "ab"):
        assert time.monotonic() < deadline and all(w.poll() is None for w in workers)
        time.sleep(0.01)
    (tmp_path / "go").touch()
    for worker in workers:
        out, err = worker.communicate(timeout=180)
        assert worker.returncode == 0, (out, err)
        assert "Traceback" not in err and "LockError" not in err, err
    # Every change of both processes is searchable (the search syncs what is left).
    for tag, ids in (("a", people[:12]), ("b", people[12:])):
        for i, profile_id in enumerate(ids):
            assert found(f"motclef{tag}x{i}z") == [profile_id]
    assert get_indexer().sync().changes == 0
    assert len(found("parallele")) == 24
