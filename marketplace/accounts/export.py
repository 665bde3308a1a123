"""Download my data: every row of the database that is about the person, as JSON.

Generated from the schema, so a new table with a foreign key to a person or a profile is
exported without anyone remembering to add it. Secrets (password and token hashes, the
session token) never leave the database.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import or_, select

from marketplace.accounts.models import User
from marketplace.extensions import db
from marketplace.timeutil import utcnow

#: Columns never exported.
SECRET_COLUMNS = {"password_hash", "session_token", "token_hash"}
#: Sections a domain adds to the export (name → the person's data), for what the schema alone
#: cannot tell: e.g. the conversations, with the messages the others wrote to the person.
SECTIONS: dict[str, Callable[[User], Any]] = {}


def register_section(name: str, build: Callable[[User], Any]) -> None:
    SECTIONS[name] = build


def _value(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def _rows(table, clause) -> list[dict[str, Any]]:
    columns = [c for c in table.columns if c.name not in SECRET_COLUMNS]
    result = db.session.execute(select(*columns).where(clause).order_by(*table.primary_key))
    return [{key: _value(v) for key, v in row._mapping.items()} for row in result]


def personal_data(user: User) -> dict[str, Any]:
    """{account, profile, <table>: [rows naming the person or their profile]}."""
    profile_id = user.profile.id if user.profile is not None else None
    data: dict[str, Any] = {
        "exported_at": utcnow().isoformat(),
        "account": _rows(User.__table__, User.__table__.c.id == user.id)[0],
    }
    for table in db.metadata.sorted_tables:
        if table.name == "users":
            continue
        clauses = []
        for column in table.columns:
            for fk in column.foreign_keys:
                target = fk.column.table.name
                if target == "users":
                    clauses.append(column == user.id)
                elif target == "profiles" and profile_id is not None:
                    clauses.append(column == profile_id)
        if table.name == "profiles" and profile_id is not None:
            clauses.append(table.c.id == profile_id)
        if not clauses:
            continue

        rows = _rows(table, or_(*clauses))
        if rows:
            data[table.name] = rows
    for name, build in SECTIONS.items():
        data[name] = build(user)
    return data
