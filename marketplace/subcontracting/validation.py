"""Checks shared by offers and subcontract records: text, dates, amounts, VAT rates, ids."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from flask_babel import gettext as _

from marketplace.actors import Viewer
from marketplace.audience import Audience
from marketplace.errors import PermissionDenied
from marketplace.extensions import db
from marketplace.geo import normalize_department
from marketplace.ids import is_id, parse_id
from marketplace.profiles.models import Profile
from marketplace.subcontracting.models import MAX_AMOUNT_CENTS, VatRate
from marketplace.tenders.models import Tender
from marketplace.tenders.visibility import can_view_tender
from marketplace.text import clean, clean_multiline, fold, over_limit
from marketplace.visibility import own_profile

Errors = dict[str, list[str]]

#: Longest texts of offers, responses and subcontract records (forms use them too).
LIMITS = {"title": 160, "description": 5000, "city": 120, "message": 3000}


def acting_profile(actor: Viewer) -> Profile:
    """The profile of a verified person: only they may post, answer or propose."""
    profile = own_profile(actor)
    if profile is None:
        raise PermissionDenied(_("Sign in to do this."))
    if not actor.is_verified:
        raise PermissionDenied(
            _("Your CAE must verify your membership before you can subcontract work.")
        )
    return profile


def unknown_fields(data: dict[str, Any], allowed: tuple[str, ...], errors: Errors) -> None:
    for key in data:
        if key not in allowed:
            errors[key] = [_("Unknown or read-only field.")]


def text(
    data: dict[str, Any], key: str, limit: int, errors: Errors, *, required=False, multiline=False
) -> str:
    value = data.get(key)
    if value is None:
        value = ""
    if not isinstance(value, str):
        errors[key] = [_("Expected text.")]
        return ""
    raw, value = value, clean_multiline(value) if multiline else clean(value)
    if required and not value:
        errors[key] = [_("This field is required.")]
    elif over_limit(raw, value, limit):
        errors[key] = [_("At most %(n)d characters.", n=limit)]
    return value


def a_date(data: dict[str, Any], key: str, errors: Errors) -> date | None:
    raw = data.get(key)
    if raw in (None, ""):
        return None
    if isinstance(raw, date):
        return raw
    try:
        return date.fromisoformat(str(raw))
    except ValueError:
        errors[key] = [_("Expected a date (YYYY-MM-DD).")]
        return None


def dates(data: dict[str, Any], errors: Errors) -> tuple[date | None, date | None]:
    starts_on, ends_on = a_date(data, "starts_on", errors), a_date(data, "ends_on", errors)
    if starts_on and ends_on and ends_on < starts_on:
        errors["ends_on"] = [_("The end date cannot be before the start date.")]
    return starts_on, ends_on


def amount(data: dict[str, Any], key: str, errors: Errors, *, required: bool) -> int | None:
    """Whole cents, strictly positive, at most 10 000 000 €."""
    raw = data.get(key)
    if raw is None or raw == "":
        if required:
            errors[key] = [_("This field is required.")]
        return None
    if isinstance(raw, bool) or not isinstance(raw, int):
        errors[key] = [_("Expected a whole number of cents.")]
        return None
    if raw <= 0 or raw > MAX_AMOUNT_CENTS:
        errors[key] = [_("The amount must be more than 0 and at most 10 000 000 €.")]
        return None
    return raw


def vat_rate(data: dict[str, Any], key: str, errors: Errors, default: str = "20.0") -> str:
    """'20', '20.0', 20, 5.5, '5,5' → the stored form ('20.0', '5.5'); other rates refused."""
    raw = data.get(key)
    if raw is None or raw == "":
        return default
    if isinstance(raw, bool) or not isinstance(raw, str | int | float):
        errors[key] = [_("Choose a French VAT rate: 20, 10, 5.5, 2.1 or 0.")]
        return default
    try:
        value = Decimal(str(raw).strip().replace(",", "."))
        normalized = (
            f"{value:.1f}"
            if value.is_finite() and value == value.quantize(Decimal("0.1"))
            else None
        )
    except (InvalidOperation, ValueError):
        normalized = None
    if normalized is None or normalized not in VatRate.values():
        errors[key] = [_("Choose a French VAT rate: 20, 10, 5.5, 2.1 or 0.")]
        return default
    return normalized


def department(data: dict[str, Any], errors: Errors) -> str | None:
    raw = data.get("department")
    if raw in (None, ""):
        return None
    if not isinstance(raw, str) or normalize_department(raw) is None:
        errors["department"] = [_("Unknown French department code (e.g. 69, 2A, 974).")]
        return None
    return normalize_department(raw)


def audience(data: dict[str, Any], errors: Errors, default: str = "network") -> str:
    raw = data.get("audience")
    if raw in (None, ""):
        return default
    if not isinstance(raw, str) or raw not in Audience.values():
        errors["audience"] = [_("Choose one of: %(values)s.", values=", ".join(Audience.values()))]
        return default
    return raw


def skill_names(data: dict[str, Any], errors: Errors, limit: int = 20) -> list[str]:
    raw = data.get("skills")
    if raw in (None, ""):
        return []
    if isinstance(raw, str):
        raw = raw.split(";")
    if not isinstance(raw, list) or not all(isinstance(v, str) for v in raw):
        errors["skills"] = [_("Give a list of names.")]
        return []
    names, seen = [], set()
    for item in raw:
        name = clean(item)
        if not name or fold(name) in seen:
            continue
        if len(name) > 120:
            errors["skills"] = [_("Each name must be at most %(n)d characters.", n=120)]
            return []
        seen.add(fold(name))
        names.append(name)
    if len(names) > limit:
        errors["skills"] = [_("At most %(n)d entries.", n=limit)]
    return names


def profile_id(data: dict[str, Any], key: str, errors: Errors) -> int | None:
    raw = data.get(key)
    if isinstance(raw, str):
        raw = parse_id(raw)
    if not is_id(raw):
        errors[key] = [_("Expected the id of a profile (a whole number).")]
        return None
    return raw


def tender_id(actor: Viewer, data: dict[str, Any], errors: Errors) -> int | None:
    """The id of a tender the actor may see, or None; a hidden tender reads as a missing one."""
    raw = data.get("tender_id")
    if raw is None:
        return None
    if isinstance(raw, bool) or not isinstance(raw, int) or raw <= 0:
        errors["tender_id"] = [_("Expected the id of a tender (a whole number).")]
        return None
    tender = db.session.get(Tender, raw) if is_id(raw) else None
    if tender is None or not can_view_tender(actor, tender):
        errors["tender_id"] = [_("No visible tender has this id.")]
        return None
    return raw
