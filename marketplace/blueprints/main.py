"""Home page, language choice and small public pages."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import (
    Blueprint,
    current_app,
    jsonify,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user
from sqlalchemy import func, select

from marketplace.alerts.opportunities import opportunities_for
from marketplace.caes.models import Cae
from marketplace.extensions import db
from marketplace.health import database_state
from marketplace.profiles.operations import recent_profiles
from marketplace.search.indexer import get_indexer

bp = Blueprint("main", __name__)
#: Opportunities shown on a member's home page.
FOR_YOU = 6


@bp.get("/")
def index():

    cae_count = db.session.scalar(select(func.count(Cae.id)))
    # "Pour vous": what fits a signed-in member's competences and area.
    for_you = opportunities_for(current_user)[:FOR_YOU] if current_user.is_authenticated else []
    return render_template(
        "main/index.html", cae_count=cae_count, profiles=recent_profiles(6), for_you=for_you
    )


@bp.get("/confidentialite")
def privacy():
    return render_template("main/privacy.html")


@bp.get("/healthz")
def health():
    """For a load balancer or monitoring: 200 when this node can serve, 503 when it cannot.

    Checks that the database answers and accepts a write (one row inserted in a savepoint and
    rolled back: marketplace/health.py) and that this node has its search index (a new node
    builds it with `flask search rebuild` before it takes traffic: docs/DEPLOYMENT.md).
    `index_position` is the last change of the shared log this node's index has applied.
    """

    body: dict = {"status": "ok", "database": database_state(), "index": "ok"}
    state = get_indexer().read_state()
    if state is None:
        body["index"] = "missing"
    else:
        body["index_position"] = state["hwm"]
    if body["database"] != "ok" or body["index"] != "ok":
        body["status"] = "unavailable"
    response = jsonify(body)
    response.status_code = 200 if body["status"] == "ok" else 503
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.post("/langue")
def set_language():
    lang = request.form.get("lang", "")
    if lang in current_app.config["LANGUAGES"]:
        session["lang"] = lang
    return redirect(safe_next(request.form.get("next")) or url_for("main.index"))


def safe_next(target: str | None) -> str | None:
    """A local path to go back to, or None (never another site)."""
    if not target or not isinstance(target, str) or len(target) > 2000:
        return None
    # Browsers drop tabs and line breaks and read "\\" as "/": "/\t/evil.example" is "//evil…".
    if any(ch.isspace() or ord(ch) < 32 or ord(ch) == 127 for ch in target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    if "\\" in target:
        return None
    return target
