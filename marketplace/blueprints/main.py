"""Home page, language choice and small public pages."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, current_app, redirect, render_template, request, session, url_for
from sqlalchemy import func, select

from marketplace.extensions import db

bp = Blueprint("main", __name__)


@bp.get("/")
def index():
    from marketplace.caes.models import Cae
    from marketplace.profiles.operations import recent_profiles

    cae_count = db.session.scalar(select(func.count(Cae.id)))
    return render_template("main/index.html", cae_count=cae_count, profiles=recent_profiles(6))


@bp.get("/confidentialite")
def privacy():
    return render_template("main/privacy.html")


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
