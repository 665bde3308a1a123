"""The load test in a short form: gunicorn with two workers, one killed halfway, nothing lost."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


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
