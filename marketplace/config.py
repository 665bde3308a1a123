"""Configuration: built-in defaults < instance/config.py < MARKETPLACE_* environment variables.

Tests and tools pass a mapping to ``create_app(config)``, applied last.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

#: Environment variables read at start-up, with the type to coerce them to.
ENV_VARIABLES: dict[str, type] = {
    "ENV": str,
    "DATABASE_URL": str,
    "INDEX_DIR": str,
    "SECRET_KEY": str,
    "RATELIMIT_STORAGE_URL": str,
    "RATELIMIT_ENABLED": bool,
    "MAIL_URL": str,
    "MAIL_FROM": str,
    "BASE_URL": str,
    "TRUSTED_HOSTS": list,
    "SINGLE_WORKER": bool,
    "MAIL_TIMEOUT": float,
    "JOBS_MAIL_MAX_ATTEMPTS": int,
    "JOBS_MAIL_RETRY_SECONDS": float,
    "JOBS_LEASE_SECONDS": float,
    "JOBS_POLL_SECONDS": float,
    "JOBS_NICE": int,
    "BOAMP_URL": str,
    "BOAMP_SKILLS_FILE": str,
    "MEDIA_DIR": str,
    "MEDIA_STORAGE": str,
    "SEARCH_CACHE_MB": int,
}

#: BASE_URL when none is configured, in development only (what `make run` serves).
DEVELOPMENT_BASE_URL = "http://127.0.0.1:5000"


class Defaults:
    """Values used when nothing else is configured (development on one machine)."""

    ENV = "development"
    DATABASE_URL: str | None = None  # SQLite file in instance/ when unset
    INDEX_DIR: str | None = None  # instance/search-index when unset
    MEDIA_DIR: str | None = None  # instance/media when unset: uploaded files (profile photos)
    #: "package.module:factory" called with the app's config, giving the file storage
    #: (marketplace.storage.Storage); the folder MEDIA_DIR when unset.
    MEDIA_STORAGE: str | None = None
    SECRET_KEY: str | None = None
    RATELIMIT_STORAGE_URL = "memory://"
    RATELIMIT_ENABLED = True
    RATELIMIT_WRITES = "300 per minute;3000 per hour"  # every POST/PATCH/DELETE, per address
    CONVERSATIONS_NEW_LIMIT = "20 per hour;50 per day"  # conversations one person may start
    MAIL_URL: str | None = None
    MAIL_FROM = "Essaim <ne-pas-repondre@essaim.invalid>"
    BASE_URL: str | None = None  # DEVELOPMENT_BASE_URL in development; required in production
    TRUSTED_HOSTS: list[str] | None = None  # BASE_URL's host, localhost and 127.0.0.1 when unset
    SINGLE_WORKER = False  # production with memory:// rate limits must say it runs one worker
    MAIL_TIMEOUT = 15.0  # seconds per SMTP operation, in the worker (requests never talk to SMTP)
    JOBS_MAIL_MAX_ATTEMPTS = 8  # then the message is marked failed, for an administrator to resend
    JOBS_MAIL_RETRY_SECONDS = 600.0  # first retry; doubles each time (8 tries span about 21 h)
    JOBS_LEASE_SECONDS = 120.0  # a claimed message is taken again after this if its worker died
    JOBS_POLL_SECONDS = 2.0  # how often `flask jobs run` looks for due messages
    #: How much lower than the web server's the worker's CPU priority is (os.nice; 0: the same):
    #: a batch of mail yields the cores to the requests on the same machine.
    JOBS_NICE = 10
    #: The records endpoint of BOAMP's open data (`flask tenders fetch-boamp`).
    BOAMP_URL = (
        "https://boamp-datadila.opendatasoft.com/api/explore/v2.1/catalog/datasets/boamp/records"
    )
    #: The federation's own table of descriptors and CPV codes → competences (a JSON file
    #: shaped like marketplace/tenders/data/boamp_skills.json); the packaged one when unset.
    BOAMP_SKILLS_FILE: str | None = None
    #: Memory each web worker gives the search engine's per-segment cache (visible sets,
    #: postings, facet arrays): at 100,000 profiles the benchmark's pages and searches hold
    #: 15 MB of it, 11 of them facet values; below that they recompute them (docs/BENCHMARKS.md).
    SEARCH_CACHE_MB = 24
    BABEL_DEFAULT_LOCALE = "fr"
    BABEL_DEFAULT_TIMEZONE = "Europe/Paris"
    LANGUAGES = ("fr", "en")
    PASSWORD_HASH_METHOD = "scrypt"  # noqa: S105 (a method name, not a secret)
    PASSWORD_RESET_MAX_AGE = 3600  # seconds
    INVITATION_MAX_AGE = 14 * 24 * 3600  # seconds
    WTF_CSRF_TIME_LIMIT = None  # the token lives as long as the session
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_DURATION = 30 * 24 * 3600
    MAX_CONTENT_LENGTH = 5 * 1024 * 1024
    JSON_SORT_KEYS = False
    PER_PAGE = 20
    MAX_PER_PAGE = 100


def _coerce(kind: type, raw: str) -> Any:
    if kind is bool:
        return raw.strip().lower() not in {"0", "false", "no", "off", ""}
    if kind is list:
        return _host_list(raw)
    return kind(raw)


def load_config(instance_path: str, overrides: dict[str, Any] | None = None) -> dict[str, Any]:
    """Merge the layers of configuration into one flat mapping of Flask settings."""
    values: dict[str, Any] = {k: getattr(Defaults, k) for k in dir(Defaults) if k.isupper()}

    instance_file = Path(instance_path) / "config.py"
    if instance_file.exists():
        namespace: dict[str, Any] = {}
        exec(compile(instance_file.read_text(), str(instance_file), "exec"), namespace)  # noqa: S102
        values.update({k: v for k, v in namespace.items() if k.isupper()})

    for name, kind in ENV_VARIABLES.items():
        raw = os.environ.get(f"MARKETPLACE_{name}")
        if raw is not None and raw != "":
            values[name] = _coerce(kind, raw)

    values.update(overrides or {})

    production = values["ENV"] == "production"
    if not values.get("DATABASE_URL"):
        values["DATABASE_URL"] = "sqlite:///" + str(Path(instance_path) / "essaim.sqlite3")
    if not values.get("INDEX_DIR"):
        values["INDEX_DIR"] = str(Path(instance_path) / "search-index")
    if not values.get("SECRET_KEY"):
        if production:
            raise RuntimeError(
                "MARKETPLACE_SECRET_KEY must be set in production (a long random string)."
            )
        values["SECRET_KEY"] = _development_secret(instance_path)
    values["BASE_URL"] = _base_url(values.get("BASE_URL"), production)
    values["TRUSTED_HOSTS"] = _trusted_hosts(values.get("TRUSTED_HOSTS"), values["BASE_URL"])
    if production:
        _check_rate_limit_storage(values)
        values.setdefault("SESSION_COOKIE_SECURE", True)
        values.setdefault("REMEMBER_COOKIE_SECURE", True)
        values.setdefault("PREFERRED_URL_SCHEME", "https")

    values["SQLALCHEMY_DATABASE_URI"] = values["DATABASE_URL"]
    values.setdefault("SQLALCHEMY_ENGINE_OPTIONS", _engine_options(values["DATABASE_URL"]))
    values["RATELIMIT_STORAGE_URI"] = values["RATELIMIT_STORAGE_URL"]
    values["RATELIMIT_HEADERS_ENABLED"] = True
    values.setdefault("MAIL_DIR", str(Path(instance_path) / "mail"))
    if not values.get("MEDIA_DIR"):
        values["MEDIA_DIR"] = str(Path(instance_path) / "media")
    return values


def _base_url(raw: str | None, production: bool) -> str:
    """The one origin of every absolute link (e-mails, API ``url`` fields, calendar UIDs)."""
    if not raw:
        if production:
            raise RuntimeError(
                "MARKETPLACE_BASE_URL must be set in production: the address people use to open "
                "the site, e.g. https://essaim.example.org (links in e-mails are built from it)."
            )
        return DEVELOPMENT_BASE_URL
    parts = urlsplit(raw.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.query or parts.fragment:
        raise RuntimeError(
            f"MARKETPLACE_BASE_URL must be an http:// or https:// address such as "
            f"https://essaim.example.org, without query or fragment (got {raw!r})."
        )
    return raw.strip().rstrip("/")


def _host_list(raw: str | list | tuple) -> list[str]:
    items = raw.split(",") if isinstance(raw, str) else list(raw)
    return [item.strip().lower() for item in items if item and item.strip()]


def _trusted_hosts(raw: str | list | tuple | None, base_url: str) -> list[str]:
    """The Host headers the site answers (Flask's TRUSTED_HOSTS); others get 400."""
    if raw:
        return _host_list(raw)
    hosts = [urlsplit(base_url).hostname or "", "localhost", "127.0.0.1"]
    return list(dict.fromkeys(h for h in hosts if h))


def _check_rate_limit_storage(values: dict[str, Any]) -> None:
    """memory:// counts per worker: with several, each client gets N times every limit."""
    memory = str(values["RATELIMIT_STORAGE_URL"]).startswith("memory://")
    if memory and values["RATELIMIT_ENABLED"] and not values.get("SINGLE_WORKER"):
        raise RuntimeError(
            "MARKETPLACE_RATELIMIT_STORAGE_URL is memory:// in production: each worker would "
            "keep its own counters. Set it to a shared store (e.g. redis://127.0.0.1:6379/0), or "
            "set MARKETPLACE_SINGLE_WORKER=1 if this site really runs one worker process."
        )


def _engine_options(url: str) -> dict[str, Any]:
    if url.startswith("sqlite"):
        return {"connect_args": {"timeout": 30}}
    return {"pool_pre_ping": True}


def _development_secret(instance_path: str) -> str:
    """Read the development secret from instance/, creating it the first time."""
    path = Path(instance_path) / "secret_key"
    if path.exists():
        return path.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    path.write_text(key)
    path.chmod(0o600)
    return key
