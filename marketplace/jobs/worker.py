"""The background worker: delivers what the outbox holds, with retries and backoff.

`run_once()` drains what is due and returns; `run_forever()` polls until asked to stop (SIGTERM or
SIGINT finish the message in hand, then exit). Several workers may run at once, on one machine or
several: each message is claimed by one of them (marketplace/jobs/outbox.py).
"""

from __future__ import annotations

import logging
import os
import socket
import threading
from collections.abc import Callable
from dataclasses import dataclass, field

from flask import Flask

from marketplace.extensions import db
from marketplace.jobs import outbox
from marketplace.mail import build_message, deliver

log = logging.getLogger(__name__)

#: Work of the domains that the worker runs on each pass before the mail (e.g. the alerts'
#: matching): each task takes the app and returns how many things it handled.
TASKS: list[Callable[[Flask], int]] = []


def register_task(task: Callable[[Flask], int]) -> None:
    """Run ``task(app)`` on each pass of the worker (a domain registers it when the app is
    built, so that the ground floor imports no domain)."""
    if task not in TASKS:
        TASKS.append(task)


def run_tasks(app: Flask) -> int:
    handled = 0
    for task in TASKS:
        try:
            handled += task(app)
        except Exception:  # a domain's failure is logged and retried on the next pass
            db.session.rollback()
            log.exception("Worker task %s failed", getattr(task, "__name__", task))
    return handled


@dataclass
class Report:
    sent: int = 0
    retried: int = 0
    failed: int = 0
    lost_lease: int = 0
    errors: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        text = (
            f"{self.sent} message(s) envoyé(s), {self.retried} à réessayer, {self.failed} en échec"
        )
        if self.lost_lease:
            text += f", {self.lost_lease} repris par un autre processus"
        return text + "."


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"[:100]


def deliver_one(app: Flask, name: str, report: Report) -> bool:
    """Claim and deliver one due message; False when nothing is due."""
    config = app.config
    message = outbox.claim(name, float(config["JOBS_LEASE_SECONDS"]))
    if message is None:
        return False
    try:
        deliver(build_message(message, config["MAIL_FROM"]), config)
    except Exception as error:  # any failure of the transport is retried, never fatal
        text = f"{type(error).__name__}: {error}"
        status = outbox.mark_failed_attempt(
            message,
            name,
            text,
            int(config["JOBS_MAIL_MAX_ATTEMPTS"]),
            float(config["JOBS_MAIL_RETRY_SECONDS"]),
        )
        log.warning("Mail %s to %s not sent (%s): %s", message.id, message.recipient, status, text)
        report.errors.append(text)
        if status == "failed":
            report.failed += 1
        else:
            report.retried += 1
        return True
    if outbox.mark_sent(message, name):
        report.sent += 1
    else:
        report.lost_lease += 1
    return True


def run_once(app: Flask, stop: threading.Event | None = None, name: str | None = None) -> Report:
    """Deliver every message that is due now, then return."""
    report = Report()
    name = name or worker_name()
    run_tasks(app)
    while not (stop and stop.is_set()) and deliver_one(app, name, report):
        pass
    return report


def run_forever(app: Flask, stop: threading.Event) -> None:
    """Poll the outbox until stop is set."""
    name = worker_name()
    poll = float(app.config["JOBS_POLL_SECONDS"])
    log.info("Worker %s started", name)
    while not stop.is_set():
        try:
            report = run_once(app, stop, name)
            if report.sent or report.retried or report.failed:
                log.info("Outbox: %s", report)
        except Exception:  # a database outage: log, wait, try again
            log.exception("Outbox run failed")
        db.session.remove()  # hand the connection back between polls
        stop.wait(poll)
    log.info("Worker %s stopped", name)
