"""The JSON API, version 1 (see shared API contract and /api/v1/openapi.json)."""

from flask import Blueprint

bp = Blueprint("api", __name__)

from marketplace.blueprints.api import views  # noqa: E402, F401
