"""The members file of a CAE (API.md): a CSV checked whole, then written whole or not at all.

``import_members(actor, cae, stream, verified)`` reads the file, checks every row and, only if
no row has an error, creates or updates the members through the same operations as the
interface (create_account, update_account, update_profile, change_membership). Any error raises
ImportErrors listing every problem with its line number (the header is line 1; a quoted cell
with line breaks counts all its lines). The function flushes and never commits: the caller
commits, or rolls back on error (the command line does; so does a request answering >= 400).

Empty cells: a new member gets the defaults (status ``employee``, availability ``available``,
audience ``network``); for a member already known by e-mail, an empty cell leaves the current
value as it is, so a sparse file never wipes what people wrote on their profile.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import IO, Any

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm.attributes import set_committed_value

from marketplace.accounts.models import User
from marketplace.accounts.notify import send_invitation
from marketplace.accounts.operations import (
    change_membership,
    create_account,
    normalize_email,
    update_account,
)
from marketplace.actors import SYSTEM, Viewer
from marketplace.audience import Audience
from marketplace.caes.models import Cae
from marketplace.errors import PermissionDenied, ValidationError
from marketplace.extensions import db
from marketplace.geo import normalize_department
from marketplace.ids import small_number
from marketplace.profiles.models import Availability, ProfileStatus, profile_of
from marketplace.profiles.operations import update_profile
from marketplace.profiles.schemas import ProfileUpdate
from marketplace.skills.models import SkillLevel
from marketplace.text import clean

COLUMNS = (
    "email", "first_name", "last_name", "status", "headline", "bio", "city", "department",
    "skills", "certifications", "availability", "audience",
)  # fmt: skip
#: Columns that must have a value on every row.
REQUIRED = ("email", "first_name", "last_name")
#: Columns handed to update_profile (empty cells are left out).
PROFILE_COLUMNS = (
    "status", "headline", "bio", "city", "department", "skills", "certifications",
    "availability", "audience",
)  # fmt: skip
MAX_ROWS = 20_000
MAX_BYTES = 64 * 1024 * 1024
NAME_LENGTH = 80
#: Default values for a new member, used when a cell is empty.
DEFAULTS = {"status": "employee", "availability": "available", "audience": "network"}


@dataclass
class ImportResult:
    """What an import did: the accounts created, updated, and newly verified."""

    created: list[User] = field(default_factory=list)
    updated: list[User] = field(default_factory=list)
    verified: list[User] = field(default_factory=list)

    @property
    def total(self) -> int:
        return len(self.created) + len(self.updated)


class ImportErrors(ValidationError):
    """The file was refused; ``errors`` lists every (line, message), line 0 for the whole file."""

    def __init__(self, errors: list[tuple[int, str]]):
        self.errors = sorted(errors, key=lambda e: e[0])
        super().__init__(_("The file has errors: nothing was imported."), {"file": self.lines()})

    def lines(self) -> list[str]:
        return [format_error(line, message) for line, message in self.errors]


def format_error(line: int, message: str) -> str:
    if line <= 0:
        return message
    return _("line %(line)d: %(message)s", line=line, message=message)


@dataclass
class _Row:
    line: int
    email: str
    first_name: str
    last_name: str
    profile: dict[str, Any]
    user: User | None = None


# Reading the file ------------------------------------------------------------------------------


def _read_text(stream: IO[bytes] | IO[str] | bytes | str) -> str:
    """The file's text; UTF-8 with or without a byte order mark."""
    raw = stream if isinstance(stream, bytes | str) else stream.read(MAX_BYTES + 1)
    if len(raw) > MAX_BYTES:
        raise ImportErrors(
            [(0, _("The file is too large (at most %(n)d MB).", n=MAX_BYTES // (1024 * 1024)))]
        )
    if isinstance(raw, str):
        return raw.removeprefix("\ufeff")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise ImportErrors(
            [(line, _("the file is not encoded in UTF-8 (save it as “CSV UTF-8”)."))]
        )


def _records(text: str) -> Iterator[tuple[int, list[str]]]:
    """(first physical line, cells) for each record, blank records skipped."""
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    previous = 0
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            raise ImportErrors(
                [(previous + 1, _("malformed CSV (%(detail)s).", detail=str(error)))]
            )
        start, previous = previous + 1, reader.line_num
        if any(cell.strip() for cell in cells):
            yield start, cells


def _header(line: int, cells: list[str]) -> list[str]:
    names = [clean(cell).lower() for cell in cells]
    errors: list[tuple[int, str]] = []
    if len(names) == 1 and ";" in names[0]:
        errors.append((line, _("the columns must be separated by commas, not semicolons.")))
        raise ImportErrors(errors)
    seen: set[str] = set()
    for name in names:
        if name and name in seen:
            errors.append((line, _("column “%(name)s” appears twice.", name=name)))
        elif name and name not in COLUMNS:
            errors.append((line, _("unknown column “%(name)s”.", name=name)))
        seen.add(name)
    for name in COLUMNS:
        if name not in seen:
            errors.append((line, _("missing column “%(name)s”.", name=name)))
    if errors:
        raise ImportErrors(errors)
    return names


# Checking a row --------------------------------------------------------------------------------


def _choice(cell: str, allowed: tuple[str, ...]) -> str | None:
    value = cell.strip().lower()
    return value if value in allowed else None


def _parse_skills(cell: str, errors: list[str]) -> list[dict[str, Any]] | None:
    skills: list[dict[str, Any]] = []
    ok = True
    for part in cell.split(";"):
        if not part.strip():
            continue
        name, colon, level = part.rpartition(":")
        name, level = clean(name), level.strip()
        if not colon or not name:
            ok = False
            errors.append(
                _(
                    "competence “%(value)s”: write name:level, the level from 1 to 4.",
                    value=clean(part),
                )
            )
        elif small_number(level) not in SkillLevel.values():
            ok = False
            errors.append(
                _(
                    "competence “%(name)s”: level “%(level)s” must be from 1 to 4.",
                    name=name,
                    level=level,
                )
            )
        else:
            skills.append({"name": name, "level": int(level)})
    return skills if ok else None


def _field_message(column: str, message: str) -> str:
    return _("%(column)s: %(message)s", column=column, message=message)


def _check_name(value: str, column: str, errors: list[str]) -> str:
    value = clean(value)
    if not value:
        errors.append(_field_message(column, _("This field is required.")))
    elif len(value) > NAME_LENGTH:
        errors.append(_field_message(column, _("At most %(n)d characters.", n=NAME_LENGTH)))
    return value


def _check_row(line: int, cells: dict[str, str]) -> tuple[_Row | None, list[str]]:
    errors: list[str] = []
    email = _check_email(cells["email"], errors)
    first_name = _check_name(cells["first_name"], "first_name", errors)
    last_name = _check_name(cells["last_name"], "last_name", errors)
    profile = _check_profile(cells, errors)
    if errors:
        return None, errors
    return _Row(line, email, first_name, last_name, profile), []


def _check_email(raw: str, errors: list[str]) -> str:
    """The normalised e-mail address, or "" with its error appended."""
    raw_email = clean(raw)
    if not raw_email:
        errors.append(_field_message("email", _("This field is required.")))
        return ""
    try:
        return normalize_email(raw_email)
    except ValidationError:
        errors.append(_("invalid e-mail address “%(value)s”.", value=raw_email))
        return ""


def _unknown_value(column: str, value: str, allowed: tuple[str, ...]) -> str:
    values = ", ".join(allowed)
    if column == "status":
        return _("unknown status “%(value)s” (one of: %(values)s).", value=value, values=values)
    if column == "availability":
        return _(
            "unknown availability “%(value)s” (one of: %(values)s).", value=value, values=values
        )
    return _("unknown audience “%(value)s” (one of: %(values)s).", value=value, values=values)


def _check_choices(cells: dict[str, str], profile: dict[str, Any], errors: list[str]) -> None:
    """Status, availability and audience: one of their values, whatever the case."""
    for column, allowed in (
        ("status", ProfileStatus.values()),
        ("availability", Availability.values()),
        ("audience", Audience.values()),
    ):
        value = cells[column].strip()
        if not value:
            continue
        choice = _choice(value, allowed)
        if choice is None:
            errors.append(_unknown_value(column, value, allowed))
        else:
            profile[column] = choice


def _check_profile(cells: dict[str, str], errors: list[str]) -> dict[str, Any]:
    """The profile data of a row, checked by the rules of the profile form."""
    profile: dict[str, Any] = {}
    for column in ("headline", "city", "bio", "certifications"):
        if cells[column].strip():
            profile[column] = cells[column]
    _check_choices(cells, profile, errors)
    if cells["department"].strip():
        code = normalize_department(cells["department"])
        if code is None:
            errors.append(_("unknown department “%(value)s”.", value=cells["department"].strip()))
        else:
            profile["department"] = code
    if cells["skills"].strip():
        skills = _parse_skills(cells["skills"], errors)
        if skills is not None:
            profile["skills"] = skills
    try:
        ProfileUpdate.load(profile, partial=True)  # update_profile() checks it again
    except ValidationError as error:  # lengths, counts: the rules of the profile form
        for column, messages in error.fields.items():
            errors.extend(_field_message(column, message) for message in messages)
    return profile


def _existing_users(emails: list[str]) -> dict[str, User]:
    found: dict[str, User] = {}
    for start in range(0, len(emails), 500):
        chunk = emails[start : start + 500]
        for user in db.session.scalars(select(User).where(User.email.in_(chunk))):
            found[user.email] = user
    return found


def check_members(cae: Cae, stream: IO[bytes] | IO[str] | bytes | str) -> list[_Row]:
    """Read and check the whole file without writing; ImportErrors lists every problem."""
    records = _records(_read_text(stream))
    first = next(records, None)
    if first is None:
        raise ImportErrors([(0, _("The file is empty: it needs a header row."))])
    names = _header(*first)
    errors: list[tuple[int, str]] = []
    rows: list[_Row] = []
    first_line_of: dict[str, int] = {}
    count = 0
    for line, cells in records:
        count += 1
        if count > MAX_ROWS:
            errors.append((line, _("at most %(n)d members per file.", n=MAX_ROWS)))
            break
        extra = cells[len(names) :]
        if len(cells) < len(names) or any(cell.strip() for cell in extra):
            errors.append(
                (
                    line,
                    _(
                        "%(found)d cells instead of %(expected)d.",
                        found=len(cells),
                        expected=len(names),
                    ),
                )
            )
            continue
        row, messages = _check_row(line, dict(zip(names, cells, strict=False)))
        errors.extend((line, message) for message in messages)
        if row is None:
            continue
        if row.email in first_line_of:
            errors.append(
                (
                    line,
                    _(
                        "the address “%(email)s” already appears on line %(first)d.",
                        email=row.email,
                        first=first_line_of[row.email],
                    ),
                )
            )
            continue
        first_line_of[row.email] = line
        rows.append(row)
    existing = _existing_users([row.email for row in rows])
    for row in rows:
        user = existing.get(row.email)
        if user is not None and user.cae_id != cae.id:
            errors.append(
                (
                    row.line,
                    _(
                        "the address “%(email)s” belongs to an account outside this CAE.",
                        email=row.email,
                    ),
                )
            )
        row.user = user
    if errors:
        raise ImportErrors(errors)
    return rows


# Writing ---------------------------------------------------------------------------------------


def new_profile_loaded(profile: Any) -> None:
    """Tell the ORM that a profile created in this transaction has no competences yet, so that
    update_profile() does not query for them (three queries saved per new person)."""
    for name in ("skills", "certifications", "languages"):
        set_committed_value(profile, name, [])


def import_members(
    actor: Viewer, cae: Cae, stream: IO[bytes] | IO[str] | bytes | str, verified: bool = False
) -> ImportResult:
    """Create or update the members of a file; all or nothing (ImportErrors, nothing written).

    actor is SYSTEM for the command line; otherwise it must manage the CAE. New members get an
    invitation to choose a password, sent once the caller commits. With ``verified``, new
    members are verified and members still pending become verified.
    """
    if actor is not SYSTEM and not actor.manages(cae.id):
        raise PermissionDenied(_("Only the managers of this CAE can do this."))
    rows = check_members(cae, stream)
    result = ImportResult()
    errors: list[tuple[int, str]] = []
    for row in rows:
        try:
            _write_row(actor, cae, row, verified, result)
        except ValidationError as error:  # should not happen after checking; never half-write
            details = [_field_message(k, m) for k, msgs in error.fields.items() for m in msgs]
            errors.extend((row.line, message) for message in details or [error.message])
    if errors:
        raise ImportErrors(errors)
    for user in result.created:
        send_invitation(user)  # queued: leaves only after the caller's commit
    return result


def _write_row(actor: Viewer, cae: Cae, row: _Row, verified: bool, result: ImportResult) -> None:
    profile_data = dict(row.profile)
    user = row.user
    if user is None:
        user = create_account(
            actor,
            email=row.email,
            first_name=row.first_name,
            last_name=row.last_name,
            cae=cae,
            status=profile_data.get("status", DEFAULTS["status"]),
            password=None,
            verified=verified,
        )
        new_profile_loaded(user.profile)
        for key in ("availability", "audience"):
            profile_data.setdefault(key, DEFAULTS[key])
        result.created.append(user)
        if verified:
            result.verified.append(user)
    else:
        # Permission was checked for the whole CAE above; the person belongs to it.
        update_account(
            SYSTEM, user, first_name=row.first_name, last_name=row.last_name, locale=user.locale
        )
        result.updated.append(user)
        if verified and user.membership == "pending" and actor.id != user.id:
            change_membership(actor, user, "verified")
            result.verified.append(user)
    update_profile(actor, profile_of(user), profile_data)
