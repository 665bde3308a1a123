"""The load test in a short form: a killed gunicorn worker loses nothing; a silent mail server
slows no request and loses no e-mail."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.skipif(
    not Path(sys.executable).with_name("gunicorn").exists(), reason="gunicorn is not installed"
)
def test_a_short_load_with_a_killed_worker_loses_nothing():
    result = subprocess.run(
        [sys.executable, "-m", "bench.load", "--seconds", "4", "--workers", "2",
         "--clients", "3", "--kill-one"],
        capture_output=True, text=True, timeout=180, cwd=ROOT,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    report = json.loads(result.stdout[result.stdout.index("{") :])
    assert report["acknowledged_writes"] > 0 and report["reads"] > 0
    assert report["missing_in_database"] == 0 and report["missing_in_index"] == 0
    assert report["killed_worker"] is not None
    assert report["errors"] <= report["clients"]


@pytest.mark.skipif(
    not Path(sys.executable).with_name("gunicorn").exists(), reason="gunicorn is not installed"
)
def test_a_short_load_with_a_silent_mail_server_delivers_every_mail_afterwards():
    result = subprocess.run(
        [sys.executable, "-m", "bench.load", "--seconds", "4", "--workers", "2",
         "--clients", "2", "--smtp", "stall", "--drain-timeout", "60"],
        capture_output=True, text=True, timeout=240, cwd=ROOT,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    report = json.loads(result.stdout[result.stdout.index("{") :])
    assert report["errors"] == 0 and report["mails_acknowledged"] > 0
    assert report["mails_delivered"] == report["mails_acknowledged"]
    assert report["mail_duplicates"] == 0 and report["outbox"] == {
        "sent": report["mails_delivered"]
    }
