"""Forms of the subcontracting pages: offers, responses, records, moves and the period."""

from __future__ import annotations

from decimal import InvalidOperation
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, HiddenField, RadioField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Optional
from wtforms.validators import ValidationError as FieldError

from marketplace import geo
from marketplace.formatting import parse_euros
from marketplace.formfields import (
    FilterForm,
    amount_field,
    audience_field,
    place_errors,
    radio_field,
    text_area,
)
from marketplace.places.forms import NearFields
from marketplace.profiles.forms import split_list
from marketplace.schema import limit_of
from marketplace.subcontracting.models import OfferKind, VatRate, VatRegime
from marketplace.subcontracting.schemas import (
    FILTER_LIMIT,
    INVOICE_NUMBER_LIMIT,
    SKILL_NAME_LIMIT,
    OfferInput,
    OfferResponseInput,
    SubcontractInput,
)

#: Operation field name → form field name, where they differ.
FIELD_MAP = {"budget_cents": "budget", "price_cents": "price", "amount_cents": "amount",
             "subcontractor_profile_id": "subcontractor"}  # fmt: skip


class _DomainForm(FlaskForm):
    """A form that shows an operation's ValidationError beside its fields."""

    def add_domain_errors(self, fields: dict[str, list[str]], message: str = "") -> None:
        place_errors(self, fields, FIELD_MAP)
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


#: The kinds of offer as the form offers them.
KIND_CHOICES = [
    SelectChoice(OfferKind.NEED.value, _l("I need a hand")),
    SelectChoice(
        OfferKind.REPLACEMENT.value, _l("I need a replacement (I cannot work over a period)")
    ),
]


class OfferForm(_DomainForm):
    kind: RadioField = radio_field(_l("What you ask for"), KIND_CHOICES, default="need")
    title = StringField(_l("Title"), render_kw={"maxlength": limit_of(OfferInput, "title")})
    description = text_area(_l("Description"), limit_of(OfferInput, "description"), 6)
    skills = StringField(
        _l("Competences"), render_kw={"maxlength": 1000, "list": "skill-suggestions"}
    )
    city = StringField(_l("City"), render_kw={"maxlength": limit_of(OfferInput, "city")})
    department = SelectField(_l("Department"), validate_choice=False)
    starts_on = DateField(_l("From"), validators=[Optional()])
    ends_on = DateField(_l("To"), validators=[Optional()])
    workload = StringField(
        _l("How much work to cover"), render_kw={"maxlength": limit_of(OfferInput, "workload")}
    )
    client_contact = BooleanField(_l("The replacement deals with my clients directly"))
    budget = amount_field(_l("Budget (€ excl. VAT)"))
    audience = audience_field(_l("Who may see this offer"), default="network")

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
            "kind": self.kind.data or OfferKind.NEED.value,
            "workload": self.workload.data or "",
            "client_contact": bool(self.client_contact.data),
        }


class OutcomeForm(_DomainForm):
    """After a replacement: did it go well? (two buttons, yes and no)."""

    went_well = HiddenField()


class ResponseForm(_DomainForm):
    message = text_area(_l("Message"), limit_of(OfferResponseInput, "message"), 5)
    price = amount_field(_l("Your price (€ excl. VAT)"))

    def validate_price(self, field: StringField) -> None:
        self._price = _euros(field)

    def data_for_operation(self) -> dict[str, Any]:
        return {"message": self.message.data or "", "price_cents": getattr(self, "_price", None)}


def _regime_field() -> SelectField:
    return SelectField(
        _l("VAT regime (between two CAEs)"), choices=VatRegime.choices, validate_choice=False
    )


def _rate_choices() -> list[tuple[str, Any]]:
    return [("", _l("— the normal rate of the place —")), *VatRate.choices()]


def _rate_field() -> SelectField:
    return SelectField(
        _l("VAT rate (standard regime)"),
        choices=_rate_choices,
        validate_choice=False,
    )


def vat_values(regime: str | None, rate: str | None) -> dict[str, Any]:
    """What the VAT fields send: the rate only under the standard regime (a rate left chosen
    while another regime is picked is not a contradiction a person meant)."""
    values: dict[str, Any] = {"vat_regime": regime or None}
    if (regime or VatRegime.STANDARD.value) == VatRegime.STANDARD.value:
        values["vat_rate"] = rate or None
    return values


class AcceptForm(_DomainForm):
    vat_regime = _regime_field()
    vat_rate = _rate_field()


class SubcontractForm(_DomainForm):
    subcontractor = StringField(
        _l("Subcontractor (profile number)"), render_kw={"inputmode": "numeric", "maxlength": 12}
    )
    title = StringField(_l("Title"), render_kw={"maxlength": limit_of(SubcontractInput, "title")})
    description = text_area(_l("Description"), limit_of(SubcontractInput, "description"), 6)
    amount = amount_field(_l("Amount (€ excl. VAT)"))
    vat_regime = _regime_field()
    vat_rate = _rate_field()
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
            **vat_values(self.vat_regime.data, self.vat_rate.data),
            "starts_on": self.starts_on.data,
            "ends_on": self.ends_on.data,
        }
        if (self.supersedes_id.data or "").strip():
            data["supersedes_id"] = self.supersedes_id.data.strip()  # checked by the operation
        return data


class MoveForm(_DomainForm):
    """One button per allowed move: the target status travels in a hidden field; the move to
    invoiced carries the invoice's number."""

    to = HiddenField()
    invoice_number = StringField(
        _l("Invoice number"),
        render_kw={"maxlength": INVOICE_NUMBER_LIMIT, "autocomplete": "off"},
    )


class CloseOfferForm(FlaskForm):
    pass


class OfferFilterForm(NearFields, FilterForm):
    q = StringField(_l("Words"), render_kw={"maxlength": FILTER_LIMIT})
    skill = StringField(
        _l("Competence"), render_kw={"maxlength": SKILL_NAME_LIMIT, "list": "skill-suggestions"}
    )
    department = SelectField(_l("Department"), validate_choice=False)
    kind = SelectField(_l("Kind"), validate_choice=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.department.choices = [("", _l("All")), *geo.department_choices()]
        self.kind.choices = [
            ("", _l("All")),
            (OfferKind.NEED.value, _l("Needs for a hand")),
            (OfferKind.REPLACEMENT.value, _l("Replacements")),
        ]

    def filter_values(self) -> dict[str, Any]:
        return {
            "q": self.typed(self.q, FILTER_LIMIT),
            "skill": self.typed(self.skill, SKILL_NAME_LIMIT),
            "department": self.chosen(self.department),
            "kind": self.chosen(self.kind),
            **self.near_values(),
        }


class PeriodForm(FlaskForm):
    class Meta:
        csrf = False

    start = DateField(_l("From"), validators=[Optional()], name="from")
    end = DateField(_l("To"), validators=[Optional()], name="to")
