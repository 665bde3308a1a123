"""Server errors and over-long addresses answer in the API's JSON format, in French.

Under /api/: {"error": {"code", "message"}} for an unexpected exception, for 500/502/503 raised
as HTTP errors, and for paths or query strings over 8000 bytes (414), through the test client
and through gunicorn (which reads gunicorn.conf.py from the project folder).
"""

from __future__ import annotations

import pytest
from flask import abort

from marketplace import create_app
from marketplace.extensions import db

FRENCH = {
    "server_error": "Une erreur inattendue est survenue.",
    "unavailable": "Le service est momentanément indisponible. Veuillez réessayer dans un instant.",
}


@pytest.fixture
def failing(app_config):
    """An app with routes that fail, added before its first request."""
    app = create_app(app_config)

    def crash():
        raise RuntimeError("boom: a secret detail")

    def http(code: int):
        abort(code)

    for prefix in ("/api/v1", ""):
        app.add_url_rule(f"{prefix}/test-crash", f"crash{prefix}", crash)
        app.add_url_rule(f"{prefix}/test-http/<int:code>", f"http{prefix}", http)
    with app.app_context():
        yield app.test_client()
        db.session.remove()
        db.engine.dispose()


def test_an_unexpected_exception_in_the_api_is_json_in_french(failing):
    response = failing.get("/api/v1/test-crash")
    assert response.status_code == 500
    assert response.get_json() == {
        "error": {"code": "server_error", "message": FRENCH["server_error"]}
    }
    assert "boom" not in response.get_data(as_text=True)


@pytest.mark.parametrize(
    ("code", "name"), [(500, "server_error"), (502, "unavailable"), (503, "unavailable")]
)
def test_http_server_errors_in_the_api_are_json_in_french(failing, code, name):
    response = failing.get(f"/api/v1/test-http/{code}")
    assert response.status_code == code
    assert response.get_json() == {"error": {"code": name, "message": FRENCH[name]}}


def test_server_errors_on_pages_are_french_pages(failing):
    for url in ("/test-crash", "/test-http/500", "/test-http/503"):
        response = failing.get(url)
        assert response.status_code >= 500 and response.mimetype == "text/html"
        html = response.get_data(as_text=True)
        assert "Traceback" not in html and "boom" not in html
        assert "Internal Server Error" not in html and "Service Unavailable" not in html


LONG = "a" * 20_000


@pytest.mark.parametrize(
    "url",
    [f"/api/v1/profiles?q={LONG}", f"/api/v1/{LONG}", f"/api/v1/profiles/{'1' * 9000}",
     f"/api/v1/caes?page=1&{'x=1&' * 3000}"],
    ids=["query", "path", "digits", "many-arguments"],
)  # fmt: skip
def test_an_over_long_api_address_is_a_json_414(client, url):
    response = client.get(url)
    assert response.status_code == 414
    assert response.get_json() == {
        "error": {"code": "uri_too_long", "message": "L’adresse est trop longue."}
    }


def test_an_over_long_page_address_is_a_french_page(client):
    response = client.get(f"/profils?q={LONG}")
    assert response.status_code == 414 and response.mimetype == "text/html"
    assert "Erreur" in response.get_data(as_text=True)


def test_gunicorn_lets_the_app_answer_long_addresses(database_url, tmp_path):
    """gunicorn refuses request lines over 4094 bytes by default, with its own HTML page."""
    from bench.httpserver import request, serve

    env = {
        "MARKETPLACE_DATABASE_URL": database_url,
        "MARKETPLACE_INDEX_DIR": str(tmp_path / "index"),
        "MARKETPLACE_SECRET_KEY": "gunicorn-test",
        "MARKETPLACE_RATELIMIT_ENABLED": "0",
    }
    with serve(env, workers=1) as server:
        status, _body = request(server.base, "/api/v1/caes", {"q": "a" * 6000})
        assert status == 200  # over gunicorn's default limit, under the app's
        status, body = request(server.base, "/api/v1/caes", {"q": "a" * 8100})
        assert status == 414
        assert body.decode().startswith('{"error":{"code":"uri_too_long"')
