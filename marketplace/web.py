"""Wiring of the web layer: extensions, blueprints, the request cycle and templates."""

from __future__ import annotations

from typing import Any

from flask import (
    Flask,
    abort,
    current_app,
    g,
    has_request_context,
    render_template,
    request,
    session,
)
from flask.globals import request_ctx
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from werkzeug.exceptions import HTTPException, SecurityError, default_exceptions

import marketplace.models  # noqa: F401  (complete metadata for Alembic and create_all)
from marketplace import formatting, geo, labels
from marketplace.accounts.models import Anonymous, User
from marketplace.alerts.matching import worker_task as match_alerts
from marketplace.blueprints import (
    accounts,
    alerts,
    auth,
    caes,
    collectives,
    conversations,
    main,
    manage,
    notifications,
    offers,
    profiles,
    search,
    subcontracts,
    tender_invitations,
    tenders,
)
from marketplace.blueprints.api import bp as api_bp
from marketplace.blueprints.api.errors import domain_error_response, json_error
from marketplace.collectives.search import COLLECTIVE
from marketplace.errors import DomainError
from marketplace.extensions import babel, csrf, db, limiter, login_manager, migrate
from marketplace.ids import IdConverter
from marketplace.jobs.worker import register_task
from marketplace.notifications import unread_count
from marketplace.profiles.search import PROFILE
from marketplace.subcontracting.search import OFFER
from marketplace.tenders.search import TENDER
from marketplace.timeutil import utcnow

#: The longest path plus query string served, in bytes; longer answers 414. gunicorn.conf.py
#: lets request lines of up to 8190 bytes reach the app, so that it answers them itself.
MAX_URL_LENGTH = 8000
#: The searchable document types: each domain declares and registers its own (the search engine
#: imports no domain); importing them here fills the registry before the app serves or indexes.
DOCUMENT_TYPES = (PROFILE, COLLECTIVE, OFFER, TENDER)


def init_extensions(app: Flask) -> None:
    register_task(match_alerts)  # the alerts' matching runs in the background worker
    db.init_app(app)
    migrate.init_app(
        app,
        db,
        directory=str(app.root_path + "/../migrations"),
        render_as_batch=True,
        compare_type=True,
    )
    csrf.init_app(app)
    # Every write (HTML form or API) without a limit of its own shares a generous one per
    # address; reads are not limited. Sign-in, sign-up, reset and the API writes have their own.
    # (A callable: the one limiter object keeps the first app's defaults; tests build many apps.)
    app.config.setdefault("RATELIMIT_DEFAULT", _writes_limit)
    app.config.setdefault("RATELIMIT_DEFAULTS_EXEMPT_WHEN", _safe_method)
    limiter.init_app(app)
    babel.init_app(
        app,
        locale_selector=select_locale,
        default_translation_directories=str(app.root_path + "/../translations"),
    )

    login_manager.init_app(app)
    login_manager.anonymous_user = Anonymous
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Please sign in to open this page.")
    login_manager.login_message_category = "info"

    @login_manager.user_loader
    def load_user(session_id: str) -> User | None:
        user_id, _, token = session_id.partition(":")
        if not user_id.isdigit() or not token:
            return None
        user = db.session.get(User, int(user_id))
        if user is None or not user.is_active or user.session_token != token:
            return None
        return user


def _writes_limit() -> str:
    return current_app.config["RATELIMIT_WRITES"]


def _safe_method() -> bool:
    return request.method in ("GET", "HEAD", "OPTIONS")


def select_locale() -> str:
    languages = current_app_languages()
    if not has_request_context():
        return languages[0]
    chosen = session.get("lang")
    if chosen in languages:
        return chosen
    user = current_user
    if user and getattr(user, "locale", None) in languages:
        return user.locale
    return languages[0]


def current_app_languages() -> tuple[str, ...]:
    return tuple(current_app.config["LANGUAGES"])


def register_blueprints(app: Flask) -> None:
    # Every <int:…> of every route: ASCII digits up to ids.MAX_ID, else no match (404).
    app.url_map.converters["int"] = IdConverter
    for blueprint in (main.bp, auth.bp, accounts.bp, alerts.bp, caes.bp, manage.bp, profiles.bp,
                      collectives.bp, notifications.bp, offers.bp, subcontracts.bp,
                      tenders.bp, conversations.bp, tender_invitations.bp):  # fmt: skip
        app.register_blueprint(blueprint)
    app.register_blueprint(api_bp, url_prefix="/api/v1")
    app.register_blueprint(search.bp)


def wants_json() -> bool:
    return request.path.startswith("/api/")


def init_request_cycle(app: Flask) -> None:
    """One commit per request, at the edge; errors as French pages or JSON."""
    _init_request_guards(app)
    _init_commit_at_the_edge(app)
    _init_security_headers(app)
    _init_error_pages(app)


def _init_request_guards(app: Flask) -> None:
    """Before each request: the signed-in user resolved afresh, overlong URLs refused."""

    @app.before_request
    def forget_previous_request():
        """Resolve the signed-in user afresh: tests run many requests in one app context."""
        for name in ("_login_user", "rollback_only", "_flask_babel"):
            g.pop(name, None)

    @app.before_request
    def refuse_long_urls():
        environ = request.environ
        length = len(environ.get("PATH_INFO", "")) + len(environ.get("QUERY_STRING", ""))
        if length > MAX_URL_LENGTH:
            abort(414)


def _init_commit_at_the_edge(app: Flask) -> None:
    """The one commit of a request, after the view; a rollback for any error status."""

    @app.after_request
    def commit_or_rollback(response):
        if response.status_code < 400 and not g.get("rollback_only"):
            try:
                db.session.commit()
            except Exception:
                db.session.rollback()
                raise
        else:
            db.session.rollback()
        return response


def _init_security_headers(app: Flask) -> None:
    @app.after_request
    def security_headers(response):
        headers = response.headers
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("Referrer-Policy", "same-origin")
        headers.setdefault("X-Frame-Options", "DENY")
        headers.setdefault(
            "Content-Security-Policy",
            "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
            "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'",
        )
        if app.config.get("ENV") == "production":
            headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
        return response


def _init_error_pages(app: Flask) -> None:
    """Errors as French pages, or in the JSON error format under /api/."""

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        db.session.rollback()
        status = error.code or 500
        if wants_json():
            return json_error(status, http_error_code(status), error_message(error))
        if request_ctx.url_adapter is None:  # an untrusted Host: no link can be built
            return render_template("errors/bare.html", message=error_message(error)), status
        template = {403: "403", 404: "404", 429: "429", 500: "500"}.get(status, "generic")
        return render_template(f"errors/{template}.html", error=error), status

    @app.errorhandler(DomainError)
    def domain_error(error: DomainError):
        """A refusal no view answered itself: hidden or absent objects are the 404 page,
        refused actions the 403 page, any other refusal a page with its message. The API
        answers its own JSON errors first (a blueprint's handler wins over the app's);
        this one keeps that format for any other path under /api/."""
        db.session.rollback()
        if wants_json():
            return domain_error_response(error)
        if error.status in (403, 404):
            return app.handle_http_exception(default_exceptions[error.status]())
        message = str(error.message) if error.message else None
        return render_template("errors/generic.html", message=message), error.status

    @app.errorhandler(Exception)
    def unexpected_error(error: Exception):
        db.session.rollback()
        app.logger.exception("Unexpected error on %s %s", request.method, request.path)
        if wants_json():
            return json_error(500, "server_error", str(_l("An unexpected error occurred.")))
        if request_ctx.url_adapter is None:
            message = str(_l("An unexpected error occurred."))
            return render_template("errors/bare.html", message=message), 500
        return render_template("errors/500.html"), 500


HTTP_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "too_large",
    414: "uri_too_long",
    415: "unsupported_media_type",
    422: "invalid",
    429: "rate_limited",
    431: "headers_too_large",
    500: "server_error",
    502: "unavailable",
    503: "unavailable",
    504: "unavailable",
}


def http_error_code(status: int | None) -> str:
    return HTTP_CODES.get(status or 500, "error")


def error_message(error: HTTPException) -> str:
    if isinstance(error, SecurityError):
        return str(_l("This site is not served at this address."))
    messages = {
        400: _l("The request is malformed."),
        401: _l("Authentication is required."),
        403: _l("You are not allowed to do this."),
        404: _l("This page does not exist or is not visible to you."),
        405: _l("This method is not allowed here."),
        413: _l("The request is too large."),
        414: _l("The address is too long."),
        429: _l("Too many attempts. Please wait a moment and try again."),
        431: _l("The request headers are too large."),
        500: _l("An unexpected error occurred."),
        502: _l("The service is unavailable for a moment. Please try again."),
        503: _l("The service is unavailable for a moment. Please try again."),
        504: _l("The service is unavailable for a moment. Please try again."),
    }
    if error.code in messages:
        return str(messages[error.code])
    if error.code is not None and error.code >= 500:
        return str(_l("An unexpected error occurred."))
    return str(error.description or _l("An error occurred."))


def init_templates(app: Flask) -> None:
    env = app.jinja_env
    env.add_extension("jinja2.ext.do")
    env.filters["money"] = formatting.money
    env.filters["number"] = formatting.number
    env.filters["date"] = formatting.date_short
    env.filters["datetime"] = formatting.datetime_short
    env.filters["month"] = formatting.month_label
    env.filters["department"] = geo.department_label
    env.filters["region"] = geo.region_of
    env.trim_blocks = True
    env.lstrip_blocks = True
    # A global too, so that macros imported without context (_macros/ui.html) see it.
    env.globals["labels"] = labels

    @app.context_processor
    def globals_for_templates() -> dict[str, Any]:
        return {
            "labels": labels,
            "now": utcnow,
            "current_locale": select_locale(),
            # Called by base.html only for signed-in people: one COUNT query per page.
            "unread_notifications": lambda: unread_count(current_user),
        }
