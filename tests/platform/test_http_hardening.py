"""Safe redirects, security headers, cookies and rate limits (shared through Redis)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from authz_world import PASSWORD

from marketplace import create_app
from tests.conftest import OwnContextClient

# Redirects --------------------------------------------------------------------------------------

OPEN_REDIRECTS = [
    "https://evil.example/", "//evil.example/", "/\\evil.example", "\\\\evil.example",
    "/\t/evil.example", "/\n/evil.example", " //evil.example", "http:evil.example",
    "javascript:alert(1)", "/%0a/evil.example".replace("%0a", "\r"), "https:/evil.example",
]  # fmt: skip


@pytest.mark.parametrize("target", OPEN_REDIRECTS)
def test_sign_in_never_redirects_to_another_site(client, make_user, target):
    user = make_user()
    response = client.post(
        "/connexion", data={"email": user.email, "password": PASSWORD, "next": target}
    )
    assert response.status_code == 302
    location = response.headers["Location"]
    assert location in ("/", "http://localhost/"), location


def test_sign_in_follows_a_local_next(client, make_user):
    user = make_user()
    response = client.post(
        "/connexion", data={"email": user.email, "password": PASSWORD, "next": "/offres?page=2"}
    )
    assert response.headers["Location"].endswith("/offres?page=2")


@pytest.mark.parametrize("target", OPEN_REDIRECTS)
def test_language_switch_never_redirects_to_another_site(client, target):
    response = client.post("/langue", data={"lang": "en", "next": target})
    assert response.headers["Location"] in ("/", "http://localhost/")


# Headers and cookies ----------------------------------------------------------------------------


def test_security_headers_on_pages_and_api(client):
    for url in ("/", "/connexion", "/api/v1/caes", "/page-qui-n-existe-pas"):
        headers = client.get(url).headers
        csp = headers["Content-Security-Policy"]
        assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
        assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp
        assert "object-src 'none'" in csp
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Referrer-Policy"] == "same-origin"
        assert headers["X-Frame-Options"] == "DENY"
        assert "Strict-Transport-Security" not in headers  # not in development


def test_no_template_has_inline_scripts_styles_or_handlers():
    root = Path(__file__).resolve().parents[2] / "templates"
    for path in root.rglob("*.html"):
        html = path.read_text()
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), path
        assert not re.search(r"<style\b", html), path
        assert not re.search(r"\sstyle=", html), path
        assert not re.search(r"\son[a-z]+=", html), path
        assert "javascript:" not in html, path


def test_production_adds_hsts_and_secure_cookies(app_config, make_user):
    config = {**app_config, "ENV": "production"}
    app = create_app(config)
    assert app.config["SESSION_COOKIE_SECURE"] and app.config["REMEMBER_COOKIE_SECURE"]
    with app.app_context():
        user = make_user()
        client = app.test_client()
        response = client.post(
            "/connexion", data={"email": user.email, "password": PASSWORD, "remember": "y"}
        )
        assert response.status_code == 302
        assert "max-age=31536000" in response.headers["Strict-Transport-Security"]
        cookies = response.headers.getlist("Set-Cookie")
        assert cookies
        for cookie in cookies:
            lowered = cookie.lower()
            assert "httponly" in lowered and "samesite=lax" in lowered and "secure" in lowered
    _dispose(app)


def test_development_cookies_are_httponly_and_samesite(client, make_user):
    user = make_user()
    response = client.post("/connexion", data={"email": user.email, "password": PASSWORD})
    for cookie in response.headers.getlist("Set-Cookie"):
        assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


# Rate limits ------------------------------------------------------------------------------------


def _dispose(app) -> None:
    from marketplace.extensions import db

    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def limited(app_config):
    """An app with rate limits on; its test client comes from an address of its own."""
    made = []

    def make(**extra):
        app = create_app({**app_config, "RATELIMIT_ENABLED": True, **extra})
        app.test_client_class = _own_address_client(_address())
        made.append(app)
        return app

    yield make
    for app in made:
        _dispose(app)


def _address() -> str:
    n = uuid.uuid4().int
    return f"10.{n % 250}.{(n >> 8) % 250}.{(n >> 16) % 250 + 1}"


def _own_address_client(address: str):
    class Client(OwnContextClient):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self.environ_base["REMOTE_ADDR"] = address

    return Client


@pytest.mark.parametrize(("url", "limit"), [("/connexion", 10), ("/inscription", 5),
                                            ("/mot-de-passe-oublie", 5)])  # fmt: skip
def test_sign_in_sign_up_and_reset_are_limited(limited, url, limit):
    app = limited()
    client = app.test_client()
    codes = [client.post(url, data={"email": "x@example.org"}).status_code
             for _ in range(limit + 1)]  # fmt: skip
    assert 429 not in codes[:limit] and codes[limit] == 429


def test_html_and_api_writes_are_limited(limited, make_user, api_token):
    app = limited(RATELIMIT_WRITES="3 per minute")
    with app.app_context():
        user = make_user()
        client = app.test_client()
        headers = {"Authorization": f"Bearer {api_token(user)}"}
        # API writes have their own limits (60 per minute for the profile).
        codes = [client.patch("/api/v1/me/profile", json={}, headers=headers).status_code
                 for _ in range(61)]  # fmt: skip
        assert codes[-1] == 429 and 429 not in codes[:60]
        body = client.patch("/api/v1/me/profile", json={}, headers=headers).get_json()
        assert body["error"]["code"] == "rate_limited"
        # HTML writes without a limit of their own share RATELIMIT_WRITES (3 here).
        login = {"email": user.email, "password": PASSWORD}
        assert client.post("/connexion", data=login).status_code == 302
        html = [client.post("/notifications/lues").status_code for _ in range(4)]
        assert html == [302, 302, 302, 429]
        assert client.get("/").status_code == 200  # reads are not limited


REDIS_URL = os.environ.get("MARKETPLACE_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def _redis_reachable() -> bool:
    try:
        import redis

        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=0.5).ping())
    except Exception:
        return False


SECOND_WORKER = """
import sys
from marketplace import create_app
app = create_app({"TESTING": True, "SECRET_KEY": "x", "DATABASE_URL": sys.argv[1],
                  "WTF_CSRF_ENABLED": False,
                  "RATELIMIT_ENABLED": True, "RATELIMIT_STORAGE_URL": sys.argv[2],
                  "INDEX_DIR": sys.argv[4], "SERVER_NAME": "localhost"})
with app.app_context():
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = sys.argv[3]
    print(" ".join(str(client.post("/connexion", data={"email": "x@example.org"}).status_code)
                   for _ in range(int(sys.argv[5]))))
"""


@pytest.mark.skipif(not _redis_reachable(), reason=f"Redis is not reachable at {REDIS_URL}")
def test_two_processes_share_a_limit_through_redis(limited, database_url, tmp_path):
    app = limited(RATELIMIT_STORAGE_URL=REDIS_URL)
    address = app.test_client().environ_base["REMOTE_ADDR"]
    assert app.config["RATELIMIT_STORAGE_URI"] == REDIS_URL
    with app.app_context():
        client = app.test_client()
        first = [client.post("/connexion", data={"email": "x@example.org"}).status_code
                 for _ in range(6)]  # fmt: skip
        other = subprocess.run(
            [sys.executable, "-c", SECOND_WORKER, database_url, REDIS_URL, address,
             str(tmp_path / "index2"), "4"],
            capture_output=True, text=True, timeout=60, check=True,
            cwd=Path(__file__).resolve().parents[2],
        )  # fmt: skip
        second = other.stdout.split()
        assert 429 not in first and "429" not in second, (first, second)
        assert client.post("/connexion", data={"email": "x@example.org"}).status_code == 429
