"""GET /me/export: every row of the database about the caller (personal data, GDPR)."""

from __future__ import annotations

from flask import jsonify

from marketplace.accounts.export import personal_data
from marketplace.blueprints.api.auth import require_user
from marketplace.blueprints.api.blueprint import bp


@bp.get("/me/export")
def export_my_data():
    response = jsonify(personal_data(require_user()))
    response.headers["Cache-Control"] = "no-store"
    return response
