"""Forms of the tender pages: post/edit (lots as repeated rows), apply, decide, team, filters."""

from __future__ import annotations

from datetime import datetime, time
from decimal import InvalidOperation
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TimeField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Optional
from wtforms.widgets import CheckboxInput, ListWidget

from marketplace import geo
from marketplace.formatting import cents_to_input, parse_euros
from marketplace.formfields import (
    FilterForm,
    amount_field,
    audience_field,
    place_errors,
    radio_field,
    text_area,
)
from marketplace.ids import parse_id, small_number
from marketplace.places.forms import NearFields
from marketplace.schema import limit_of
from marketplace.tenders.models import (
    BuyerKind,
    LotVat,
    LotVatRate,
    ProcedureKind,
    Tender,
    TenderRole,
    TenderStatus,
)
from marketplace.tenders.schemas import (
    MAX_LOTS,
    TenderApplicationCreate,
    TenderBuyerInput,
    TenderCreate,
    TenderLotInput,
)
from marketplace.timeutil import PARIS, to_paris

EMPTY_LOTS = 2
MAX_ROWS = MAX_LOTS + EMPTY_LOTS
FIELD_MAP = {
    "estimated_amount_cents": "estimated_amount",
    "buyer": "buyer_name",
    "deadline": "deadline_date",
    "applications_deadline": "applications_date",
}


def _department_choices() -> list[tuple[str, Any]]:
    return [("", _l("— department —")), *geo.department_choices()]


def _lot_vat_choices() -> list[tuple[str, Any]]:
    """One choice per rate, then reverse charge and exemption (regimes without a rate)."""
    rates = [(value, _l("VAT %(rate)s", rate=label)) for value, label in LotVatRate.choices()]
    regimes = [(v, label) for v, label in LotVat.choices() if v != "standard"]
    return rates + regimes


def _lot_vat(value: str | None) -> dict[str, Any]:
    if value in LotVatRate.values():
        return {"vat_regime": "standard", "vat_rate": value}
    if value in LotVat.values():
        return {"vat_regime": value, "vat_rate": None}
    return {"vat_regime": None, "vat_rate": None}


def _procedure_choices() -> list[tuple[str, Any]]:
    return [("", _l("— not said —")), *ProcedureKind.choices()]


def _euros(raw: str | None, errors: list) -> int | None:
    try:
        return parse_euros(raw)
    except (ValueError, InvalidOperation):
        errors.append(_l("Enter an amount in euros, e.g. 45000 or 45 000,50."))
        return None


class LotRowForm(Form):
    number = StringField(_l("Number"), render_kw={"inputmode": "numeric", "maxlength": 3})
    title = StringField(_l("Lot title"), render_kw={"maxlength": limit_of(TenderLotInput, "title")})
    skills = StringField(_l("Required competences"), render_kw={"maxlength": 1000})
    amount = amount_field(_l("Estimated amount (€ excl. VAT)"))
    vat = SelectField(
        _l("VAT of the lot"), choices=_lot_vat_choices, default="20.0", validate_choice=False
    )


class TenderForm(FlaskForm):
    title = StringField(_l("Title"), render_kw={"maxlength": limit_of(TenderCreate, "title")})
    buyer_name = StringField(
        _l("Buyer"), render_kw={"maxlength": limit_of(TenderBuyerInput, "name")}
    )
    buyer_kind = radio_field(_l("Kind of buyer"), BuyerKind.choices, default="public")
    reference = StringField(
        _l("Reference"), render_kw={"maxlength": limit_of(TenderCreate, "reference")}
    )
    source_url = StringField(
        _l("Link to the notice"),
        render_kw={"maxlength": limit_of(TenderCreate, "source_url"), "inputmode": "url"},
    )
    procedure = StringField(
        _l("Procedure"), render_kw={"maxlength": limit_of(TenderCreate, "procedure")}
    )
    procedure_kind = SelectField(
        _l("Kind of procedure"), choices=_procedure_choices, validate_choice=False, default=""
    )
    applications_date = DateField(_l("Applications due: date"), validators=[Optional()])
    applications_time = TimeField(_l("Applications due: time (Paris)"), validators=[Optional()])
    deadline_date = DateField(_l("Deadline: date"), validators=[Optional()])
    deadline_time = TimeField(_l("Deadline: time (Paris)"), validators=[Optional()])
    city = StringField(_l("City"), render_kw={"maxlength": limit_of(TenderCreate, "city")})
    department = SelectField(_l("Department"), choices=_department_choices, validate_choice=False)
    estimated_amount = amount_field(_l("Estimated amount (€ excl. VAT)"))
    description = text_area(_l("Description"), limit_of(TenderCreate, "description"), 6)
    audience = audience_field(_l("Who may see the tender"), default="network")
    #: One of the poster's collectives (choices set by the view), or "" for none.
    collective = SelectField(
        _l("Posted for a collective"),
        choices=[SelectChoice("", "")],
        validate_choice=False,
        default="",
    )
    lots = FieldList(FormField(LotRowForm), min_entries=EMPTY_LOTS, max_entries=MAX_ROWS)
    add_rows = SubmitField(_l("Add lots"))
    submit = SubmitField(_l("Save the tender"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.lot_errors: list[str] = []

    @classmethod
    def for_tender(cls, tender: Tender) -> TenderForm:
        local = to_paris(tender.deadline)
        applications = to_paris(tender.applications_deadline)
        rows = [
            {
                "number": str(lot.number),
                "title": lot.title,
                "skills": "; ".join(lot.skill_names),
                "amount": cents_to_input(lot.estimated_amount_cents),
                "vat": lot.vat_rate if lot.vat_regime == "standard" else lot.vat_regime,
            }
            for lot in tender.lots
        ]
        rows += [{"number": "", "title": "", "skills": "", "amount": ""}] * EMPTY_LOTS
        data = {
            "title": tender.title,
            "buyer_name": tender.buyer_name,
            "buyer_kind": tender.buyer_kind,
            "reference": tender.reference,
            "source_url": tender.source_url or "",
            "procedure": tender.procedure,
            "procedure_kind": tender.procedure_kind or "",
            "applications_date": applications.date() if applications else None,
            "applications_time": applications.time().replace(second=0) if applications else None,
            "deadline_date": local.date() if local else None,
            "deadline_time": local.time().replace(second=0) if local else None,
            "city": tender.city,
            "department": tender.department or "",
            "estimated_amount": cents_to_input(tender.estimated_amount_cents),
            "description": tender.description,
            "audience": tender.audience,
            "collective": str(tender.collective_id or ""),
            "lots": rows,
        }
        return cls(formdata=None, data=data)

    def offer_collectives(self, collectives: list[tuple[int, str]]) -> None:
        """The collectives the poster belongs to, as choices (the current one kept)."""
        choices = [SelectChoice("", str(_l("None: in my own name")))]
        choices += [SelectChoice(str(i), name) for i, name in collectives]
        current = self.collective.data or ""
        if current and current not in {choice.value for choice in choices}:
            choices.append(SelectChoice(current, current))
        self.collective.choices = choices

    def add_empty_rows(self, count: int = EMPTY_LOTS) -> None:
        for _ in range(max(0, min(count, MAX_ROWS - len(self.lots.entries)))):
            self.lots.append_entry(
                {"number": "", "title": "", "skills": "", "amount": "", "vat": "20.0"}
            )

    def tender_data(self) -> dict[str, Any]:
        """What create_tender()/update_tender() take; amounts the form refused are marked."""
        data: dict[str, Any] = {
            "title": self.title.data or "",
            "buyer": {"name": self.buyer_name.data or "", "kind": self.buyer_kind.data},
            "reference": self.reference.data or "",
            "source_url": self.source_url.data or "",
            "procedure": self.procedure.data or "",
            "procedure_kind": self.procedure_kind.data or None,
            "city": self.city.data or "",
            "department": self.department.data or None,
            "description": self.description.data or "",
            "audience": self.audience.data,
        }
        raw = (self.collective.data or "").strip()
        data["collective_id"] = parse_id(raw)
        if self.deadline_date.data:
            moment = self.deadline_time.data or time(12, 0)
            data["deadline"] = datetime.combine(self.deadline_date.data, moment, tzinfo=PARIS)
        else:
            data["deadline"] = None
        data["applications_deadline"] = None
        if self.applications_date.data:
            moment = self.applications_time.data or time(12, 0)
            data["applications_deadline"] = datetime.combine(
                self.applications_date.data, moment, tzinfo=PARIS
            )
        errors: list = []
        data["estimated_amount_cents"] = _euros(self.estimated_amount.data, errors)
        if errors:
            self.estimated_amount.errors = list(self.estimated_amount.errors) + errors
        lots = []
        for index, row in enumerate(self.lots, start=1):
            form = row.form
            if not (form.title.data or "").strip() and not (form.skills.data or "").strip():
                continue
            number = (form.number.data or "").strip()
            errors = []
            amount = _euros(form.amount.data, errors)
            if errors:
                self.lot_errors.extend(str(e) for e in errors)
            lots.append(
                {
                    "number": small_number(number) or (number or index),
                    "title": form.title.data or "",
                    "skills": form.skills.data or "",
                    "estimated_amount_cents": amount,
                    **_lot_vat(form.vat.data),
                }
            )
        data["lots"] = lots
        return data

    def add_domain_errors(self, fields: dict[str, list[str]]) -> None:
        self.lot_errors.extend(str(m) for m in fields.get("lots", ()))
        others = {key: messages for key, messages in fields.items() if key != "lots"}
        place_errors(
            self,
            others,
            FIELD_MAP,
        )

    @property
    def has_errors(self) -> bool:
        return bool(
            self.errors or self.lot_errors or self.form_errors or self.estimated_amount.errors
        )


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class ApplyForm(FlaskForm):
    lot_ids = MultiCheckboxField(_l("Lots"), coerce=int, validate_choice=False)
    role = radio_field(_l("As"), TenderRole.choices, default="cotraitant")
    message = text_area(_l("Message"), limit_of(TenderApplicationCreate, "message"), 5)
    submit = SubmitField(_l("Apply"))


class BuildTeamForm(FlaskForm):
    """ "Build a team" on a public notice (POST, CSRF); the deadline only when it gives none."""

    deadline_date = DateField(_l("Deadline: date"), validators=[Optional()])
    deadline_time = TimeField(_l("Deadline: time (Paris)"), validators=[Optional()])
    submit = SubmitField(_l("Build a team"))

    def body(self) -> dict[str, Any]:
        """What TeamFromNotice takes."""
        if not self.deadline_date.data:
            return {}
        moment = self.deadline_time.data or time(12, 0)
        return {"deadline": datetime.combine(self.deadline_date.data, moment, tzinfo=PARIS)}


class DecisionForm(FlaskForm):
    share = amount_field(_l("Share (€ excl. VAT)"))
    accept = SubmitField(_l("Accept"))
    decline = SubmitField(_l("Decline"))


class StatusForm(FlaskForm):
    to = HiddenField()


class TeamForm(FlaskForm):
    lead_profile_id = SelectField(_l("Mandataire"), coerce=int, validate_choice=False)
    form = SelectField(_l("Form of the group"), validate_choice=False)
    submit = SubmitField(_l("Save the team"))


class ShareForm(FlaskForm):
    profile_id = HiddenField()
    share = amount_field(_l("Share (€ excl. VAT)"))
    submit = SubmitField(_l("Save the share"))


class TenderFilterForm(NearFields, FilterForm):
    department = SelectField(_l("Department"), validate_choice=False)
    skill = StringField(_l("Competence"), render_kw={"maxlength": 120, "list": "skill-suggestions"})
    status = SelectField(_l("Status"), validate_choice=False)
    deadline_after = DateField(_l("Deadline from"), validators=[Optional()])
    deadline_before = DateField(_l("Deadline until"), validators=[Optional()])
    #: The tab: "members" (the members' tenders), "boamp" (public notices), "" (both).
    source = HiddenField()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        anything = ("", _l("All"))
        self.department.choices = [anything, *geo.department_choices()]
        self.status.choices = [anything, *TenderStatus.choices()]

    def filter_values(self) -> dict[str, Any]:
        self.validate()
        department = self.department.data or ""
        status = self.status.data if self.status.data in TenderStatus.values() else None
        after = self.deadline_after.data if not self.deadline_after.errors else None
        before = self.deadline_before.data if not self.deadline_before.errors else None
        return {
            "q": self.typed(self.q, 200),
            "department": geo.normalize_department(department) if department else None,
            "skill": self.typed(self.skill, 120),
            "status": status,
            "source": self.source.data if self.source.data in ("boamp", "members") else None,
            "deadline_after": datetime.combine(after, time(0, 0), tzinfo=PARIS) if after else None,
            "deadline_before": (
                datetime.combine(before, time(23, 59, 59), tzinfo=PARIS) if before else None
            ),
            **self.near_values(),
        }

    def active_args(self) -> dict[str, str]:
        keys = ("q", "department", "skill", "status", "near")
        args = {k: (self[k].data or "") for k in keys}
        if args["near"] and self.radius_km.data and not self.radius_km.errors:
            args["radius_km"] = self.radius_km.data
        if self.source.data in ("boamp", "members"):
            args["source"] = self.source.data
        for k in ("deadline_after", "deadline_before"):
            if self[k].data and not self[k].errors:
                args[k] = self[k].data.isoformat()
        return {k: str(v) for k, v in args.items() if v}
