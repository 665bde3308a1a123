"""The JSON error format of the API: {"error": {"code", "message", "fields"}}."""

from __future__ import annotations

from flask import jsonify

from marketplace.errors import DomainError


def json_error(status: int, code: str, message: str, fields: dict | None = None, headers=None):
    body: dict = {"error": {"code": code, "message": message}}
    if fields:
        body["error"]["fields"] = {k: [str(m) for m in v] for k, v in fields.items()}
    response = jsonify(body)
    response.status_code = status
    for key, value in (headers or {}).items():
        response.headers[key] = value
    return response


def domain_error_response(error: DomainError):
    return json_error(error.status, error.code, str(error.message or error.code), error.fields)
