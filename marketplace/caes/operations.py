"""CAEs: creation and edition by admins (and, partly, their managers); the directory.

What is written is checked by schemas.CaeInput; the name's uniqueness needs the database.

Operations take the acting user first (SYSTEM = the command line), flush, never commit.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import Any, NamedTuple

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from marketplace import audit
from marketplace.accounts.operations import cae_member_counts
from marketplace.actors import SYSTEM, Viewer
from marketplace.caes.models import Cae
from marketplace.caes.schemas import CaeInput
from marketplace.errors import Conflict, NotFound, PermissionDenied, ValidationError
from marketplace.extensions import db
from marketplace.geo import REGIONS, departments_in, normalize_department
from marketplace.text import clean, fold

FIELDS = tuple(CaeInput.model_fields)
#: What the managers of a CAE may change on its page; the rest is for administrators.
MANAGER_FIELDS = ("website", "sectors", "description", "siren")


# Checks needing the database -------------------------------------------------------------------


def _name_taken(name: str, exclude_id: int | None) -> bool:
    """Whether another CAE already has this name, ignoring case and accents (ÉLAN = Elan)."""
    key = fold(name)
    rows = db.session.execute(select(Cae.id, Cae.name)).all()
    return any(fold(other) == key and cae_id != exclude_id for cae_id, other in rows)


def _checked(
    data: CaeInput | Mapping[str, Any], *, partial: bool, exclude_id: int | None
) -> dict[str, Any]:
    """The values given (checked by CaeInput), the name being free: Conflict when it is the
    only problem, among the other fields' messages otherwise."""
    taken_message = _("A CAE with this name already exists.")
    try:
        checked = data if isinstance(data, CaeInput) else CaeInput.load(data, partial=partial)
    except ValidationError as error:
        name = data.get("name") if isinstance(data, Mapping) else None
        free = "name" in error.fields or not isinstance(name, str) or not clean(name)
        if not free and _name_taken(clean(name), exclude_id):
            error.fields["name"] = [taken_message]
        raise
    values = checked.given()
    if values.get("name") and _name_taken(values["name"], exclude_id):
        raise Conflict(taken_message, {"name": [taken_message]})
    if values.get("siren") and _siren_taken(values["siren"], exclude_id):
        message = _("Another CAE already has this SIREN.")
        raise Conflict(message, {"siren": [message]})
    return values


def _flush_unique(cae: Cae, *, add: bool = False) -> None:
    """Write the CAE; a name or SIREN taken at the same moment by another request is a
    Conflict (the unique constraints decide), not a server error."""
    try:
        with db.session.begin_nested():
            if add:
                db.session.add(cae)
            db.session.flush()
    except IntegrityError:
        message = _("Another CAE already has this name or SIREN.")
        raise Conflict(message) from None


def _siren_taken(siren: str, exclude_id: int | None) -> bool:
    found = db.session.scalar(select(Cae.id).where(Cae.siren == siren))
    return found is not None and found != exclude_id


# Creation and edition --------------------------------------------------------------------------


def _apply(cae: Cae, values: dict[str, Any]) -> None:
    for key, value in values.items():
        setattr(cae, key, ";".join(value) if key == "sectors" else value)


def create_cae(actor: Viewer, data: CaeInput | Mapping[str, Any]) -> Cae:
    """Add a CAE to the directory: administrators (or the command line, SYSTEM) only."""
    if actor is not SYSTEM and not actor.is_admin:
        raise PermissionDenied(_("Only administrators can add a CAE."))
    values = _checked(data, partial=False, exclude_id=None)
    cae = Cae(name=values["name"], department=values["department"], city="", sectors="")
    cae.description = ""
    _apply(cae, values)
    _flush_unique(cae, add=True)
    audit.record(actor, "cae_created", cae_id=cae.id, detail=cae.name)
    return cae


def editable_fields(actor: Viewer, cae: Cae) -> tuple[str, ...]:
    """The fields of this CAE that the actor may change (empty: none)."""
    if actor is SYSTEM or actor.is_admin:
        return FIELDS
    if actor.is_manager and actor.cae_id == cae.id:
        return MANAGER_FIELDS
    return ()


def update_cae(actor: Viewer, cae: Cae, data: CaeInput | Mapping[str, Any]) -> Cae:
    """Change a CAE: administrators change anything, its managers the description,
    website and sectors."""
    allowed = editable_fields(actor, cae)
    if not allowed:
        raise PermissionDenied(_("Only administrators and the managers of this CAE can do this."))
    given = data.given() if isinstance(data, CaeInput) else data
    if isinstance(given, Mapping):
        forbidden = [key for key in given if key in FIELDS and key not in allowed]
        if forbidden:
            raise PermissionDenied(
                _("Only administrators can change the name, city and department of a CAE.")
            )
    values = _checked(data, partial=True, exclude_id=cae.id)
    _apply(cae, values)
    _flush_unique(cae)
    audit.record(actor, "cae_updated", cae_id=cae.id, detail=", ".join(sorted(values)))
    db.session.flush()
    return cae


def get_cae(cae_id: int) -> Cae:
    cae = db.session.get(Cae, cae_id)
    if cae is None:
        raise NotFound(_("This CAE does not exist."))
    return cae


# The directory --------------------------------------------------------------------------------


@dataclass
class CaeFilters:
    #: A region name from geo.REGIONS.
    region: str | None = None
    #: A department code.
    department: str | None = None
    #: Text matched against the sectors (case and accents ignored).
    sector: str | None = None
    #: Text matched against the name and the city.
    q: str | None = None


class CaeRow(NamedTuple):
    cae: Cae
    member_count: int


def _as_filters(filters: CaeFilters | Mapping[str, Any] | None) -> CaeFilters:
    if filters is None:
        return CaeFilters()
    if isinstance(filters, CaeFilters):
        return filters
    names = {f.name for f in fields(CaeFilters)}
    return CaeFilters(**{k: v for k, v in filters.items() if k in names and v not in (None, "")})


def list_caes(filters: CaeFilters | Mapping[str, Any] | None = None) -> list[CaeRow]:
    """The CAEs matching the filters, by name, each with its number of verified members.

    Two queries whatever the number of CAEs: the CAEs, then the grouped member counts. Text
    filters (sector, name and city) ignore case and accents; they run on the CAEs' rows
    in Python, the directory of CAEs being small (about 155 in France).
    """

    f = _as_filters(filters)
    stmt = select(Cae)
    if f.region:
        stmt = stmt.where(Cae.department.in_(departments_in(f.region)))
    if f.department:
        stmt = stmt.where(Cae.department == (normalize_department(f.department) or ""))
    caes = list(db.session.scalars(stmt))
    if f.sector and fold(f.sector):
        wanted = fold(f.sector)
        caes = [c for c in caes if any(wanted in fold(s) for s in c.sector_list)]
    if f.q and fold(f.q):
        words = fold(f.q).split()
        caes = [c for c in caes if all(w in fold(f"{c.name} {c.city}") for w in words)]
    caes.sort(key=lambda c: (fold(c.name), c.id))
    counts = cae_member_counts()
    return [CaeRow(cae, counts.get(cae.id, 0)) for cae in caes]


def known_sectors() -> list[str]:
    """Every sector named by a CAE of the directory, once, alphabetically (for suggestions)."""
    seen: dict[str, str] = {}
    for sectors in db.session.scalars(select(Cae.sectors)):
        for name in (sectors or "").split(";"):
            name = name.strip()
            if name:
                seen.setdefault(fold(name), name)
    return [seen[key] for key in sorted(seen)]


def cae_choices() -> list[tuple[int, str]]:
    """Every CAE of the directory as (id, name), by name: the choices of a list's CAE filter."""
    return [(c.id, c.name) for c in db.session.execute(select(Cae.id, Cae.name).order_by(Cae.name))]


def region_choices() -> list[str]:
    return list(REGIONS)
