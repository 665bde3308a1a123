"""The subcontracting schemas keep the messages and the leniencies the API always had."""

from __future__ import annotations

from datetime import date

import pytest

from marketplace.errors import ValidationError
from marketplace.schema import limit_of
from marketplace.subcontracting.forms import OfferForm, ResponseForm, SubcontractForm
from marketplace.subcontracting.schemas import (
    AcceptInput,
    OfferInput,
    OfferResponseInput,
    PeriodQuery,
    SubcontractInput,
    TransitionInput,
)


def refused(schema, data) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as caught:
        schema.load(data)
    return caught.value.fields


def test_offer_input_cleans_and_defaults(app):
    with app.test_request_context():
        body = OfferInput.load(
            {"title": " Pose ", "skills": "Carrelage; carrelage;;Faïence", "audience": None,
             "department": "2a", "description": None, "starts_on": "", "budget_cents": None}
        )  # fmt: skip
    assert body.title == "Pose" and body.skills == ["Carrelage", "Faïence"]
    assert (body.audience, body.department, body.description) == ("network", "2A", "")
    assert body.starts_on is None and body.budget_cents is None


def test_every_field_error_is_reported_at_once(app):
    with app.test_request_context("/", headers={"Accept-Language": "fr"}):
        fields = refused(
            OfferInput,
            {"title": "", "budget_cents": 0, "department": "99", "audience": "all",
             "starts_on": "2026-05-02", "ends_on": "2026-05-01", "owner": 1},
        )  # fmt: skip
    assert set(fields) == {"title", "budget_cents", "department", "audience", "ends_on", "owner"}
    assert fields["ends_on"] == ["La date de fin ne peut pas être avant la date de début."]


def test_records_take_ids_as_text_and_french_rates(app):
    with app.test_request_context():
        body = SubcontractInput.load(
            {"title": "Pose", "amount_cents": 100, "subcontractor_profile_id": " 12 ",
             "vat_rate": "5,5", "starts_on": date(2026, 1, 2)}
        )  # fmt: skip
        assert (body.subcontractor_profile_id, body.vat_rate) == (12, "5.5")
        assert AcceptInput.load({}).vat_rate is None  # the normal rate of the place, later
        assert AcceptInput.load({"vat_rate": 10}).vat_rate == "10.0"


def test_absent_fields_keep_their_messages(app):
    with app.test_request_context("/", headers={"Accept-Language": "fr"}):
        fields = refused(SubcontractInput, {"title": "Pose", "amount_cents": 100})
        assert fields["subcontractor_profile_id"] == [
            "Numéro de profil attendu (un nombre entier)."
        ]
        assert "Choisissez parmi" in refused(TransitionInput, {})["to"][0]
        assert refused(OfferResponseInput, {"price_cents": None})["price_cents"]
    with app.test_request_context():
        assert TransitionInput.load({"to": "paid", "other": 1}).to == "paid"


def test_the_period_is_in_order(app):
    with app.test_request_context("/", headers={"Accept-Language": "fr"}):
        with pytest.raises(ValidationError) as caught:
            PeriodQuery.load({"from": "2026-05-01", "to": "2026-01-01"})
        assert caught.value.message == "Certains filtres ne sont pas valides."
        assert list(caught.value.fields) == ["to"]
        period = PeriodQuery.load({"from": " 2026-01-01 ", "to": ""})
        assert (period.start, period.end) == (date(2026, 1, 1), None)


def test_forms_read_their_limits_from_the_schemas(app):
    with app.test_request_context():
        assert OfferForm(formdata=None).title.render_kw["maxlength"] == limit_of(
            OfferInput, "title"
        )
        assert ResponseForm(formdata=None).message.render_kw["maxlength"] == 3000
        assert SubcontractForm(formdata=None).description.render_kw["maxlength"] == 5000
