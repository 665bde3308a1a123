"""The durable outbox: e-mail is a row of the request's transaction, delivered by `flask jobs run`.

A request never talks to SMTP; the worker delivers with retries and backoff, gives up after the
last try (administrators see the message and send it again), and a worker killed during a delivery
loses nothing: another run delivers the message again, with the same Message-ID. Several workers
(real processes) deliver each message once, on SQLite and PostgreSQL.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select, update

from bench.smtpserver import SmtpServer
from marketplace.extensions import db
from marketplace.jobs.models import OutboxMessage
from marketplace.jobs.outbox import enqueue
from marketplace.timeutil import utcnow

ROOT = Path(__file__).resolve().parents[2]


def rows() -> list[OutboxMessage]:
    db.session.expire_all()
    return list(db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


def wait_for(condition, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def worker(database_url: str, tmp_path: Path, mail_url: str, *args: str, **env: str):
    """`flask jobs run …` as a separate process on the test database."""
    environment = {
        **os.environ,
        "MARKETPLACE_DATABASE_URL": database_url,
        "MARKETPLACE_INDEX_DIR": str(tmp_path / "worker-index"),
        "MARKETPLACE_SECRET_KEY": "outbox-tests",
        "MARKETPLACE_MAIL_URL": mail_url,
        **{f"MARKETPLACE_{k}": v for k, v in env.items()},
    }
    return subprocess.Popen(
        [sys.executable, "-m", "flask", "--app", "wsgi", "jobs", "run", *args],
        cwd=ROOT, env=environment, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip


def test_mail_of_a_refused_or_failed_request_leaves_no_row(app, client, outbox):
    from marketplace.mail import send_mail

    @app.post("/essai-courriel/<how>")
    def mail_then_fail(how: str):
        send_mail("ana@example.org", "Essai", "Bonjour")
        if how == "refused":
            return "non", 409
        raise RuntimeError("boom")

    assert client.post("/essai-courriel/refused").status_code == 409
    assert client.post("/essai-courriel/crash").status_code == 500
    assert rows() == []
    assert outbox() == []


def test_a_request_never_waits_on_a_mail_server_that_never_answers(app, client, make_user):
    make_user(email="ana@example.org")
    with SmtpServer(mode="stall") as smtp:
        app.config["MAIL_URL"] = smtp.url
        started = time.monotonic()
        response = client.post("/mot-de-passe-oublie", data={"email": "ana@example.org"})
        elapsed = time.monotonic() - started
        assert response.status_code == 302
        assert elapsed < 3, f"the request waited {elapsed:.1f} s"
        assert smtp.connections == 0  # the request did not even connect
        [row] = rows()
        assert (row.recipient, row.status, row.attempts) == ("ana@example.org", "queued", 0)

        smtp.mode = "ok"  # the server recovers: the worker delivers
        result = app.test_cli_runner().invoke(args=["jobs", "run", "--once"])
        assert result.exit_code == 0, result.output
        assert "1 message(s) envoyé(s)" in result.output
    [mail] = smtp.messages
    assert mail["To"] == "ana@example.org" and mail["Message-ID"] == row.message_id
    assert "/mot-de-passe/" in mail.get_content()
    [row] = rows()
    assert row.status == "sent" and row.sent_at is not None and row.attempts == 1
    assert row.body == ""  # the reset link is not kept once delivered


def test_failures_back_off_then_fail_and_an_admin_sends_again(
    app, client, login, make_user, deliver_mail
):
    admin, manager = make_user(role="admin"), make_user(role="manager")
    app.config.update(JOBS_MAIL_MAX_ATTEMPTS=3, JOBS_MAIL_RETRY_SECONDS=60)
    enqueue("ana@example.org", "Votre invitation", "Bonjour")
    db.session.commit()

    def make_due() -> None:
        db.session.execute(update(OutboxMessage).values(next_attempt_at=utcnow()))
        db.session.commit()

    with SmtpServer(mode="refuse") as smtp:
        app.config["MAIL_URL"] = smtp.url
        delays = []
        for attempt in (1, 2, 3):
            before = utcnow()
            report = deliver_mail()
            [row] = rows()
            assert row.attempts == attempt and "451" in row.last_error
            delays.append((row.next_attempt_at - before).total_seconds())
            if attempt < 3:
                assert (report.retried, row.status) == (1, "queued")
                assert deliver_mail().retried == 0  # not due yet: the backoff holds it
                make_due()
        assert row.status == "failed" and report.failed == 1
        assert 59 < delays[0] < 62 and 119 < delays[1] < 122  # 60 s, then twice as long

        login(manager)
        assert client.get("/gestion/courriels").status_code == 403
        assert client.post(f"/gestion/courriels/{row.id}/renvoyer").status_code == 403
        client.get("/deconnexion")
        login(admin)
        page = client.get("/gestion/courriels").get_data(as_text=True)
        assert "Courriels non envoyés" in page
        assert "ana@example.org" in page and "Votre invitation" in page and "451" in page
        response = client.post(f"/gestion/courriels/{row.id}/renvoyer")
        assert response.status_code == 302
        again = client.post(f"/gestion/courriels/{row.id}/renvoyer")  # already queued again
        assert again.status_code == 409

        smtp.mode = "ok"
        assert deliver_mail().sent == 1
    assert [m["To"] for m in smtp.messages] == ["ana@example.org"]
    assert rows()[0].status == "sent"
    assert "Tous les courriels ont été envoyés" in client.get("/gestion/courriels").get_data(
        as_text=True
    )


def test_a_worker_killed_during_a_delivery_loses_nothing(app, database_url, tmp_path, deliver_mail):
    enqueue("ana@example.org", "Bienvenue", "Bonjour")
    db.session.commit()
    with SmtpServer(mode="stall_after_data") as smtp:
        process = worker(database_url, tmp_path, smtp.url, "--once", JOBS_LEASE_SECONDS="5")
        try:
            wait_for(lambda: len(smtp.messages) == 1)  # the server has it, never confirms it
            process.send_signal(signal.SIGKILL)
            process.wait(timeout=10)
        finally:
            process.kill()
            process.communicate()
        [row] = rows()
        assert (row.status, row.attempts) == ("sending", 1)  # claimed by the dead worker
        smtp.mode = "ok"
        app.config["MAIL_URL"] = smtp.url
        assert deliver_mail().sent == 0  # its lease (5 s) still holds
        time.sleep(max((row.locked_until - utcnow()).total_seconds(), 0) + 0.2)
        assert deliver_mail().sent == 1
    first, second = smtp.messages
    assert first["Message-ID"] == second["Message-ID"] == row.message_id
    [row] = rows()
    assert (row.status, row.attempts) == ("sent", 2)


def test_two_worker_processes_deliver_each_message_once(app, database_url, tmp_path):
    for n in range(40):
        enqueue(f"person{n}@example.org", f"Message {n}", "Bonjour")
    db.session.commit()
    with SmtpServer() as smtp:
        smtp.delay = 0.1  # each delivery takes a while: the two workers overlap
        processes = [worker(database_url, tmp_path, smtp.url, "--once") for _ in range(2)]
        for process in processes:
            _out, err = process.communicate(timeout=120)
            assert process.returncode == 0, err[-2000:]
    recipients = sorted(m["To"] for m in smtp.messages)
    assert recipients == sorted(f"person{n}@example.org" for n in range(40))
    assert len({m["Message-ID"] for m in smtp.messages}) == 40
    done = rows()
    assert {r.status for r in done} == {"sent"} and {r.attempts for r in done} == {1}
    assert len({r.claimed_by for r in done}) == 2  # both workers took part


def _niceness(pid: int) -> int:
    # /proc/PID/stat: the 19th field, after the command name in parentheses.
    return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[16])


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc")
@pytest.mark.parametrize(("setting", "lower"), [(None, 10), ("0", 0), ("3", 3)])
def test_the_worker_runs_below_the_web_servers_priority(
    app, database_url, tmp_path, setting, lower
):
    env = {"JOBS_POLL_SECONDS": "0.2", **({} if setting is None else {"JOBS_NICE": setting})}
    with SmtpServer() as smtp:
        process = worker(database_url, tmp_path, smtp.url, **env)
        try:
            time.sleep(0.5)
            enqueue("ana@example.org", "Bienvenue", "Bonjour")
            db.session.commit()
            wait_for(lambda: len(smtp.messages) == 1)  # the worker is at work
            assert _niceness(process.pid) == min(_niceness(os.getpid()) + lower, 19)
            process.send_signal(signal.SIGTERM)
            process.communicate(timeout=20)
        finally:
            process.kill()
    assert process.returncode == 0


def test_the_worker_loop_delivers_and_stops_cleanly_on_sigterm(app, database_url, tmp_path):
    with SmtpServer() as smtp:
        process = worker(database_url, tmp_path, smtp.url, JOBS_POLL_SECONDS="0.2")
        try:
            time.sleep(0.5)
            enqueue("ana@example.org", "Bienvenue", "Bonjour")
            db.session.commit()
            wait_for(lambda: len(smtp.messages) == 1)
            process.send_signal(signal.SIGTERM)
            process.communicate(timeout=20)
        finally:
            process.kill()
        assert process.returncode == 0
    assert db.session.scalar(select(func.count()).where(OutboxMessage.status == "sent")) == 1
