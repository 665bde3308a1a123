"""`flask tenders fetch-boamp`: the same import from the API, against a local server that
serves recorded pages of the records endpoint (tests/data/boamp/records.json, cut in pages)."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import func, select

from marketplace.extensions import db
from marketplace.tenders.boamp_import import PAGE_SIZE
from marketplace.tenders.models import Tender

SAMPLE = Path(__file__).parent.parent / "data" / "boamp"


@pytest.fixture
def boamp_server():
    """Serves the sample's records in pages of 4 (whatever limit is asked: the client must
    follow offset and total_count), and records the queries it was sent."""
    records = json.loads((SAMPLE / "records.json").read_text())["results"]
    seen: list[dict[str, list[str]]] = []
    state = {"fail": False}

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            query = parse_qs(urlsplit(self.path).query)
            seen.append(query)
            if state["fail"]:
                self.send_response(503)
                self.end_headers()
                return
            offset = int(query.get("offset", ["0"])[0])
            body = json.dumps(
                {"total_count": len(records), "results": records[offset : offset + 4]}
            )
            self.send_response(200)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.end_headers()
            self.wfile.write(body.encode())

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{server.server_address[1]}/api/explore/v2.1/catalog/datasets/boamp/records"
    yield url, seen, state
    server.shutdown()
    server.server_close()


def test_fetch_pages_through_the_api_and_imports(app, boamp_server):
    url, seen, _state = boamp_server
    app.config["BOAMP_URL"] = url
    runner = app.test_cli_runner()
    result = runner.invoke(
        args=["tenders", "fetch-boamp", "--since", "2026-12-01", "--department", "69",
              "--department", "2a"]
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "5 créé(s), 0 mis à jour, 0 fermé(s), 1 ignoré(s), 3 en erreur" in result.stdout
    assert "idweb 26-10007" in result.stderr
    assert [q["offset"] for q in seen] == [["0"], ["4"], ["8"]]
    assert all(q["limit"] == [str(PAGE_SIZE)] for q in seen)
    where = seen[0]["where"][0]
    assert "dateparution >= date'2026-12-01'" in where
    assert 'code_departement = "69"' in where and 'code_departement = "2A"' in where
    count = select(func.count(Tender.id)).where(Tender.source_name == "boamp")
    assert db.session.scalar(count) == 5
    again = runner.invoke(args=["tenders", "fetch-boamp", "--since", "2026-12-01"])
    assert "0 créé(s), 5 mis à jour" in again.stdout
    assert "code_departement" not in seen[-1]["where"][0]


def test_fetch_reports_a_server_that_fails(app, boamp_server):
    url, _seen, state = boamp_server
    app.config["BOAMP_URL"] = url
    state["fail"] = True
    result = app.test_cli_runner().invoke(args=["tenders", "fetch-boamp"])
    assert result.exit_code == 1 and "API BOAMP" in result.stderr
    unknown = app.test_cli_runner().invoke(args=["tenders", "fetch-boamp", "--department", "99"])
    assert unknown.exit_code == 1 and "99" in unknown.stderr
