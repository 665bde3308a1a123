"""The members file of a CAE (API.md): a CSV checked whole, then written whole or not at all.

``import_members(actor, cae, stream, verified)`` reads the file, checks every row (the rules of
the account and profile forms: ProfileUpdate) and, only if no row has an error, writes them in
bulk (``write_members``): a few multi-row statements per 1,000 rows instead of the operations
of one person per row, with the same effects (accounts without a usable password, membership
history, compare-and-set for the pending members verified, audit entries, invitations in the
outbox, the search change log). Any error raises ImportErrors listing every problem with its
line number (the header is line 1; a quoted cell with line breaks counts all its lines). The
function flushes and never commits: the caller commits, or rolls back on error (the command
line does; so does a request answering >= 400).

Empty cells: a new member gets the defaults (status ``employee``, availability ``available``,
audience ``network``); for a member already known by e-mail, an empty cell leaves the current
value as it is, so a sparse file never wipes what people wrote on their profile.
"""

from __future__ import annotations

import csv
import io
import itertools
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from types import SimpleNamespace
from typing import IO, Any, cast

from flask_babel import gettext as _
from sqlalchemy import (
    ARRAY,
    Integer,
    String,
    Table,
    any_,
    bindparam,
    delete,
    insert,
    select,
    update,
)
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.util import identity_key

from marketplace.accounts.models import MembershipEvent, User, new_session_token
from marketplace.accounts.notify import send_invitations
from marketplace.accounts.operations import normalize_email
from marketplace.actors import SYSTEM, Viewer
from marketplace.audience import Audience
from marketplace.audit import AuditEntry
from marketplace.caes.models import Cae
from marketplace.errors import Conflict, InvalidTransition, PermissionDenied, ValidationError
from marketplace.extensions import db
from marketplace.geo import normalize_department
from marketplace.ids import small_number
from marketplace.places.gazetteer import locate
from marketplace.profiles.models import (
    Availability,
    Profile,
    ProfileCertification,
    ProfileSkill,
    ProfileStatus,
)
from marketplace.profiles.schemas import ProfileUpdate
from marketplace.search import documents
from marketplace.search.changelog import log_changes
from marketplace.skills.models import Certification, Skill, SkillLevel
from marketplace.statemachine import change_states
from marketplace.text import clean, fold
from marketplace.timeutil import utcnow

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
#: Profile columns a row may give (competences and certifications are rows of their own).
PROFILE_FIELDS = ("headline", "bio", "status", "city", "department", "availability", "audience")
MAX_ROWS = 20_000
#: From this many rows the command line shows its progress even when stderr is not a terminal.
LARGE_FILE_ROWS = 1000
#: Rows written per group of statements (and per step of the progress bar).
BATCH = 1000
#: progress(step, done, total): how far the checking ("check") or the writing ("write") went.
Progress = Callable[[str, int, int], None]
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
    if errors or profile is None:
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


def _check_profile(cells: dict[str, str], errors: list[str]) -> dict[str, Any] | None:
    """The profile data of a row, checked by the rules of the profile form (ProfileUpdate):
    the values to write, or None with the errors appended."""
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
        checked = ProfileUpdate.load(profile, partial=True)
    except ValidationError as error:  # lengths, counts: the rules of the profile form
        for column, messages in error.fields.items():
            errors.extend(_field_message(column, message) for message in messages)
        return None
    return checked.given()


def _existing_users(emails: list[str]) -> dict[str, User]:
    found: dict[str, User] = {}
    for start in range(0, len(emails), 500):
        chunk = emails[start : start + 500]
        for user in db.session.scalars(select(User).where(User.email.in_(chunk))):
            found[user.email] = user
    return found


def check_members(
    cae: Cae, stream: IO[bytes] | IO[str] | bytes | str, progress: Progress | None = None
) -> list[_Row]:
    """Read and check the whole file without writing; ImportErrors lists every problem."""
    reader = _records(_read_text(stream))
    first = next(reader, None)
    if first is None:
        raise ImportErrors([(0, _("The file is empty: it needs a header row."))])
    names = _header(*first)
    records = list(itertools.islice(reader, MAX_ROWS + 1))  # one more: the error names it
    errors: list[tuple[int, str]] = []
    rows: list[_Row] = []
    first_line_of: dict[str, int] = {}
    count = 0
    for line, cells in records:
        count += 1
        if progress and count % 200 == 0:
            progress("check", count, len(records))
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
    if progress:
        progress("check", count, len(records))
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
    actor: Viewer,
    cae: Cae,
    stream: IO[bytes] | IO[str] | bytes | str,
    verified: bool = False,
    progress: Progress | None = None,
) -> ImportResult:
    """Create or update the members of a file; all or nothing (ImportErrors, nothing written).

    actor is SYSTEM for the command line; otherwise it must manage the CAE. New members get an
    invitation to choose a password, sent once the caller commits. With ``verified``, new
    members are verified and members still pending become verified. ``progress(step, done,
    total)`` is told how far the checking ("check") and the writing ("write") went.
    """
    if actor is not SYSTEM and not actor.manages(cae.id):
        raise PermissionDenied(_("Only the managers of this CAE can do this."))
    rows = check_members(cae, stream, progress)
    return write_members(actor, cae, rows, verified, progress)


def write_members(
    actor: Viewer, cae: Cae, rows: list[_Row], verified: bool, progress: Progress | None = None
) -> ImportResult:
    """Write checked rows in bulk: a few statements per batch of rows, never one per row.

    The same rules as the operations of one person (create_account, update_account,
    update_profile, change_membership): new accounts have no usable password until the
    invitation is used, each membership move is a compare-and-set with its history row and
    audit entry, and every written row is logged for the search index (search/changelog.py),
    in the caller's transaction.
    """
    session = db.session
    result = ImportResult()
    new_rows = [row for row in rows if row.user is None]
    old_rows = [row for row in rows if row.user is not None]
    done = 0
    skills = _shared_records(Skill, (n for r in rows for n, _l in r.profile.get("skills", ())))
    certifications = _shared_records(
        Certification, (n for r in rows for n in r.profile.get("certifications", ()))
    )
    now = utcnow()
    changed: dict[type, list[Any]] = {Profile: [], ProfileSkill: [], ProfileCertification: []}
    for start in range(0, len(new_rows), BATCH):
        batch = new_rows[start : start + BATCH]
        users = _create_accounts(actor, cae, batch, verified, now)
        result.created.extend(users)
        if verified:
            result.verified.extend(users)
        profile_ids = _create_profiles(batch, users, now)
        _write_competences(batch, profile_ids, skills, certifications, replace=False)
        _collect_changes(changed, batch, profile_ids, [u.id for u in users])
        done += len(batch)
        if progress:
            progress("write", done, len(rows))
    for start in range(0, len(old_rows), BATCH):
        batch = old_rows[start : start + BATCH]
        users = [cast(User, row.user) for row in batch]
        result.updated.extend(users)
        result.verified.extend(_update_accounts(actor, cae, batch, verified))
        profile_ids = _update_profiles(batch, now)
        _write_competences(batch, profile_ids, skills, certifications, replace=True)
        _collect_changes(changed, batch, profile_ids, [u.id for u in users])
        done += len(batch)
        if progress:
            progress("write", done, len(rows))
    _log_search_changes(changed)
    session.flush()  # the accounts' names and memberships (their change log follows the ORM)
    send_invitations(result.created)  # queued: they leave only after the caller's commit
    return result


def _table(model: Any) -> Table:
    return cast(Table, model.__table__)


def _shared_records(model: type[Skill] | type[Certification], names: Iterable[str]) -> dict:
    """{name as written: id} of the skills (or certifications) named, the missing ones created.

    One SELECT per 1,000 names, one multi-row INSERT of the missing ones that leaves alone a key
    a concurrent transaction has just created (ON CONFLICT DO NOTHING), then one SELECT of them.
    """
    key_of: dict[str, str] = {}
    wanted: dict[str, str] = {}
    for raw in names:
        if raw not in key_of:
            name = clean(raw)
            key_of[raw] = key = fold(name)
            if key and key not in wanted:
                wanted[key] = name
    table = _table(model)
    found = _ids_by_key(table, list(wanted))
    missing = [{"name": wanted[k], "key": k, **_defaults(model)} for k in wanted if k not in found]
    if missing:
        insert_into = postgresql_insert if _postgresql() else sqlite_insert
        statement = insert_into(table).on_conflict_do_nothing(index_elements=["key"])
        db.session.execute(statement, missing)
        found.update(_ids_by_key(table, [row["key"] for row in missing]))
    return {raw: found[key] for raw, key in key_of.items() if key}


def _defaults(model: type[Skill] | type[Certification]) -> dict[str, Any]:
    return {"created_at": utcnow()} if model is Skill else {}


def _ids_by_key(table: Table, keys: list[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for start in range(0, len(keys), 1000):
        chunk = keys[start : start + 1000]
        stmt = select(table.c.key, table.c.id).where(table.c.key.in_(chunk))
        found.update((cast(str, key), cast(int, id_)) for key, id_ in db.session.execute(stmt))
    return found


def _create_accounts(
    actor: Viewer, cae: Cae, batch: list[_Row], verified: bool, now: datetime
) -> list[User]:
    """The accounts of new people (create_account's values: role member, no password), one
    INSERT … RETURNING for the batch, with their membership history."""
    membership = "verified" if verified else "pending"
    values = [
        {
            "email": row.email,
            "first_name": row.first_name,
            "last_name": row.last_name,
            "cae_id": cae.id,
            "role": "member",
            "membership": membership,
            "password_hash": None,
            "password_changed_at": None,
            "session_token": new_session_token(),
            "created_at": now,
        }
        for row in batch
    ]
    try:
        if _postgresql():  # see _postgresql()
            db.session.execute(insert(_table(User)), values)
            emails = bindparam("emails", [row.email for row in batch], type_=ARRAY(String))
            inserted = db.session.scalars(select(User).where(User.email == any_(emails)))
        else:
            inserted = db.session.scalars(insert(User).returning(User), values)
        by_email = {user.email: user for user in inserted}  # RETURNING keeps no order
        users = [by_email[row.email] for row in batch]
    except IntegrityError:  # an address created meanwhile by another request
        raise Conflict(
            _("An account already exists with this e-mail address."),
            {"email": [_("An account already exists with this e-mail address.")]},
        ) from None
    for user in users:
        set_committed_value(user, "cae", cae)
    _record_memberships(actor, cae, users, None, membership, now)
    return users


def _record_memberships(
    actor: Viewer, cae: Cae, users: list[User], frm: str | None, to: str, now: datetime
) -> None:
    events = [
        {"user_id": u.id, "cae_id": cae.id, "actor_id": actor.id, "from_state": frm,
         "to_state": to, "note": "", "at": now}
        for u in users
    ]  # fmt: skip
    if events:
        db.session.execute(insert(_table(MembershipEvent)), events)


def _create_profiles(batch: list[_Row], users: list[User], now: datetime) -> list[int]:
    """The profiles of new accounts, the file's values over the defaults; their ids in order."""
    values = []
    for row, user in zip(batch, users, strict=True):
        given = row.profile
        values.append({
            "user_id": user.id,
            "headline": given.get("headline") or "",
            "bio": given.get("bio") or "",
            "status": given.get("status") or DEFAULTS["status"],
            "city": given.get("city") or "",
            "department": given.get("department"),
            **_location(given.get("city") or "", given.get("department")),
            "availability": given.get("availability") or DEFAULTS["availability"],
            "audience": given.get("audience") or DEFAULTS["audience"],
            "created_at": now,
            "updated_at": now,
        })  # fmt: skip
    table = _table(Profile)
    if _postgresql():
        db.session.execute(insert(table), values)
        ids = bindparam("ids", [user.id for user in users], type_=ARRAY(Integer))
        stmt = select(table.c.user_id, table.c.id).where(table.c.user_id == any_(ids))
        written = db.session.execute(stmt)
    else:
        written = db.session.execute(insert(table).returning(table.c.user_id, table.c.id), values)
    by_user = {cast(int, u): cast(int, i) for u, i in written}
    return [by_user[user.id] for user in users]


def _postgresql() -> bool:
    """On PostgreSQL a plain executemany INSERT (psycopg pipelines one short statement, parsed
    once) then one read by ``= ANY(array)`` beats ``INSERT … VALUES (…), (…) RETURNING``, whose
    1,000-row statements psycopg parses anew each time (about 0.1 s each)."""
    return db.session.get_bind().dialect.name == "postgresql"


def _update_accounts(actor: Viewer, cae: Cae, batch: list[_Row], verified: bool) -> list[User]:
    """Known members: their names (update_account), and with ``verified`` the pending ones
    verified (change_membership: one compare-and-set for the batch, history, audit)."""
    for row in batch:
        user = cast(User, row.user)
        if (user.first_name, user.last_name) != (row.first_name, row.last_name):
            user.first_name, user.last_name = row.first_name, row.last_name
    if not verified:
        return []
    pending = [
        cast(User, row.user)
        for row in batch
        if cast(User, row.user).membership == "pending" and actor.id != cast(User, row.user).id
    ]
    if not pending:
        return []
    conflict = InvalidTransition(_("This membership cannot move to that state."))
    change_states(pending, "membership", "pending", "verified", conflict)
    _record_memberships(actor, cae, pending, "pending", "verified", utcnow())
    entries = [
        {"actor_id": actor.id if actor.is_authenticated else None, "action": "membership",
         "subject_id": u.id, "cae_id": cae.id, "detail": "pending → verified", "at": utcnow()}
        for u in pending
    ]  # fmt: skip
    db.session.execute(insert(_table(AuditEntry)), entries)
    return pending


def _update_profiles(batch: list[_Row], now: datetime) -> list[int]:
    """Known members' profiles: the cells given (an empty cell keeps the value), one UPDATE
    per set of columns; their ids in the batch's order."""
    table = _table(Profile)
    user_ids = [cast(User, row.user).id for row in batch]
    stmt = select(table.c.user_id, table.c.id).where(table.c.user_id.in_(user_ids))
    by_user = {cast(int, user_id): cast(int, id_) for user_id, id_ in db.session.execute(stmt)}
    groups: dict[tuple[str, ...], list[dict[str, Any]]] = {}
    profile_ids: list[int] = []
    for row, user_id in zip(batch, user_ids, strict=True):
        if user_id not in by_user:
            raise LookupError(f"{row.user!r} has no profile")
        profile_ids.append(by_user[user_id])
        values = {k: v for k, v in row.profile.items() if k in PROFILE_FIELDS}
        values["updated_at"] = now
        columns = tuple(sorted(values))
        groups.setdefault(columns, []).append({"profile_id": by_user[user_id], **values})
    for columns, params in groups.items():
        statement = (
            update(table)
            .where(table.c.id == bindparam("profile_id"))
            .values({name: bindparam(name) for name in columns})
        )
        db.session.execute(statement, params)
    moved = [
        by_user[user_id]
        for row, user_id in zip(batch, user_ids, strict=True)
        if "city" in row.profile or "department" in row.profile
    ]
    _relocate(table, moved)
    _expire_loaded(Profile, profile_ids)
    return profile_ids


def _location(city: str, department: str | None) -> dict[str, float | None]:
    """The commune's centre for a profile written around the ORM (whose insert and update
    events keep it in step otherwise: places.filters.track_location)."""
    point = locate(city, department)
    return {"latitude": point[0] if point else None, "longitude": point[1] if point else None}


def _relocate(table: Any, profile_ids: list[int]) -> None:
    """The centre of the profiles whose city or department a file changed (one read, one
    UPDATE per batch)."""
    if not profile_ids:
        return
    rows = db.session.execute(
        select(table.c.id, table.c.city, table.c.department).where(table.c.id.in_(profile_ids))
    )
    params = [
        {"profile_id": id_, **_location(cast(str, city or ""), cast("str | None", dep))}
        for id_, city, dep in rows
    ]
    statement = (
        update(table)
        .where(table.c.id == bindparam("profile_id"))
        .values(latitude=bindparam("latitude"), longitude=bindparam("longitude"))
    )
    db.session.execute(statement, params)


def _expire_loaded(model: Any, ids: list[int]) -> None:
    """Objects of the session written around the ORM read the database again when next used."""
    for id_ in ids:
        loaded = db.session.identity_map.get(identity_key(model, id_))
        if loaded is not None:
            db.session.expire(loaded)


def _write_competences(
    batch: list[_Row],
    profile_ids: list[int],
    skills: dict[str, int],
    certifications: dict[str, int],
    replace: bool,
) -> None:
    """The competences and certifications of the rows that give them (update_profile: the
    file's list replaces the profile's, in its order)."""
    for column, records, name_of, link in (
        ("skills", skills, lambda item: item[0], ProfileSkill),
        ("certifications", certifications, lambda item: item, ProfileCertification),
    ):
        owners = [pid for row, pid in zip(batch, profile_ids, strict=True) if column in row.profile]
        if not owners:
            continue
        table = _table(link)
        if replace:
            db.session.execute(delete(table).where(table.c.profile_id.in_(owners)))
        values: list[dict[str, Any]] = []
        for row, pid in zip(batch, profile_ids, strict=True):
            for position, item in enumerate(row.profile.get(column, ())):
                record_id = records[name_of(item)]
                if link is ProfileSkill:
                    values.append({"profile_id": pid, "skill_id": record_id,
                                   "level": item[1], "position": position})  # fmt: skip
                else:
                    values.append({"profile_id": pid, "certification_id": record_id})
        if values:
            db.session.execute(insert(table), values)
        if replace:
            _expire_loaded(Profile, owners)


def _collect_changes(
    changed: dict[type, list[Any]], batch: list[_Row], profile_ids: list[int], user_ids: list[int]
) -> None:
    """What the batch wrote, in the shape the search watches read (documents.Watch)."""
    for row, pid, uid in zip(batch, profile_ids, user_ids, strict=True):
        changed[Profile].append(SimpleNamespace(id=pid, user_id=uid))
        if "skills" in row.profile:
            changed[ProfileSkill].append(SimpleNamespace(profile_id=pid))
        if "certifications" in row.profile:
            changed[ProfileCertification].append(SimpleNamespace(profile_id=pid))


def _log_search_changes(changed: dict[type, list[Any]]) -> None:
    """The search change log of the rows written around the ORM: each watch of the document
    types maps them to the documents to index again, as the session events do for a flush.

    The new accounts themselves are not looked up: the documents that show an account are
    its profile's (logged with the profiles written) and those of collectives, tenders and
    offers it belongs to, which an account created in this transaction has none of."""
    watches = documents.watches_by_model()
    connection = db.session.connection()
    keys: set[tuple[str, int]] = set()
    for model, objects in changed.items():
        for watch in watches.get(model, ()):
            for start in range(0, len(objects), 5000):
                ids = watch.doc_ids(connection, objects[start : start + 5000])
                keys.update((watch.doc_type, i) for i in ids if i is not None)
    log_changes(db.session(), keys)
