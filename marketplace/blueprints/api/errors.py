"""The JSON error format of the API: {"error": {"code", "message", "fields"}}."""

from __future__ import annotations

from collections.abc import Mapping

from flask import Response, jsonify
from flask_babel import gettext as _

from marketplace.errors import DomainError


class ApiError(Exception):
    """An error of the HTTP layer itself (bad token, malformed body or query string)."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        fields: dict[str, list[str]] | None = None,
        headers: Mapping[str, str] | None = None,
    ):
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.fields = fields or {}
        self.headers = dict(headers or {})


def json_error(
    status: int,
    code: str,
    message: str,
    fields: dict | None = None,
    headers: Mapping[str, str] | None = None,
) -> Response:
    body: dict = {"error": {"code": code, "message": str(message)}}
    if fields:
        body["error"]["fields"] = {k: [str(m) for m in v] for k, v in fields.items()}
    response = jsonify(body)
    response.status_code = status
    for key, value in (headers or {}).items():
        response.headers[key] = value
    if status == 401:
        response.headers.setdefault("WWW-Authenticate", 'Bearer realm="essaim"')
    return response


def domain_error_response(error: DomainError) -> Response:
    message = str(error.message) if error.message else default_message(error.status)
    return json_error(error.status, error.code, message, error.fields)


def default_message(status: int) -> str:
    """A French (or the reader's language) sentence for an error raised without one."""
    messages = {
        403: _("You are not allowed to do this."),
        404: _("This object does not exist or is not visible to you."),
        409: _("This is not possible in the current state."),
        422: _("Some fields need your attention."),
    }
    return messages.get(status, _("An error occurred."))


def api_error_response(error: ApiError) -> Response:
    return json_error(error.status, error.code, error.message, error.fields, error.headers)
