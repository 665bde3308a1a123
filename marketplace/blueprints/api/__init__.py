"""The JSON API, version 1 (see the shared API contract and /api/v1/openapi.json).

Stateless: a bearer token per request (or the browser session for reading), JSON errors only,
no CSRF token (a browser session cannot write through the API).
"""

from flask import Blueprint

from marketplace.errors import DomainError
from marketplace.extensions import csrf

bp = Blueprint("api", __name__)
csrf.exempt(bp)

from marketplace.blueprints.api import (  # noqa: E402, F401
    collectives,
    me_export,
    notifications,
    openapi,
    profiles,
    reference,
    subcontracting,
    tenders,
)
from marketplace.blueprints.api.auth import (  # noqa: E402
    authenticate_request,
    forget_request_user,
)
from marketplace.blueprints.api.errors import (  # noqa: E402
    ApiError,
    api_error_response,
    domain_error_response,
)

bp.before_request(authenticate_request)
bp.teardown_request(forget_request_user)
bp.register_error_handler(DomainError, domain_error_response)
bp.register_error_handler(ApiError, api_error_response)
