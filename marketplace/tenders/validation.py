"""Checking what people write about a tender and its lots (shared by the API, forms and demo)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask_babel import gettext as _

from marketplace.audience import Audience
from marketplace.errors import ValidationError
from marketplace.geo import normalize_department
from marketplace.ids import is_id, small_number
from marketplace.tenders.models import MAX_AMOUNT_CENTS, BuyerKind, TeamForm, TenderRole
from marketplace.text import clean, clean_multiline, fold, over_limit
from marketplace.timeutil import PARIS, as_utc, utcnow

LIMITS = {
    "title": 200,
    "buyer_name": 200,
    "reference": 120,
    "source_url": 500,
    "procedure": 120,
    "city": 120,
    "description": 10_000,
    "lot_title": 200,
    "message": 3000,
}
MAX_LOTS = 30
MAX_LOT_SKILLS = 20
FIELDS = (
    "title",
    "buyer",
    "reference",
    "source_url",
    "procedure",
    "deadline",
    "city",
    "department",
    "estimated_amount_cents",
    "description",
    "lots",
    "audience",
    "collective_id",
    "status",
    "form",
    "lead_profile_id",
    "team",
)


def parse_deadline(raw: Any) -> datetime:
    """An ISO 8601 datetime; without an offset it is read as Paris time. ValueError otherwise."""
    if isinstance(raw, datetime):
        value = raw
    elif isinstance(raw, str) and raw.strip():
        value = datetime.fromisoformat(raw.strip().replace("Z", "+00:00"))
    else:
        raise ValueError(raw)
    if value.tzinfo is None:
        value = value.replace(tzinfo=PARIS)
    return as_utc(value)


def _cents(raw: Any, field: str, errors: dict[str, list[str]]) -> int | None:
    if raw is None or raw == "":
        return None
    if isinstance(raw, bool) or not isinstance(raw, int):
        errors[field] = [_("Expected a whole number of cents.")]
        return None
    if raw < 0 or raw > MAX_AMOUNT_CENTS:
        errors[field] = [_("The amount must be between 0 and one billion euros.")]
        return None
    return raw


def _text(
    data: dict, key: str, errors: dict, *, required: bool = False, limit_key: str = ""
) -> str:
    value = data.get(key)
    if value is None:
        value = ""
    if not isinstance(value, str):
        errors[key] = [_("Expected text.")]
        return ""
    raw = value
    value = clean_multiline(raw) if key in ("description", "message") else clean(raw)
    limit = LIMITS[limit_key or key]
    if required and not value:
        errors[key] = [_("This field is required.")]
    elif over_limit(raw, value, limit):
        errors[key] = [_("At most %(n)d characters.", n=limit)]
    return value


def _lots(value: Any, errors: dict[str, list[str]]) -> list[dict[str, Any]]:
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        errors["lots"] = [_("Give the lots as a list of objects.")]
        return []
    if len(value) > MAX_LOTS:
        errors["lots"] = [_("At most %(n)d lots.", n=MAX_LOTS)]
        return []
    lots, numbers = [], set()
    for index, item in enumerate(value, start=1):
        number = item.get("number", index)
        if isinstance(number, str) and small_number(number) is not None:
            number = small_number(number)
        if isinstance(number, bool) or not isinstance(number, int) or not 1 <= number <= 999:
            errors["lots"] = [_("Each lot needs a number between 1 and 999.")]
            return []
        if number in numbers:
            errors["lots"] = [_("Two lots have the number %(n)d.", n=number)]
            return []
        numbers.add(number)
        title = item.get("title")
        title = clean(title) if isinstance(title, str) else ""
        if not title:
            errors["lots"] = [_("Lot %(n)d needs a title.", n=number)]
            return []
        if len(title) > LIMITS["lot_title"]:
            errors["lots"] = [_("At most %(n)d characters.", n=LIMITS["lot_title"])]
            return []
        skills = item.get("skills")
        if isinstance(skills, str):
            skills = skills.split(";")
        if not isinstance(skills, list) or not all(isinstance(s, str) for s in skills):
            errors["lots"] = [_("The competences of lot %(n)d must be a list of names.", n=number)]
            return []
        names, seen = [], set()
        for raw in skills:
            name = clean(raw)
            if name and fold(name) not in seen and len(name) <= 120:
                seen.add(fold(name))
                names.append(name)
        if not names:
            errors["lots"] = [_("Lot %(n)d needs at least one required competence.", n=number)]
            return []
        if len(names) > MAX_LOT_SKILLS:
            errors["lots"] = [_("At most %(n)d competences per lot.", n=MAX_LOT_SKILLS)]
            return []
        amount = _cents(item.get("estimated_amount_cents"), "lots", errors)
        if "lots" in errors:
            return []
        lots.append(
            {"number": number, "title": title, "skills": names, "estimated_amount_cents": amount}
        )
    return sorted(lots, key=lambda lot: lot["number"])


def validate_tender_input(data: Any, *, partial: bool) -> dict[str, Any]:
    """Check and normalise the writable fields (all required ones unless partial)."""
    if not isinstance(data, dict):
        raise ValidationError(_("The tender must be an object."))
    errors: dict[str, list[str]] = {}
    out: dict[str, Any] = {}
    for key in data:
        if key not in FIELDS:
            errors[key] = [_("Unknown or read-only field.")]
    for key in ("title", "reference", "procedure", "city", "description", "source_url"):
        if key in data or (not partial and key == "title"):
            out[key] = _text(data, key, errors, required=key == "title")
    if out.get("source_url"):
        if not out["source_url"].lower().startswith(("http://", "https://")):
            errors["source_url"] = [_("Give a web address starting with https://.")]
    elif "source_url" in out:
        out["source_url"] = None
    if "buyer" in data or not partial:
        buyer = data.get("buyer")
        if not isinstance(buyer, dict):
            errors["buyer"] = [_("Give the buyer as {name, kind}.")]
        else:
            name = _text(buyer, "name", errors, required=True, limit_key="buyer_name")
            if "name" in errors:
                errors["buyer"] = errors.pop("name")
            kind = buyer.get("kind", "public")
            if kind not in BuyerKind.values():
                errors["buyer"] = [_("The buyer is public or private.")]
            out["buyer_name"], out["buyer_kind"] = name, kind
    if "deadline" in data or not partial:
        try:
            deadline = parse_deadline(data.get("deadline"))
        except (ValueError, TypeError):
            errors["deadline"] = [_("Give the date and time of the deadline (ISO 8601).")]
        else:
            if deadline <= utcnow():
                errors["deadline"] = [_("The deadline must be in the future.")]
            out["deadline"] = deadline
    if "department" in data:
        raw = data["department"]
        if raw in (None, ""):
            out["department"] = None
        elif not isinstance(raw, str) or normalize_department(raw) is None:
            errors["department"] = [_("Unknown French department code (e.g. 69, 2A, 974).")]
        else:
            out["department"] = normalize_department(raw)
    if "estimated_amount_cents" in data:
        out["estimated_amount_cents"] = _cents(
            data["estimated_amount_cents"], "estimated_amount_cents", errors
        )
    if "audience" in data:
        if data["audience"] not in Audience.values():
            errors["audience"] = [
                _("Choose one of: %(values)s.", values=", ".join(Audience.values()))
            ]
        else:
            out["audience"] = data["audience"]
    if "lots" in data:
        out["lots"] = _lots(data["lots"], errors)
    elif not partial:
        out["lots"] = []
    if "collective_id" in data:
        raw = data["collective_id"]
        if raw is not None and not is_id(raw):
            errors["collective_id"] = [_("Expected the id of a collective (a whole number).")]
        else:
            out["collective_id"] = raw
    if "form" in data:
        if data["form"] not in (None, "", *TeamForm.values()):
            errors["form"] = [_("The group is conjoint or solidaire.")]
        else:
            out["form"] = data["form"] or None
    if "lead_profile_id" in data:
        raw = data["lead_profile_id"]
        if not is_id(raw):
            errors["lead_profile_id"] = [_("Expected the id of a team member's profile.")]
        else:
            out["lead_profile_id"] = raw
    if "status" in data:
        out["status"] = data["status"]
    if "team" in data:
        _team(data["team"], data, out, errors)
    if errors:
        raise ValidationError(_("Some fields need your attention."), errors)
    return out


def _whole(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _team(team: Any, data: dict, out: dict[str, Any], errors: dict[str, list[str]]) -> None:
    """The team as shown ({form, lead_profile_id, members}); kind and names are read-only."""
    if not isinstance(team, dict):
        errors["team"] = [_("Give the team as {form, lead_profile_id, members}.")]
        return
    if "form" in team and "form" not in data:
        if team["form"] not in (None, "", *TeamForm.values()):
            errors["team"] = [_("The group is conjoint or solidaire.")]
        else:
            out["form"] = team["form"] or None
    if "lead_profile_id" in team and "lead_profile_id" not in data:
        if not is_id(team["lead_profile_id"]):
            errors["team"] = [_("Expected the id of a team member's profile.")]
        else:
            out["lead_profile_id"] = team["lead_profile_id"]
    if "members" not in team:
        return
    members = team["members"]
    if not isinstance(members, list) or not all(isinstance(m, dict) for m in members):
        errors["team"] = [_("Give the members as a list of objects.")]
        return
    items = []
    for member in members:
        item: dict[str, Any] = {"profile_id": member.get("profile_id")}
        if not is_id(item["profile_id"]):
            errors["team"] = [_("Each member needs its profile_id.")]
            return
        if "lot_ids" in member:
            lot_ids = member["lot_ids"]
            if not isinstance(lot_ids, list) or not all(is_id(i) for i in lot_ids):
                errors["team"] = [_("lot_ids must be a list of lot ids.")]
                return
            item["lot_ids"] = sorted(set(lot_ids))
        if "share_cents" in member:
            share = member["share_cents"]
            if share is not None and (not _whole(share) or share < 0):
                errors["share_cents"] = [_("The share is a whole number of cents, 0 or more.")]
                return
            item["share_cents"] = share
        items.append(item)
    out["members"] = items


def validate_application_input(data: Any) -> dict[str, Any]:
    if not isinstance(data, dict):
        raise ValidationError(_("The application must be an object."))
    errors: dict[str, list[str]] = {}
    lot_ids = data.get("lot_ids")
    if not isinstance(lot_ids, list) or not lot_ids or not all(is_id(i) for i in lot_ids):
        errors["lot_ids"] = [_("Choose at least one lot.")]
        lot_ids = []
    role = data.get("role")
    if role not in TenderRole.values():
        errors["role"] = [_("Apply as cotraitant or subcontractor.")]
    message = _text(data, "message", errors)
    if errors:
        raise ValidationError(_("Some fields need your attention."), errors)
    return {"lot_ids": sorted(set(lot_ids)), "role": role, "message": message}
