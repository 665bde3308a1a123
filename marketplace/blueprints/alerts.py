"""Alerts in HTML: /alertes lists them with their last matches; create (from a results
page), delete; the suggestions setting."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from marketplace.alerts import operations as ops
from marketplace.alerts.forms import AlertForm, DeleteAlertForm, SuggestionsForm
from marketplace.alerts.schemas import AlertInput
from marketplace.blueprints.outcomes import field_messages, flash_errors

bp = Blueprint("alerts", __name__, url_prefix="/alertes")
MATCH_ENDPOINTS = {"offer": "offers.show", "tender": "tenders.show", "profile": "profiles.show"}
MATCH_ARGS = {"offer": "offer_id", "tender": "tender_id", "profile": "profile_id"}


@bp.get("")
@login_required
def index():
    alerts = ops.alerts_of(current_user)
    suggestions = SuggestionsForm(formdata=None)
    suggestions.suggestions.data = ops.suggestions_wanted(current_user)
    return render_template(
        "alerts/index.html",
        alerts=alerts,
        matches=ops.last_matches(alerts),
        delete_form=DeleteAlertForm(formdata=None),
        suggestions_form=suggestions,
        match_url=lambda n: url_for(
            MATCH_ENDPOINTS[n.object_type], **{MATCH_ARGS[n.object_type]: n.object_id}
        ),
    )


@bp.post("")
@login_required
def create():
    form = AlertForm()  # CSRF: the app-wide protection of every POST
    with flash_errors(url_for("alerts.index"), message=field_messages):
        ops.create_alert(current_user, AlertInput.load(form.values()))
    flash(_("Your alert is saved: we will tell you about what is new."), "success")
    return redirect(url_for("alerts.index"))


@bp.post("/<int:alert_id>/supprimer")
@login_required
def delete(alert_id: int):
    ops.delete_alert(current_user, alert_id)
    flash(_("The alert is deleted."), "success")
    return redirect(url_for("alerts.index"))


@bp.post("/suggestions")
@login_required
def suggestions():
    form = SuggestionsForm()
    ops.set_suggestions(current_user, bool(form.suggestions.data))
    flash(_("Your choice is saved."), "success")
    return redirect(url_for("alerts.index"))
