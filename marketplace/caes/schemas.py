"""The CAEs' shapes: what a CAE's page or the command line sends, what the API answers, and the
reference to a CAE that other resources embed (CaeRef: profiles, collectives, tenders,
subcontracting)."""

from __future__ import annotations

import re
from typing import Annotated, Any, ClassVar
from urllib.parse import urlsplit

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from pydantic import BeforeValidator, Field, WithJsonSchema

from marketplace.places.schemas import Department
from marketplace.schema import IdOut, Output, Schema, fail, page_of, text, unique_names
from marketplace.text import clean

MAX_SECTORS = 15
SECTOR_LIMIT = 60
WEBSITE_LIMIT = 255
#: Length of the ``sectors`` column, which holds the sectors joined by ';'.
SECTORS_COLUMN = 500

_BARE_DOMAIN = re.compile(r"^[\w-]+(\.[\w-]+)+(:\d+)?(/\S*)?$")
_HOST = re.compile(r"^[\w-]+(\.[\w-]+)*$")


# Field types ---------------------------------------------------------------------------------


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
        raise ValueError(raw) from None
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


def _website(value: Any) -> str | None:
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise fail(_("Expected text."))
    too_long = _("At most %(n)d characters.", n=WEBSITE_LIMIT)
    if len(value.strip()) > WEBSITE_LIMIT:
        raise fail(too_long)
    try:
        website = normalize_website(value)
    except ValueError:
        raise fail(_("Enter a web address starting with http:// or https://.")) from None
    if len(website) > WEBSITE_LIMIT:
        raise fail(too_long)
    return website or None


def luhn_valid(digits: str) -> bool:
    """The Luhn checksum that SIREN numbers carry (INSEE)."""
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char) * (2 if position % 2 else 1)
        total += value - 9 if value > 9 else value
    return total % 10 == 0


def _siren(value: Any) -> str | None:
    """Nine digits (spaces allowed: '123 456 789') with a valid Luhn key, or nothing."""
    if value is None:
        return None
    if not isinstance(value, str):
        raise fail(_("Expected text."))
    digits = "".join(value.split())
    if not digits:
        return None
    if len(digits) != 9 or not digits.isascii() or not digits.isdigit():
        raise fail(_("A SIREN has 9 digits."))
    if not luhn_valid(digits):
        raise fail(_("This SIREN is not valid: check its digits."))
    return digits


def _sector_names(value: Any) -> list[str]:
    return unique_names(
        value,
        item_limit=SECTOR_LIMIT,
        too_long=_("Each sector must be at most %(n)d characters.", n=SECTOR_LIMIT),
        not_a_list=_("Give a list of sectors."),
        tidy=lambda raw: clean(raw).replace(";", ","),
        sequences=(list, tuple),
    )


def _sectors(value: Any) -> list[str]:
    """A list of sector names (or text separated by ';'), cleaned and without duplicates."""
    names = [] if value is None else _sector_names(value)
    if len(names) > MAX_SECTORS:
        raise fail(_("At most %(n)d sectors.", n=MAX_SECTORS))
    if len(";".join(names)) > SECTORS_COLUMN:
        raise fail(_("The sectors take at most %(n)d characters in all.", n=SECTORS_COLUMN))
    return names


Siren = Annotated[
    str | None,
    BeforeValidator(_siren),
    WithJsonSchema(
        {
            "type": ["string", "null"],
            "pattern": "^[0-9 ]*$",
            "description": "9 digits with a valid Luhn key; unique; null or empty clears it.",
        }
    ),
]
Website = Annotated[
    str | None,
    BeforeValidator(_website),
    WithJsonSchema({"type": ["string", "null"], "format": "uri", "maxLength": WEBSITE_LIMIT}),
]
Sectors = Annotated[
    list[str],
    BeforeValidator(_sectors),
    WithJsonSchema(
        {
            "type": "array",
            "items": {"type": "string", "maxLength": SECTOR_LIMIT},
            "description": f"At most {MAX_SECTORS} distinct sectors (or text separated by ';').",
        }
    ),
]


# Input ---------------------------------------------------------------------------------------


class CaeInput(Schema):
    """A CAE of the directory: name and department are needed (except in a partial update)."""

    not_an_object: ClassVar[str] = _l("The CAE must be an object.")

    name: text(160, required=True)  # type: ignore[valid-type]
    city: text(120) = ""  # type: ignore[valid-type]
    department: Department
    website: Website = None
    sectors: Sectors = []
    description: text(5000, multiline=True) = ""  # type: ignore[valid-type]
    siren: Siren = None


# Output --------------------------------------------------------------------------------------


class CaeRef(Output):
    """A CAE named by another resource."""

    id: IdOut
    name: str


class Cae(Output):
    id: IdOut
    name: str
    city: str
    department: str = Field(examples=["69", "2A", "974"])
    region: str | None
    website: Annotated[str, Field(json_schema_extra={"format": "uri"})] | None
    member_count: int = Field(description="Verified, active members.")
    siren: str | None = Field(default=None, description="The CAE's SIREN (9 digits).")


CaeList = page_of(Cae, "CaeList")


def cae_ref(cae: Any) -> dict[str, Any] | None:
    """The CaeRef of a CAE row, or None."""
    return CaeRef.out(id=cae.id, name=cae.name) if cae is not None else None
