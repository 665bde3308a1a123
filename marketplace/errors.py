"""Domain errors raised by operations and turned into pages or JSON errors at the edge."""

from __future__ import annotations


class DomainError(Exception):
    """Base class: a rule of the domain refused the operation."""

    #: Machine-readable code used by the JSON API.
    code = "error"
    #: HTTP status the API answers with.
    status = 400

    def __init__(self, message: str = "", fields: dict[str, list[str]] | None = None):
        super().__init__(message)
        self.message = message
        self.fields = fields or {}


class ValidationError(DomainError):
    """Input that does not fit: fields maps a field name to its messages."""

    code = "invalid"
    status = 422


class PermissionDenied(DomainError):
    code = "forbidden"
    status = 403


class NotFound(DomainError):
    """Absent, or not visible to the actor (never reveal that a hidden object exists)."""

    code = "not_found"
    status = 404


class Conflict(DomainError):
    """The state of the object does not allow it (already done, already a member…)."""

    code = "conflict"
    status = 409


class InvalidTransition(Conflict):
    code = "invalid_transition"


class DeadlinePassed(Conflict):
    code = "deadline_passed"
