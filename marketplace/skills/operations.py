"""Skills and certifications are shared records, found or created by their folded name."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TypeVar

from sqlalchemy import select

from marketplace.extensions import db
from marketplace.skills.models import Certification, Skill
from marketplace.text import clean, fold

MAX_NAME = 120


#: The shared records keyed by their folded name.
_Record = TypeVar("_Record", Skill, Certification)


def _get_or_create(model: type[_Record], names: Iterable[str]) -> dict[str, _Record]:
    """Map each folded key to its record, creating the missing ones (flush, no commit)."""
    wanted: dict[str, str] = {}
    for raw in names:
        name = clean(raw)
        key = fold(name)
        if key and key not in wanted:
            wanted[key] = name
    if not wanted:
        return {}
    found: dict[str, _Record] = {
        r.key: r for r in db.session.scalars(select(model).where(model.key.in_(wanted)))
    }
    for key, name in wanted.items():
        if key not in found:
            record = model(name=name, key=key)
            # A concurrent transaction may create the same key: a savepoint keeps ours alive.
            try:
                with db.session.begin_nested():
                    db.session.add(record)
                    db.session.flush()
            except Exception:  # IntegrityError on the unique key
                existing = db.session.scalar(select(model).where(model.key == key))
                if existing is None:
                    raise
                record = existing
            found[key] = record
    return found


def get_or_create_skills(names: Iterable[str]) -> dict[str, Skill]:
    return _get_or_create(Skill, names)


def get_or_create_certifications(names: Iterable[str]) -> dict[str, Certification]:
    return _get_or_create(Certification, names)


def find_skill(name: str) -> Skill | None:
    return db.session.scalar(select(Skill).where(Skill.key == fold(name)))


def skill_prefix_clause(query: str):
    """Skills whose folded name starts with the folded query, or has a word that does."""
    key = fold(query).replace("\\", "").replace("%", "").replace("_", "")
    return (Skill.key.like(f"{key}%")) | (Skill.key.like(f"% {key}%"))
