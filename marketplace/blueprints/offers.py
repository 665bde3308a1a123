"""Offers in HTML: browse with filters, post one, answer it, accept a response, close it."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from marketplace.blueprints.confirm import confirm_first
from marketplace.blueprints.outcomes import flash_errors, form_errors, require_valid
from marketplace.blueprints.paging import filtered_list
from marketplace.errors import Conflict, PermissionDenied, ValidationError
from marketplace.subcontracting.forms import (
    AcceptForm,
    CloseOfferForm,
    OfferFilterForm,
    OfferForm,
    OutcomeForm,
    ResponseForm,
    vat_values,
)
from marketplace.subcontracting.operations import (
    OfferFilters,
    accept_response,
    close_offer,
    create_offer,
    get_offer,
    is_owner,
    respond,
    search_offers,
    visible_responses,
)
from marketplace.subcontracting.replacements import can_tell_outcome, ranked, record_outcome
from marketplace.subcontracting.schemas import (
    AcceptInput,
    OfferInput,
    OfferResponseInput,
    OutcomeInput,
)
from marketplace.trust.replacements import recommendation_message, recommendation_step

bp = Blueprint("offers", __name__, url_prefix="/offres")
PER_PAGE = 20

#: What the forms of an offer's page show on top of the form: the offer may have closed,
#: one may not answer one's own offer.
FORM_REFUSALS = (ValidationError, Conflict, PermissionDenied)


@bp.get("")
def index():
    form = OfferFilterForm(formdata=request.args)

    return filtered_list(
        "offers", form, search_offers, OfferFilters, PER_PAGE, past_the_end_404=False
    )


@bp.route("/nouvelle", methods=["GET", "POST"])
@login_required
def new():
    form = OfferForm()
    if request.method == "GET":
        if request.args.get("type") == "remplacement":
            form.kind.data = "replacement"
        return render_template("offers/new.html", form=form)
    valid = form.validate()
    data = form.data_for_operation()
    page = lambda: render_template("offers/new.html", form=form)  # noqa: E731
    if not valid:  # the budget's own message is the form's; check the other fields too
        del data["budget_cents"]
    with form_errors(form, page, catch=(ValidationError, PermissionDenied)):
        body = OfferInput.load(data)
        if valid:
            offer = create_offer(current_user, body)
    if form.has_errors:
        return render_template("offers/new.html", form=form), 422
    if offer.is_replacement:
        flash(_("Your replacement request is posted."), "success")
        return redirect(url_for("offers.show", offer_id=offer.id))
    flash(_("Your offer is posted."), "success")
    return redirect(url_for("offers.show", offer_id=offer.id))


def _show(offer, response_form=None, accept_form=None, status: int = 200):
    responses = visible_responses(current_user, offer)
    availability: dict[int, str] = {}
    if offer.is_replacement and responses:
        # The requester compares the candidates: available over the period first, then nearer.
        order = ranked(offer, [r.responder for r in responses])
        availability = {profile.id: label for profile, label, _km in order}
        position = {profile.id: i for i, (profile, _label, _km) in enumerate(order)}
        responses = sorted(responses, key=lambda r: position[r.responder_profile_id])
    mine = (
        current_user.is_authenticated
        and current_user.profile is not None
        and any(r.responder_profile_id == current_user.profile.id for r in offer.responses)
    )
    owner = is_owner(current_user, offer)
    can_respond = (
        offer.status == "open" and current_user.is_authenticated and current_user.is_verified
        and not owner and not mine
    )  # fmt: skip
    step = recommendation_step(current_user, offer)
    return render_template(
        "offers/show.html",
        offer=offer,
        responses=responses,
        is_owner=owner,
        can_respond=can_respond,
        response_form=response_form or ResponseForm(formdata=None),
        accept_form=accept_form or AcceptForm(formdata=None),
        close_form=CloseOfferForm(formdata=None),
        availability=availability,
        tell_outcome=can_tell_outcome(current_user, offer),
        outcome_form=OutcomeForm(formdata=None),
        recommendation_step=step,
        recommendation_message=recommendation_message(step) if step else None,
    ), status


@bp.get("/<int:offer_id>")
def show(offer_id: int):
    return _show(get_offer(current_user, offer_id))


@bp.post("/<int:offer_id>/reponses")
@login_required
def post_response(offer_id: int):
    offer = get_offer(current_user, offer_id)
    form = ResponseForm()
    valid = form.validate()
    with form_errors(form, lambda: _show(offer, response_form=form), catch=FORM_REFUSALS):
        if valid:
            respond(current_user, offer, OfferResponseInput.load(form.data_for_operation()))
    if form.has_errors:
        return _show(offer, response_form=form, status=422)
    flash(_("Your response is sent."), "success")
    return redirect(url_for("offers.show", offer_id=offer.id))


@bp.post("/<int:offer_id>/reponses/<int:response_id>/accepter")
@login_required
def accept(offer_id: int, response_id: int):
    offer = get_offer(current_user, offer_id)
    form = AcceptForm()
    require_valid(form, lambda: _show(offer, accept_form=form, status=422))
    with flash_errors(lambda: _show(offer, accept_form=form), status=None):  # 422 or 409
        body = AcceptInput.load(vat_values(form.vat_regime.data, form.vat_rate.data))
        record = accept_response(current_user, offer, response_id, body)
    flash(_("Response accepted: the subcontract is proposed to its author."), "success")
    return redirect(url_for("subcontracts.show", record_id=record.id))


@bp.post("/<int:offer_id>/fermer")
@login_required
def close(offer_id: int):
    offer = get_offer(current_user, offer_id)
    if not CloseOfferForm().validate():
        abort(400)
    if is_owner(current_user, offer):  # the others get the operation's refusal
        confirm_first(
            _("Close this offer without accepting any response? Nobody can answer it any more."),
            _("Close without accepting"),
            url_for("offers.show", offer_id=offer.id),
        )
    with flash_errors(lambda: _show(offer), catch=(Conflict,), status=409):
        close_offer(current_user, offer)
    flash(_("The offer is closed."), "success")
    return redirect(url_for("offers.show", offer_id=offer.id))


@bp.post("/<int:offer_id>/bilan")
@login_required
def outcome(offer_id: int):
    """The requester or the chosen replacement says whether the replacement went well."""
    offer = get_offer(current_user, offer_id)
    form = OutcomeForm()
    require_valid(form, lambda: _show(offer, status=422))
    if form.went_well.data not in ("yes", "no"):
        flash(_("Say whether the replacement went well: yes or no."), "error")
        return _show(offer, status=422)
    with flash_errors(lambda: _show(offer), catch=FORM_REFUSALS, status=None):
        record_outcome(current_user, offer, OutcomeInput(went_well=form.went_well.data == "yes"))
    flash(_("Thank you: your opinion on this replacement is recorded."), "success")
    return redirect(url_for("offers.show", offer_id=offer.id))
