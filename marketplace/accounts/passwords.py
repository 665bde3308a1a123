"""Password policy: long enough, not common, not one's own name or e-mail."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from flask import current_app, has_app_context
from flask_babel import gettext as _
from werkzeug.security import check_password_hash, generate_password_hash

from marketplace.text import fold

MIN_LENGTH = 10
MAX_LENGTH = 200
_COMMON_FILE = Path(__file__).resolve().parent.parent / "data" / "common_passwords.txt"


@lru_cache(maxsize=1)
def common_passwords() -> frozenset[str]:
    lines = _COMMON_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(fold(line) for line in lines if line and not line.startswith("#"))


def password_problems(password: str, *, email: str = "", names: tuple[str, ...] = ()) -> list[str]:
    """French (or English) sentences saying what is wrong with the password; empty if fine."""
    if len(password) < MIN_LENGTH:
        return [_("The password must be at least %(n)d characters long.", n=MIN_LENGTH)]
    if len(password) > MAX_LENGTH:
        return [_("The password must be at most %(n)d characters long.", n=MAX_LENGTH)]
    folded = fold(password)
    if folded in common_passwords() or len(set(folded)) <= 3:
        return [_("This password is too common: choose a less predictable one.")]
    local_part = fold(email.split("@", 1)[0]) if email else ""
    personal = [fold(n) for n in names if n and len(fold(n)) >= 4]
    if local_part and len(local_part) >= 4:
        personal.append(local_part)
    compact = folded.replace(" ", "")
    if any(
        p.replace(" ", "") and p.replace(" ", "") in compact and len(compact) - len(p) < 6
        for p in personal
    ):
        return [_("The password must not be built on your name or e-mail address.")]
    return []


def hash_password(password: str) -> str:
    """A salted hash (scrypt by default; tests configure a cheaper method to run fast)."""
    method = (
        current_app.config.get("PASSWORD_HASH_METHOD", "scrypt") if has_app_context() else "scrypt"
    )
    return generate_password_hash(password, method=method)


def verify_password(password_hash: str | None, password: str) -> bool:
    if not password_hash:
        return False
    return check_password_hash(password_hash, password)


#: Compared against when an e-mail is unknown, so that timing does not reveal accounts.
DUMMY_HASH = generate_password_hash("not-a-real-password-only-for-timing")
