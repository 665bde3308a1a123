"""The JSON API, version 1 (see the shared API contract and /api/v1/openapi.json).

Stateless: a bearer token per request (or the browser session for reading), JSON errors only,
no CSRF token (a browser session cannot write through the API).
"""

from marketplace.blueprints.api.blueprint import bp  # first: openapi*.py take it from the package

# isort: split
from marketplace.blueprints.api import (  # noqa: F401
    alerts,
    approvals,
    collectives,
    conversations,
    me_export,
    notifications,
    openapi,
    profiles,
    reference,
    subcontracting,
    tender_invitations,
    tenders,
    trust,
)
from marketplace.blueprints.api.auth import authenticate_request, forget_request_user
from marketplace.blueprints.api.errors import ApiError, api_error_response, domain_error_response
from marketplace.errors import DomainError

__all__ = ["bp"]

bp.before_request(authenticate_request)
bp.teardown_request(forget_request_user)
bp.register_error_handler(DomainError, domain_error_response)
bp.register_error_handler(ApiError, api_error_response)
