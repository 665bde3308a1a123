"""Forms of the subcontracting pages: offers, responses, records, moves and the period."""

from __future__ import annotations

from decimal import InvalidOperation
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, HiddenField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import Optional
from wtforms.validators import ValidationError as FieldError

from marketplace import geo
from marketplace.audience import Audience
from marketplace.formatting import parse_euros
from marketplace.profiles.forms import split_list
from marketplace.subcontracting.models import VatRate
from marketplace.subcontracting.validation import LIMITS

#: Operation field name → form field name, where they differ.
FIELD_MAP = {"budget_cents": "budget", "price_cents": "price", "amount_cents": "amount",
             "subcontractor_profile_id": "subcontractor"}  # fmt: skip


class _DomainForm(FlaskForm):
    """A form that shows an operation's ValidationError beside its fields."""

    def add_domain_errors(self, fields: dict[str, list[str]], message: str = "") -> None:
        for key, messages in fields.items():
            field = self._fields.get(FIELD_MAP.get(key, key))
            if field is None:
                self.form_errors.extend(str(m) for m in messages)
                continue
            field.errors = [*list(field.errors), *(str(m) for m in messages)]
        if not fields and message:
            self.form_errors.append(message)

    @property
    def has_errors(self) -> bool:
        return bool(self.errors or self.form_errors)


def _euros(field: StringField) -> int | None:
    try:
        return parse_euros(field.data)
    except (ValueError, InvalidOperation):
        raise FieldError(_l("Enter an amount in euros, e.g. 450 or 450,50.")) from None


class OfferForm(_DomainForm):
    title = StringField(_l("Title"), render_kw={"maxlength": LIMITS["title"]})
    description = TextAreaField(
        _l("Description"), render_kw={"maxlength": LIMITS["description"], "rows": 6}
    )
    skills = StringField(
        _l("Competences"), render_kw={"maxlength": 1000, "list": "skill-suggestions"}
    )
    city = StringField(_l("City"), render_kw={"maxlength": LIMITS["city"]})
    department = SelectField(_l("Department"), validate_choice=False)
    starts_on = DateField(_l("From"), validators=[Optional()])
    ends_on = DateField(_l("To"), validators=[Optional()])
    budget = StringField(
        _l("Budget (€ excl. VAT)"), render_kw={"inputmode": "decimal", "maxlength": 20}
    )
    audience = RadioField(
        _l("Who may see this offer"),
        choices=Audience.choices,
        validate_choice=False,
        default="network",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.department.choices = [("", _l("— department —")), *geo.department_choices()]
        self._budget: int | None = None

    def validate_budget(self, field: StringField) -> None:
        self._budget = _euros(field)

    def data_for_operation(self) -> dict[str, Any]:
        return {
            "title": self.title.data or "",
            "description": self.description.data or "",
            "skills": split_list(self.skills.data, ";,\n"),
            "city": self.city.data or "",
            "department": self.department.data or None,
            "starts_on": self.starts_on.data,
            "ends_on": self.ends_on.data,
            "budget_cents": self._budget,
            "audience": self.audience.data,
        }


class ResponseForm(_DomainForm):
    message = TextAreaField(_l("Message"), render_kw={"maxlength": LIMITS["message"], "rows": 5})
    price = StringField(
        _l("Your price (€ excl. VAT)"), render_kw={"inputmode": "decimal", "maxlength": 20}
    )

    def validate_price(self, field: StringField) -> None:
        self._price = _euros(field)

    def data_for_operation(self) -> dict[str, Any]:
        return {"message": self.message.data or "", "price_cents": getattr(self, "_price", None)}


class AcceptForm(_DomainForm):
    vat_rate = SelectField(_l("VAT rate"), choices=VatRate.choices, validate_choice=False)


class SubcontractForm(_DomainForm):
    subcontractor = StringField(
        _l("Subcontractor (profile number)"), render_kw={"inputmode": "numeric", "maxlength": 12}
    )
    title = StringField(_l("Title"), render_kw={"maxlength": LIMITS["title"]})
    description = TextAreaField(
        _l("Description"), render_kw={"maxlength": LIMITS["description"], "rows": 6}
    )
    amount = StringField(
        _l("Amount (€ excl. VAT)"), render_kw={"inputmode": "decimal", "maxlength": 20}
    )
    vat_rate = SelectField(_l("VAT rate"), choices=VatRate.choices, validate_choice=False)
    starts_on = DateField(_l("From"), validators=[Optional()])
    ends_on = DateField(_l("To"), validators=[Optional()])
    supersedes_id = HiddenField()

    def validate_amount(self, field: StringField) -> None:
        self._amount = _euros(field)

    def data_for_operation(self) -> dict[str, Any]:
        data = {
            "subcontractor_profile_id": (self.subcontractor.data or "").strip(),
            "title": self.title.data or "",
            "description": self.description.data or "",
            "amount_cents": getattr(self, "_amount", None),
            "vat_rate": self.vat_rate.data,
            "starts_on": self.starts_on.data,
            "ends_on": self.ends_on.data,
        }
        if (self.supersedes_id.data or "").strip():
            data["supersedes_id"] = self.supersedes_id.data.strip()  # checked by the operation
        return data


class MoveForm(FlaskForm):
    """One button per allowed move: the target status travels in a hidden field."""

    to = HiddenField()


class CloseOfferForm(FlaskForm):
    pass


class OfferFilterForm(FlaskForm):
    class Meta:
        csrf = False

    q = StringField(_l("Words"), render_kw={"maxlength": 200})
    skill = StringField(_l("Competence"), render_kw={"maxlength": 120, "list": "skill-suggestions"})
    department = SelectField(_l("Department"), validate_choice=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.department.choices = [("", _l("All")), *geo.department_choices()]

    def filter_values(self) -> dict[str, Any]:
        department = self.department.data or ""
        known = {code for code, _label in self.department.choices}
        return {
            "q": (self.q.data or "").strip()[:200] or None,
            "skill": (self.skill.data or "").strip()[:120] or None,
            "department": department if department and department in known else None,
        }

    def active_args(self) -> dict[str, str]:
        return {k: str(v) for k, v in self.filter_values().items() if v}


class PeriodForm(FlaskForm):
    class Meta:
        csrf = False

    start = DateField(_l("From"), validators=[Optional()], name="from")
    end = DateField(_l("To"), validators=[Optional()], name="to")
