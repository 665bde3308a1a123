"""GET /me/export: every row of the database about the caller (personal data, GDPR)."""

from __future__ import annotations

from typing import Any

from flask import jsonify

from marketplace.accounts.export import personal_data
from marketplace.accounts.schemas import PersonalData
from marketplace.blueprints.api.auth import require_user
from marketplace.blueprints.api.blueprint import bp
from marketplace.blueprints.api.spec import operations_for

operation = operations_for("profiles")


@bp.get("/me/export")
@operation.read("exportMyData", ok=(PersonalData, "The caller's data."), errors=(401,))
def export_my_data() -> Any:
    """Download every piece of data about the caller (GDPR)."""
    response = jsonify(PersonalData.out(**personal_data(require_user())))
    response.headers["Cache-Control"] = "no-store"
    return response
