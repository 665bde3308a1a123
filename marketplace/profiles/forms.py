"""Forms of the skill profile pages: the edit form and the filters of the list."""

from __future__ import annotations

import re
from decimal import InvalidOperation
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    FieldList,
    Form,
    FormField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import Optional
from wtforms.validators import ValidationError as FieldError

from marketplace import geo
from marketplace.formatting import cents_to_input, parse_euros
from marketplace.formfields import FilterForm, amount_field, audience_field, place_errors, text_area
from marketplace.places.forms import NearFields
from marketplace.profiles.models import Availability, Profile, ProfileStatus
from marketplace.profiles.schemas import MAX_SKILLS, NAME_LIMIT, ProfileUpdate
from marketplace.schema import limit_of
from marketplace.skills.models import SkillLevel

#: Empty competence rows offered below the existing ones (and added by "add rows").
EMPTY_ROWS = 3
#: Never render more rows than this, whatever a crafted request asks for.
MAX_ROWS = MAX_SKILLS + EMPTY_ROWS

#: Operation field name → form field name, where they differ.
FIELD_MAP = {"daily_rate_cents": "daily_rate"}

AUDIENCE_HELP = {
    "cae": _l("Only the verified members of your CAE (and its support team) see your profile."),
    "network": _l("The verified members of every CAE on Essaim see your profile."),
    "public": _l("Anyone sees your profile, even without an account."),
}


def _level_choices() -> list[tuple[str, Any]]:
    return [("", _l("— level —"))] + [
        (str(level.value), f"{level.value} · {level.label}") for level in SkillLevel
    ]


def _department_choices() -> list[tuple[str, Any]]:
    return [("", _l("— department —")), *geo.department_choices()]


def split_list(text: str | None, separators: str = ";\n") -> list[str]:
    """'RGE; Qualiopi\\nQualiBAT' → ['RGE', 'Qualiopi', 'QualiBAT'] (empty parts dropped)."""
    parts = re.split("[" + re.escape(separators) + "]", text or "")
    return [part.strip() for part in parts if part.strip()]


class SkillRowForm(Form):
    """One competence: a name and a level (validated by the operation, not here)."""

    name = StringField(
        _l("Competence"), render_kw={"maxlength": NAME_LIMIT, "list": "skill-suggestions"}
    )
    level = SelectField(_l("Level"), choices=_level_choices, validate_choice=False)


class ProfileForm(FlaskForm):
    headline = StringField(
        _l("Headline"),
        render_kw={"maxlength": limit_of(ProfileUpdate, "headline")},
        description=_l("In a few words: your trade and what you offer."),
    )
    bio = text_area(_l("About you"), limit_of(ProfileUpdate, "bio"), 8)
    skills = FieldList(FormField(SkillRowForm), min_entries=EMPTY_ROWS, max_entries=MAX_ROWS)
    certifications = TextAreaField(_l("Certifications"), render_kw={"rows": 3})
    languages = StringField(_l("Languages"), render_kw={"maxlength": 400})
    city = StringField(_l("City"), render_kw={"maxlength": limit_of(ProfileUpdate, "city")})
    department = SelectField(_l("Department"), choices=_department_choices, validate_choice=False)
    availability = SelectField(
        _l("Availability"),
        choices=Availability.choices,
        validate_choice=False,
    )
    available_from = DateField(_l("Available from"), validators=[Optional()])
    daily_rate = amount_field(_l("Daily rate (€ excl. VAT)"))
    audience = audience_field(_l("Who may see my profile"))
    status = SelectField(
        _l("Status in my CAE"),
        choices=ProfileStatus.choices,
        validate_choice=False,
    )
    add_rows = SubmitField(_l("Add rows"))
    submit = SubmitField(_l("Save my profile"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        #: Errors about the competences as a whole, shown above the rows.
        self.skill_errors: list[str] = []
        self._daily_rate_cents: int | None = None

    @classmethod
    def for_profile(cls, profile: Profile) -> ProfileForm:
        """The form filled from a stored profile, with empty rows to add competences."""
        rows = [{"name": ps.name, "level": str(ps.level)} for ps in profile.skills]
        rows += [{"name": "", "level": ""} for _ in range(EMPTY_ROWS)]
        data = {
            "headline": profile.headline,
            "bio": profile.bio,
            "skills": rows,
            "certifications": "\n".join(profile.certification_names),
            "languages": ", ".join(profile.language_names),
            "city": profile.city,
            "department": profile.department or "",
            "availability": profile.availability,
            "available_from": profile.available_from,
            "daily_rate": cents_to_input(profile.daily_rate_cents),
            "audience": profile.audience,
            "status": profile.status,
        }
        return cls(formdata=None, data=data)

    def add_empty_rows(self, count: int = EMPTY_ROWS) -> None:
        for _ in range(max(0, min(count, MAX_ROWS - len(self.skills.entries)))):
            self.skills.append_entry({"name": "", "level": ""})

    def validate_daily_rate(self, field: StringField) -> None:
        try:
            self._daily_rate_cents = parse_euros(field.data)
        except (ValueError, InvalidOperation):
            raise FieldError(_l("Enter an amount in euros, e.g. 450 or 450,50.")) from None

    def profile_data(self) -> dict[str, Any]:
        """What to give update_profile(), leaving out the fields the form itself refused."""
        data: dict[str, Any] = {
            "headline": self.headline.data or "",
            "bio": self.bio.data or "",
            "skills": [
                {"name": row.form.name.data or "", "level": row.form.level.data}
                for row in self.skills
                if (row.form.name.data or "").strip()
            ],
            "certifications": split_list(self.certifications.data),
            "languages": split_list(self.languages.data, ",;\n"),
            "city": self.city.data or "",
            "department": self.department.data or None,
            "availability": self.availability.data,
            "available_from": self.available_from.data,
            "daily_rate_cents": self._daily_rate_cents,
            "audience": self.audience.data,
            "status": self.status.data,
        }
        for key, name in FIELD_MAP.items():
            if getattr(self, name).errors:
                data.pop(key, None)
        for key in list(data):
            if key in self._fields and self._fields[key].errors:
                data.pop(key)
        return data

    def add_domain_errors(self, fields: dict[str, list[str]]) -> None:
        """Put the messages of a ValidationError beside the matching fields."""
        self.skill_errors.extend(str(m) for m in fields.get("skills", ()))
        others = {key: messages for key, messages in fields.items() if key != "skills"}
        place_errors(self, others, FIELD_MAP)

    @property
    def has_errors(self) -> bool:
        return bool(self.errors or self.skill_errors or self.form_errors)


class ProfileFilterForm(NearFields, FilterForm):
    """The filters of the list: a GET form, every value in the URL."""

    skill = StringField(_l("Competence"), render_kw={"maxlength": 120, "list": "skill-suggestions"})
    department = SelectField(_l("Department"), validate_choice=False)
    region = SelectField(_l("Region"), validate_choice=False)
    cae = SelectField(_l("CAE"), validate_choice=False)
    status = SelectField(_l("Status"), validate_choice=False)
    availability = SelectField(_l("Availability"), validate_choice=False)

    def __init__(self, caes: list[tuple[int, str]], *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        anything = ("", _l("All"))
        self.department.choices = [anything, *geo.department_choices()]
        self.region.choices = [anything, *((r, r) for r in geo.REGIONS)]
        self.cae.choices = [anything, *((str(i), name) for i, name in caes)]
        self.status.choices = [anything, *ProfileStatus.choices()]
        self.availability.choices = [anything, *Availability.choices()]

    def filter_values(self) -> dict[str, Any]:
        """The valid filters as ProfileFilters arguments; unknown values are ignored."""
        cae = self.chosen(self.cae)
        return {
            "q": self.typed(self.q, 200),
            "skill": self.typed(self.skill, 120),
            "department": self.chosen(self.department),
            "region": self.chosen(self.region),
            "cae": int(cae) if cae else None,
            "status": self.chosen(self.status),
            "availability": self.chosen(self.availability),
            **self.near_values(),
        }
