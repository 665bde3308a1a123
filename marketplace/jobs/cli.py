"""`flask jobs run [--once]`: the one background worker."""

from __future__ import annotations

import os
import signal
import sys
import threading

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy.exc import SQLAlchemyError

from marketplace.jobs.worker import run_forever, run_once

jobs_cli = AppGroup("jobs", help="The background worker: delivers queued e-mail, with retries.")


@jobs_cli.command("run")
@click.option("--once", is_flag=True, help="Deliver what is due now, then exit.")
def run_command(once: bool) -> None:
    """Deliver queued e-mail; without --once, keep polling until SIGTERM or SIGINT."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    lower = int(app.config["JOBS_NICE"])
    if lower > 0 and hasattr(os, "nice"):
        os.nice(lower)  # the requests served beside it come first
    stop = threading.Event()

    def request_stop(_signum, _frame) -> None:
        stop.set()

    previous = {sig: signal.signal(sig, request_stop) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        if once:
            click.echo(str(run_once(app, stop)))
        else:
            run_forever(app, stop)
    except SQLAlchemyError as error:
        orig = getattr(error, "orig", None)
        text = str(orig if orig else error).splitlines()[0]
        click.echo(f"Erreur : base de données indisponible ({text}).", err=True)
        sys.exit(1)
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
