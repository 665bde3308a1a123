"""CAEs: validation, creation and edition by admins (and, partly, their managers); the directory.

Operations take the acting user first (SYSTEM = the command line), flush, never commit.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import Any, NamedTuple
from urllib.parse import urlsplit

from flask_babel import gettext as _
from sqlalchemy import select

from marketplace import audit
from marketplace.accounts.operations import cae_member_counts
from marketplace.actors import SYSTEM, Viewer
from marketplace.caes.models import Cae
from marketplace.errors import Conflict, NotFound, PermissionDenied, ValidationError
from marketplace.extensions import db
from marketplace.geo import REGIONS, departments_in, normalize_department
from marketplace.text import clean, clean_multiline, fold, over_limit

LIMITS = {"name": 160, "city": 120, "website": 255, "sector": 60, "description": 5000}
MAX_SECTORS = 15
#: Length of the ``sectors`` column, which holds the sectors joined by ';'.
SECTORS_COLUMN = 500
FIELDS = ("name", "city", "department", "website", "sectors", "description")
#: What the managers of a CAE may change on its page; the rest is for administrators.
MANAGER_FIELDS = ("website", "sectors", "description")

_BARE_DOMAIN = re.compile(r"^[\w-]+(\.[\w-]+)+(:\d+)?(/\S*)?$")
_HOST = re.compile(r"^[\w-]+(\.[\w-]+)*$")


# Validation ----------------------------------------------------------------------------------


def _text(data: Mapping[str, Any], key: str, errors: dict[str, list[str]]) -> str | None:
    value = data[key]
    if value is None:
        return ""
    if not isinstance(value, str):
        errors[key] = [_("Expected text.")]
        return None
    raw, value = value, clean_multiline(value) if key == "description" else clean(value)
    if over_limit(raw, value, LIMITS[key]):
        errors[key] = [_("At most %(n)d characters.", n=LIMITS[key])]
    return value


def normalize_website(raw: str) -> str:
    """'' or an http(s) address; 'www.oxalis.coop' gets https:// in front. ValueError if invalid."""
    value = raw.strip()
    if not value:
        return ""
    if "://" not in value and _BARE_DOMAIN.match(value):
        value = "https://" + value
    parts = urlsplit(value)
    try:
        parts.port  # noqa: B018 (raises ValueError on a bad port)
    except ValueError:
        raise ValueError(raw)
    host = parts.hostname or ""
    if (
        parts.scheme.lower() not in ("http", "https")
        or not _HOST.match(host)
        or ("." not in host and host != "localhost")
        or any(ch.isspace() for ch in value)
        or parts.username is not None
    ):
        raise ValueError(raw)
    return value


def parse_sectors(value: Any, errors: dict[str, list[str]]) -> list[str]:
    """A list of sector names (or text separated by ';'), cleaned and without duplicates."""
    if value is None:
        return []
    if isinstance(value, str):
        value = value.split(";")
    if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
        errors["sectors"] = [_("Give a list of sectors.")]
        return []
    names: list[str] = []
    seen: set[str] = set()
    for raw in value:
        name = clean(raw).replace(";", ",")
        if not name or fold(name) in seen:
            continue
        if len(name) > LIMITS["sector"]:
            errors["sectors"] = [
                _("Each sector must be at most %(n)d characters.", n=LIMITS["sector"])
            ]
            return []
        seen.add(fold(name))
        names.append(name)
    if len(names) > MAX_SECTORS:
        errors["sectors"] = [_("At most %(n)d sectors.", n=MAX_SECTORS)]
    elif len(";".join(names)) > SECTORS_COLUMN:
        errors["sectors"] = [
            _("The sectors take at most %(n)d characters in all.", n=SECTORS_COLUMN)
        ]
    return names


def _name_taken(name: str, exclude_id: int | None) -> bool:
    """Whether another CAE already has this name, ignoring case and accents (ÉLAN = Elan)."""
    key = fold(name)
    rows = db.session.execute(select(Cae.id, Cae.name)).all()
    return any(fold(other) == key and cae_id != exclude_id for cae_id, other in rows)


def validate_cae_input(
    data: Mapping[str, Any], *, partial: bool = False, exclude_id: int | None = None
) -> dict[str, Any]:
    """Check and normalise CAE fields; all of name and department are needed unless partial."""
    if not isinstance(data, Mapping):
        raise ValidationError(_("The CAE must be an object."))
    errors: dict[str, list[str]] = {}
    out: dict[str, Any] = {}
    for key in data:
        if key not in FIELDS:
            errors[key] = [_("Unknown or read-only field.")]
    for key in ("name", "city", "description"):
        if key in data:
            value = _text(data, key, errors)
            if value is not None:
                out[key] = value
    if (not partial or "name" in data) and "name" not in errors and not out.get("name"):
        errors["name"] = [_("This field is required.")]
    if not partial or "department" in data:
        raw = data.get("department")
        if raw in (None, ""):
            errors["department"] = [_("This field is required.")]
        elif not isinstance(raw, str) or normalize_department(raw) is None:
            errors["department"] = [_("Unknown French department code (e.g. 69, 2A, 974).")]
        else:
            out["department"] = normalize_department(raw)
    if "website" in data:
        raw = data["website"]
        if raw is None:
            raw = ""
        if not isinstance(raw, str):
            errors["website"] = [_("Expected text.")]
        elif len(raw.strip()) > LIMITS["website"]:
            errors["website"] = [_("At most %(n)d characters.", n=LIMITS["website"])]
        else:
            try:
                website = normalize_website(raw)
            except ValueError:
                errors["website"] = [_("Enter a web address starting with http:// or https://.")]
            else:
                if len(website) > LIMITS["website"]:
                    errors["website"] = [_("At most %(n)d characters.", n=LIMITS["website"])]
                out["website"] = website or None
    if "sectors" in data:
        out["sectors"] = parse_sectors(data["sectors"], errors)

    taken = bool(out.get("name")) and "name" not in errors and _name_taken(out["name"], exclude_id)
    if taken:
        errors["name"] = [_("A CAE with this name already exists.")]
    if errors:
        if taken and len(errors) == 1:
            raise Conflict(_("A CAE with this name already exists."), errors)
        raise ValidationError(_("Some fields need your attention."), errors)
    return out


# Creation and edition --------------------------------------------------------------------------


def _apply(cae: Cae, values: dict[str, Any]) -> None:
    for key, value in values.items():
        setattr(cae, key, ";".join(value) if key == "sectors" else value)


def create_cae(actor: Viewer, data: Mapping[str, Any]) -> Cae:
    """Add a CAE to the directory: administrators (or the command line, SYSTEM) only."""
    if actor is not SYSTEM and not actor.is_admin:
        raise PermissionDenied(_("Only administrators can add a CAE."))
    values = validate_cae_input(data)
    cae = Cae(name=values["name"], department=values["department"], city="", sectors="")
    cae.description = ""
    _apply(cae, values)
    db.session.add(cae)
    db.session.flush()
    audit.record(actor, "cae_created", cae_id=cae.id, detail=cae.name)
    return cae


def editable_fields(actor: Viewer, cae: Cae) -> tuple[str, ...]:
    """The fields of this CAE that the actor may change (empty: none)."""
    if actor is SYSTEM or actor.is_admin:
        return FIELDS
    if actor.is_manager and actor.cae_id == cae.id:
        return MANAGER_FIELDS
    return ()


def update_cae(actor: Viewer, cae: Cae, data: Mapping[str, Any]) -> Cae:
    """Change a CAE: administrators change anything, its managers the description,
    website and sectors."""
    allowed = editable_fields(actor, cae)
    if not allowed:
        raise PermissionDenied(_("Only administrators and the managers of this CAE can do this."))
    if isinstance(data, Mapping):
        forbidden = [key for key in data if key in FIELDS and key not in allowed]
        if forbidden:
            raise PermissionDenied(
                _("Only administrators can change the name, city and department of a CAE.")
            )
    values = validate_cae_input(data, partial=True, exclude_id=cae.id)
    _apply(cae, values)
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


def region_choices() -> list[str]:
    return list(REGIONS)
