"""Absolute links, built from the configured BASE_URL only (never from the request's Host).

A link that leaves the site (an e-mail, an API ``url`` field, a calendar event) must point where
the operator says the site lives: a request's ``Host`` header is chosen by whoever sends it, so a
password-reset link built from it could carry a valid token to another site. Every absolute link
of the product goes through this module; the same functions work inside a request and from the
command line or the background worker.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import current_app
from werkzeug.routing import MapAdapter


def base_url() -> str:
    """The site's origin and path prefix, without the final slash (config BASE_URL)."""
    return str(current_app.config["BASE_URL"]).rstrip("/")


def base_host() -> str:
    """The host name of BASE_URL (without port): calendar UIDs end with it."""
    return urlsplit(base_url()).hostname or "essaim"


def _adapter() -> MapAdapter:
    parts = urlsplit(base_url())
    return current_app.url_map.bind(
        parts.netloc, script_name=parts.path or "/", url_scheme=parts.scheme
    )


def _values(values: dict) -> dict:
    return {key: value for key, value in values.items() if value is not None}


def external_url(endpoint: str, **values) -> str:
    """The absolute address of a page of the site, e.g. for an e-mail or an API ``url``."""
    return _adapter().build(endpoint, _values(values), force_external=True)


def site_path(endpoint: str, **values) -> str:
    """The path of a page of the site (with BASE_URL's path prefix), e.g. a notification's link."""
    return _adapter().build(endpoint, _values(values))


def absolute(path: str) -> str:
    """An absolute address for a path of the site (one built by ``site_path`` or ``url_for``)."""
    if not path or path.startswith(("http://", "https://")):
        return path
    parts = urlsplit(base_url())
    return f"{parts.scheme}://{parts.netloc}{path}"
