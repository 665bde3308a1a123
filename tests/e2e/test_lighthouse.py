"""Lighthouse (npm `lighthouse`, installed by `npm ci`) on the main pages as each role, at
desktop and phone width: accessibility at least 95 on every one.

Lighthouse drives its own headless Chromium (CHROME_PATH) against the live server; a signed-in
role passes the session cookie of a browser context that signed in (--extra-headers). The
scores are printed (`pytest -s`) for docs/BENCHMARKS.md. Each run starts a browser, so the list
stays short while covering every role and both widths.
"""

from __future__ import annotations

import json
import os
import subprocess

import pytest
from e2e_helpers import ADMIN, CHROMIUM, MANAGER, MEMBER, ROOT, VIEWPORTS

pytestmark = pytest.mark.e2e

LIGHTHOUSE = ROOT / "node_modules" / ".bin" / "lighthouse"
MINIMUM = 95

#: role → the pages it is measured on (ids filled from demo_ids).
PAGES = {
    "anonymous": ["/", "/recherche?q=renovation", "/offres", "/appels-d-offres"],
    "member": ["/profils/{profile}", "/messages", "/offres"],
    "manager": ["/gestion"],
    "admin": ["/gestion"],
}
EMAILS = {"member": MEMBER, "manager": MANAGER, "admin": ADMIN}


def _cookie_header(contexts, email: str) -> str:
    watched = contexts()
    page = watched.sign_in(email)
    page.close()
    cookies = watched.context.cookies()
    return "; ".join(f"{c['name']}={c['value']}" for c in cookies)


def _lighthouse(url: str, viewport: str, cookie: str | None) -> tuple[dict[str, int], list[str]]:
    """The page's scores (0-100) and the accessibility audits it does not pass fully."""
    size = VIEWPORTS[viewport]
    phone = viewport == "phone"
    command = [
        str(LIGHTHOUSE),
        url,
        "--output=json",
        "--output-path=stdout",
        "--quiet",
        "--only-categories=accessibility,performance",
        f"--form-factor={'mobile' if phone else 'desktop'}",
        f"--screenEmulation.mobile={'true' if phone else 'false'}",
        f"--screenEmulation.width={size['width']}",
        f"--screenEmulation.height={size['height']}",
        f"--screenEmulation.deviceScaleFactor={2 if phone else 1}",
        # The server is on loopback on a shared machine: measure as it is, without simulated
        # throttling, so the performance score reflects the pages, not a guessed network.
        "--throttling-method=provided",
        "--locale=fr",
        "--chrome-flags=--headless=new --no-sandbox --disable-gpu",
    ]
    if cookie:
        command.append("--extra-headers=" + json.dumps({"Cookie": cookie}))
    done = subprocess.run(
        command,
        capture_output=True,
        text=True,
        timeout=180,
        env={**os.environ, "CHROME_PATH": CHROMIUM},
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    report = json.loads(done.stdout)
    assert report["finalDisplayedUrl"].split("?")[0] == url.split("?")[0], (
        f"{url} ended on {report['finalDisplayedUrl']} (not signed in?)"
    )
    scores = {
        name: round((category["score"] or 0) * 100)
        for name, category in report["categories"].items()
    }
    audits = {ref["id"] for ref in report["categories"]["accessibility"]["auditRefs"]}
    failing = [
        f"{audit['id']}: {audit['title']}"
        for audit in report["audits"].values()
        if audit["id"] in audits and audit.get("score") is not None and audit["score"] < 1
    ]
    return scores, failing


@pytest.mark.skipif(not LIGHTHOUSE.is_file(), reason="lighthouse is not installed (npm ci)")
@pytest.mark.parametrize("who", sorted(PAGES))
def test_lighthouse_accessibility(contexts, live_server, demo_ids, viewport, who):
    cookie = _cookie_header(contexts, EMAILS[who]) if who in EMAILS else None
    problems = []
    for page in PAGES[who]:
        path = page.format(**demo_ids)
        url = live_server(path)
        scores, failing = _lighthouse(url, viewport, cookie)
        accessibility, performance = scores["accessibility"], scores["performance"]
        print(f"lighthouse {who} {viewport} {path}: accessibility {accessibility}, "
              f"performance {performance}; {failing}")  # fmt: skip
        if accessibility < MINIMUM:
            problems.append(f"{path}: accessibility {accessibility} ({failing})")
    assert not problems, f"{who} at {viewport} width:\n" + "\n".join(problems)
