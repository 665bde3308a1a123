"""Subcontract records in HTML: one's ledger, a record with its moves, and a CAE's figures."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from marketplace.approvals.operations import approvals_of
from marketplace.blueprints.outcomes import flash_errors, form_errors, require_valid
from marketplace.blueprints.references import consent_form, save_consent
from marketplace.errors import Conflict, DomainError, PermissionDenied, ValidationError
from marketplace.extensions import db
from marketplace.formatting import month_label
from marketplace.ids import parse_id
from marketplace.profiles.models import Profile
from marketplace.subcontracting.charts import flow_chart, month_chart
from marketplace.subcontracting.figures import (
    cae_figures,
    cae_records,
    my_ledger,
    tender_figures,
    work_over_time,
)
from marketplace.subcontracting.forms import MoveForm, PeriodForm, SubcontractForm
from marketplace.subcontracting.models import SubcontractKind
from marketplace.subcontracting.parties import acting_profile
from marketplace.subcontracting.records import (
    allowed_moves,
    get_subcontract,
    history_names,
    kind_between,
    party_of,
    propose_subcontract,
    subcontract_references,
    transition,
)
from marketplace.subcontracting.schemas import PeriodQuery, SubcontractInput, TransitionInput
from marketplace.timeutil import PARIS, utcnow
from marketplace.trust.forms import ConsentForm, RecommendationForm
from marketplace.trust.operations import (
    can_recommend,
    counterpart_consent,
    recommend,
    set_subcontract_consent,
)
from marketplace.trust.schemas import RecommendationInput
from marketplace.visibility import can_view_profile

bp = Blueprint("subcontracts", __name__)
#: Records listed on a CAE's figures page (the totals count them all; the CSV ledger lists all).
LATEST_RECORDS = 50


@bp.get("/sous-traitances")
@login_required
def index():
    return render_template("subcontracts/index.html", **my_ledger(current_user))


@bp.route("/sous-traitances/nouvelle", methods=["GET", "POST"])
@login_required
def new():
    if request.method == "GET":
        form = SubcontractForm(formdata=None)
        profile_id = parse_id(request.args.get("profil"))
        if profile_id:
            form.subcontractor.data = str(profile_id)
        previous = parse_id(request.args.get("remplace"))
        if previous:
            old = get_subcontract(current_user, previous)
            form = SubcontractForm(
                formdata=None,
                subcontractor=str(old.subcontractor_profile_id),
                title=old.title,
                description=old.description,
                amount=f"{old.amount_cents // 100},{old.amount_cents % 100:02d}",
                vat_regime=old.vat_regime or "",
                vat_rate=old.vat_rate or "",
                starts_on=old.starts_on,
                ends_on=old.ends_on,
                supersedes_id=str(old.id),
            )
        return _new_page(form)
    form = SubcontractForm()
    valid = form.validate()
    data = form.data_for_operation()
    if not valid:  # the amount's own message is the form's; check the other fields too
        data["amount_cents"] = data["amount_cents"] or 1
    record = None
    refusals = (ValidationError, Conflict, PermissionDenied)
    with form_errors(form, lambda: _new_page(form), catch=refusals):
        body = SubcontractInput.load(data)
        if valid:
            record = propose_subcontract(current_user, body)
        else:
            subcontract_references(current_user, acting_profile(current_user), body)
    if form.has_errors or record is None:
        return _new_page(form), 422
    flash(_("The subcontract is proposed: it counts once the subcontractor accepts it."), "success")
    return redirect(url_for("subcontracts.show", record_id=record.id))


def _new_page(form: SubcontractForm) -> str:
    subcontractor = None
    raw = (form.subcontractor.data or "").strip()
    if (profile_id := parse_id(raw)) is not None:
        profile = db.session.get(Profile, profile_id)
        if profile is not None and can_view_profile(current_user, profile):
            subcontractor = profile
    me = current_user.profile
    internal = (
        subcontractor is not None
        and me is not None
        and kind_between(me, subcontractor) == SubcontractKind.INTERNAL.value
    )
    return render_template(
        "subcontracts/new.html", form=form, subcontractor=subcontractor, internal=internal
    )


def _show(
    record,
    status: int = 200,
    move_form: MoveForm | None = None,
    recommend_form: RecommendationForm | None = None,
):
    party = party_of(current_user, record)
    return render_template(
        "subcontracts/show.html",
        record=record,
        party=party,
        moves=allowed_moves(current_user, record),
        move_form=move_form or MoveForm(formdata=None),
        people=history_names(record),
        sign_offs=list(approvals_of("subcontract", record.id).values()),
        may_recommend=can_recommend(current_user, record),
        recommend_form=recommend_form or RecommendationForm(formdata=None),
        consent_form=consent_form(subcontract_id=record.id),
        counterpart_consent=counterpart_consent(record, party) if party else None,
    ), status


@bp.get("/sous-traitances/<int:record_id>")
@login_required
def show(record_id: int):
    return _show(get_subcontract(current_user, record_id))


@bp.post("/sous-traitances/<int:record_id>/etat")
@login_required
def move(record_id: int):
    record = get_subcontract(current_user, record_id)
    form = MoveForm()
    require_valid(form, lambda: _show(record, 400))
    with flash_errors(
        lambda: _show(get_subcontract(current_user, record_id)),
        status=409,
        rollback=True,
        message=_move_refusal,
    ):
        to = TransitionInput.load({"to": form.to.data}).to
        # A missing or used invoice number: the page again, the message beside the field.
        with form_errors(form, lambda: _show(record, 422, form)):
            number = TransitionInput.load(
                {"to": to, "invoice_number": form.invoice_number.data or ""}
            ).invoice_number
            transition(current_user, record, to, number)
    flash(_("The record is updated."), "success")
    return redirect(url_for("subcontracts.show", record_id=record_id))


@bp.post("/sous-traitances/<int:record_id>/recommandation")
@login_required
def recommend_party(record_id: int):
    record = get_subcontract(current_user, record_id)
    form = RecommendationForm()
    require_valid(form, lambda: _show(record, 400, recommend_form=form))
    with (
        flash_errors(url_for("subcontracts.show", record_id=record_id), catch=(Conflict,)),
        form_errors(form, lambda: _show(record, 422, recommend_form=form)),
    ):
        recommend(current_user, record, RecommendationInput.load({"body": form.body.data}))
    flash(_("Your recommendation is on their profile."), "success")
    return redirect(url_for("subcontracts.show", record_id=record_id))


@bp.post("/sous-traitances/<int:record_id>/reference")
@login_required
def consent(record_id: int):
    record = get_subcontract(current_user, record_id)
    form = ConsentForm()
    require_valid(form, lambda: _show(record, 400))
    return save_consent(
        form,
        lambda body: set_subcontract_consent(current_user, record, body),
        url_for("subcontracts.show", record_id=record_id),
    )


def _move_refusal(error: DomainError) -> str:
    if isinstance(error, Conflict):
        return error.message
    return _("This record cannot move from this status to that one.")


@bp.get("/caes/<int:cae_id>/chiffres")
@login_required
def figures(cae_id: int):
    form = PeriodForm(formdata=request.args)
    start = end = None
    status = 422
    if form.validate():
        try:
            period = PeriodQuery.load({"from": form.start.data, "to": form.end.data})
            start, end, status = period.start, period.end, 200
        except ValidationError as error:
            form.end.errors = error.fields.get("to", [])
    # The totals count every record of the period; the page lists the latest ones with their
    # parties (the CSV ledger has them all): at 100,000 profiles a CAE has hundreds.
    result = cae_figures(current_user, cae_id, start, end, parties=False)
    latest = cae_records(result.cae.id, start, end, parties=True, latest=LATEST_RECORDS)
    cross = result.cross_flows()
    today = utcnow().astimezone(PARIS).date()
    months = work_over_time(result.cae.id, start, end, today)
    args: dict[str, Any] = {k: v.isoformat() for k, v in (("from", start), ("to", end)) if v}
    return render_template(
        "subcontracts/figures.html",
        form=form,
        figures=result,
        latest=latest,
        cross=cross,
        chart=flow_chart(cross, result.cae.id),
        months=months,
        month_chart=month_chart(
            [(m, month_label(m), t.internal_cents, t.cross_cents) for m, t in months]
        ),
        tenders=tender_figures(result.cae.id),
        skills=result.top_skills(),
        csv_url=url_for("api.cae_ledger_csv", cae_id=cae_id, **args),
    ), status
