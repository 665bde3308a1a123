"""A visitor signs up: the account (pending membership) and the notice to the CAE's managers."""

from __future__ import annotations

from marketplace.accounts.models import User
from marketplace.accounts.operations import create_account
from marketplace.actors import SYSTEM
from marketplace.caes.models import Cae
from marketplace.desk.notify import membership_requested


def sign_up(
    *, email: str, first_name: str, last_name: str, cae: Cae, status: str, password: str
) -> User:
    """Open the account of a visitor (the site opens it: SYSTEM) and tell the CAE's managers
    that a membership awaits their verification; flushes, never commits."""
    user = create_account(
        SYSTEM,
        email=email,
        first_name=first_name,
        last_name=last_name,
        cae=cae,
        status=status,
        password=password,
    )
    membership_requested(user)
    return user
