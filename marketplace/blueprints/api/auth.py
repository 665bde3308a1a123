"""Who is calling the API: a personal token (Bearer), or the browser session for reading.

- ``Authorization: Bearer <token>``: the token's owner is the current user for this request only.
  A bad, unknown or revoked token answers 401, even when a session cookie is also sent.
- No Authorization header: the browser session (Flask-Login) for GET/HEAD; anything that writes
  answers 401, so a browser session can never be used to write without a token (no CSRF needed).

The bearer user is stored where Flask-Login keeps the request's user (``g._login_user``), so
``current_user`` works as everywhere else while the session is neither read nor written (no
Set-Cookie). Flask-Login's ``request_loader`` is not used: it is consulted only after the session,
which would let a session cookie win over a bad token.
"""

from __future__ import annotations

import hashlib

from flask import g, request
from flask_babel import gettext as _
from flask_babel import refresh
from flask_limiter.util import get_remote_address
from flask_login import current_user

from marketplace.accounts.models import User
from marketplace.accounts.operations import user_from_api_token
from marketplace.blueprints.api.errors import ApiError

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def authenticate_request() -> None:
    """before_request of the API blueprint: resolve the bearer token or refuse the request."""
    header = request.headers.get("Authorization")
    g.pop("_login_user", None)  # resolved afresh for every request (from the token or session)
    g.api_bearer = False
    if header is None:
        if request.method not in SAFE_METHODS:
            raise ApiError(
                401,
                "unauthorized",
                _("Send a personal API token in the Authorization header (Bearer)."),
            )
        return
    scheme, _sep, token = header.strip().partition(" ")
    user = None
    if scheme.lower() == "bearer" and token.strip():
        user = user_from_api_token(token.strip())
    if user is None:
        raise ApiError(401, "unauthorized", _("This API token is invalid or has been revoked."))
    g._login_user = user  # Flask-Login's per-request user: current_user is now the token's owner
    g.api_bearer = True


def forget_request_user(_error: BaseException | None = None) -> None:
    """teardown of the API blueprint: nothing about this caller outlives the request.

    Each request normally gets a fresh ``g``; when an application context spans several
    requests (tests, scripts), the token's owner and the chosen locale must not leak into the next.
    """
    if g.pop("api_bearer", False):
        g.pop("_login_user", None)
    refresh()


def require_user() -> User:
    """The signed-in caller, or a 401 JSON error."""
    if not current_user.is_authenticated:
        raise ApiError(401, "unauthorized", _("Authentication is required."))
    return current_user._get_current_object()


def rate_limit_key() -> str:
    """Rate limits count per token when one is given (people behind one address), else per IP."""
    header = request.headers.get("Authorization")
    if header:
        return "token:" + hashlib.sha256(header.encode()).hexdigest()[:32]
    return "ip:" + (get_remote_address() or "unknown")
