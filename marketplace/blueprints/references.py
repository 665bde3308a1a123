"""The form by which a party shows delivered work as a reference on the profiles: the same form
on a subcontract record's page and on a won tender's page, and the same answer to its post."""

from __future__ import annotations

from collections.abc import Callable

from flask import flash, redirect
from flask_babel import gettext as _
from flask_login import current_user

from marketplace.blueprints.outcomes import flash_errors
from marketplace.trust.forms import ConsentForm
from marketplace.trust.operations import consent_of
from marketplace.trust.schemas import ConsentInput


def consent_form(**where: int) -> ConsentForm:
    """The reader's consent for a record (``subcontract_id=`` or ``tender_id=``), as the form
    shows it."""
    mine = consent_of(current_user, **where)
    return ConsentForm(
        formdata=None, show=mine is not None, show_amount=bool(mine and mine.show_amount)
    )


def save_consent(form: ConsentForm, save: Callable[[ConsentInput], object], target: str):
    """A posted form the view has checked: ``save(body)``, then « Your choice is saved. » and
    ``target`` (a refusal: its message, and ``target``)."""
    body = ConsentInput.load({"show": form.show.data, "show_amount": form.show_amount.data})
    with flash_errors(target):
        save(body)
    flash(_("Your choice is saved."), "success")
    return redirect(target)
