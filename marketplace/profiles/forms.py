"""Forms of the skill profile pages: the edit form and the filters of the list."""

from __future__ import annotations

import re
from datetime import date
from decimal import InvalidOperation
from typing import Any

from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
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
from marketplace.profiles.models import (
    Availability,
    ClientType,
    PeriodKind,
    Profile,
    ProfileStatus,
)
from marketplace.profiles.photos import ACCEPT
from marketplace.profiles.schemas import (
    MAX_PERIODS,
    MAX_REFERENCES,
    MAX_SKILLS,
    NAME_LIMIT,
    PERIOD_NOTE_LIMIT,
    REFERENCE_DESCRIPTION_LIMIT,
    REFERENCE_LINK_LIMIT,
    ProfileUpdate,
    skill_problem,
)
from marketplace.schema import limit_of
from marketplace.skills.models import SkillLevel
from marketplace.timeutil import to_paris, utcnow

#: Empty competence rows offered below the existing ones (and added by "add rows").
EMPTY_ROWS = 3
#: Never render more rows than this, whatever a crafted request asks for.
MAX_ROWS = MAX_SKILLS + EMPTY_ROWS

#: Empty period rows offered below the existing ones.
EMPTY_PERIOD_ROWS = 2
MAX_PERIOD_ROWS = MAX_PERIODS + EMPTY_PERIOD_ROWS
#: Empty reference rows offered below the existing ones.
EMPTY_REFERENCE_ROWS = 1

#: Operation field name → form field name, where they differ.
FIELD_MAP = {"daily_rate_cents": "daily_rate", "certification_details": "certifications"}
#: A certification's line may end with its last day of validity: « RGE jusqu’au 12/03/2027 ».
_VALID_UNTIL = re.compile(
    r"^(?P<name>.*?)[\s,:(–—-]*(?:(?:valable|valid)\s+)?(?:jusqu['’]\s*au|until)?\s*"
    r"(?P<day>\d{1,2})/(?P<month>\d{1,2})/(?P<year>\d{4})\)?$",
    re.IGNORECASE,
)

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


def certification_items(text: str | None) -> list[dict[str, Any]]:
    """'RGE jusqu’au 12/03/2027; Qualiopi' → [{name: RGE, valid_until: 2027-03-12}, {name:
    Qualiopi, valid_until: None}]; a date that does not exist goes on as typed (the schema
    refuses it with its message)."""
    items: list[dict[str, Any]] = []
    for part in split_list(text):
        found = _VALID_UNTIL.match(part)
        if found is None or not found["name"].strip():
            items.append({"name": part, "valid_until": None})
            continue
        day, month, year = (int(found[k]) for k in ("day", "month", "year"))
        try:
            until: str = date(year, month, day).isoformat()
        except ValueError:
            until = f"{found['day']}/{found['month']}/{found['year']}"
        items.append({"name": found["name"].strip(), "valid_until": until})
    return items


def certification_lines(profile: Profile) -> str:
    """The certifications as the form shows them, one a line, with their date of validity."""
    return "\n".join(
        gettext("%(name)s until %(date)s", name=pc.name, date=pc.valid_until.strftime("%d/%m/%Y"))
        if pc.valid_until
        else pc.name
        for pc in profile.certifications_sorted
    )


class SkillRowForm(Form):
    """One competence: a name and a level (validated by the operation, not here)."""

    name = StringField(
        _l("Competence"), render_kw={"maxlength": NAME_LIMIT, "list": "skill-suggestions"}
    )
    level = SelectField(_l("Level"), choices=_level_choices, validate_choice=False)


class PeriodRowForm(Form):
    """One period of the calendar (checked by the operation, not here)."""

    starts_on = DateField(_l("From"), validators=[Optional()])
    ends_on = DateField(_l("To (included)"), validators=[Optional()])
    kind = SelectField(_l("Kind"), choices=PeriodKind.choices, validate_choice=False)
    note = StringField(_l("Note"), render_kw={"maxlength": PERIOD_NOTE_LIMIT})


class ReferenceRowForm(Form):
    """One reference (checked by the operation, not here)."""

    title = StringField(_l("Title"), render_kw={"maxlength": 160})
    client_type = SelectField(
        _l("Kind of client"), choices=ClientType.choices, validate_choice=False
    )
    year = StringField(_l("Year"), render_kw={"inputmode": "numeric", "maxlength": 4})
    description = TextAreaField(
        _l("What you did"), render_kw={"rows": 3, "maxlength": REFERENCE_DESCRIPTION_LIMIT}
    )
    link = StringField(
        _l("Link (optional)"), render_kw={"inputmode": "url", "maxlength": REFERENCE_LINK_LIMIT}
    )

    def reference_data(self) -> dict[str, Any]:
        year = (self.year.data or "").strip()
        return {
            "title": self.title.data or "",
            "client_type": self.client_type.data,
            "year": int(year) if year.isdigit() else year,
            "description": self.description.data or "",
            "link": (self.link.data or "").strip() or None,
        }


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
    periods = FieldList(
        FormField(PeriodRowForm), min_entries=EMPTY_PERIOD_ROWS, max_entries=MAX_PERIOD_ROWS
    )
    daily_rate = amount_field(_l("Daily rate (€ excl. VAT)"))
    references = FieldList(
        FormField(ReferenceRowForm),
        min_entries=EMPTY_REFERENCE_ROWS,
        max_entries=MAX_REFERENCES + EMPTY_REFERENCE_ROWS,
    )
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
        #: The message of each competence row that does not pass, by its index (all at once).
        self.skill_row_errors: dict[int, str] = {}
        #: Errors about the calendar's periods, shown above their rows.
        self.period_errors: list[str] = []
        #: Errors about the references, shown above their rows.
        self.reference_errors: list[str] = []
        self._daily_rate_cents: int | None = None

    @classmethod
    def for_profile(cls, profile: Profile) -> ProfileForm:
        """The form filled from a stored profile, with empty rows to add competences."""
        rows = [{"name": ps.name, "level": str(ps.level)} for ps in profile.skills]
        rows += [{"name": "", "level": ""} for _ in range(EMPTY_ROWS)]
        periods = [
            {"starts_on": p.starts_on, "ends_on": p.ends_on, "kind": p.kind, "note": p.note}
            for p in profile.current_periods
        ]
        periods += [{"kind": PeriodKind.UNAVAILABLE.value} for _ in range(EMPTY_PERIOD_ROWS)]
        references: list[dict[str, Any]] = [
            {"title": r.title, "client_type": r.client_type, "year": str(r.year),
             "description": r.description, "link": r.link or ""}
            for r in profile.references
        ]  # fmt: skip
        references += [{"client_type": ClientType.COMPANY.value}] * EMPTY_REFERENCE_ROWS
        data = {
            "headline": profile.headline,
            "bio": profile.bio,
            "skills": rows,
            "certifications": certification_lines(profile),
            "languages": ", ".join(profile.language_names),
            "city": profile.city,
            "department": profile.department or "",
            "availability": profile.availability,
            # a day gone by says nothing any more (and a past date is refused on saving)
            "available_from": (
                profile.available_from
                if profile.available_from and profile.available_from >= to_paris(utcnow()).date()
                else None
            ),
            "periods": periods,
            "references": references,
            "daily_rate": cents_to_input(profile.daily_rate_cents),
            "audience": profile.audience,
            # A proposed status stays proposed when the rest of the profile is saved.
            "status": profile.status_proposed or profile.status,
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
            "certification_details": certification_items(self.certifications.data),
            "languages": split_list(self.languages.data, ",;\n"),
            "city": self.city.data or "",
            "department": self.department.data or None,
            "availability": self.availability.data,
            "available_from": self.available_from.data,
            "availability_periods": [
                {
                    "starts_on": row.form.starts_on.data,
                    "ends_on": row.form.ends_on.data,
                    "kind": row.form.kind.data,
                    "note": row.form.note.data or "",
                }
                for row in self.periods
                if row.form.starts_on.data or row.form.ends_on.data
            ],
            "references": [
                row.form.reference_data()
                for row in self.references
                if any(
                    (field.data or "").strip()
                    for field in (
                        row.form.title,
                        row.form.year,
                        row.form.description,
                        row.form.link,
                    )
                )
            ],
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
        if "skills" in fields:
            self.mark_skill_rows()
        self.period_errors.extend(str(m) for m in fields.get("availability_periods", ()))
        self.reference_errors.extend(str(m) for m in fields.get("references", ()))
        apart = ("skills", "availability_periods", "references")
        others = {key: messages for key, messages in fields.items() if key not in apart}
        place_errors(self, others, FIELD_MAP)

    def mark_skill_rows(self) -> None:
        """Give every bad competence row its own message, not only the first one found."""
        for index, row in enumerate(self.skills):
            name = row.form.name.data or ""
            if name.strip():  # an empty name removes the row
                problem = skill_problem({"name": name, "level": row.form.level.data or ""})
                if problem:
                    self.skill_row_errors[index] = problem

    @property
    def has_errors(self) -> bool:
        return bool(
            self.errors
            or self.skill_errors
            or self.period_errors
            or self.reference_errors
            or self.form_errors
        )


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


class PhotoForm(FlaskForm):
    """Send a profile photo (multipart); the image itself is checked by profiles.photos."""

    photo = FileField(
        _l("Photo"),
        validators=[FileRequired(_l("Choose a photo to send (JPEG, PNG or WebP)."))],
        render_kw={"accept": ACCEPT},
    )
    send_photo = SubmitField(_l("Send the photo"))
