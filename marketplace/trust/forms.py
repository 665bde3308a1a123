"""The forms of recommendations and of the consent to verified references (rendering only: the
schemas and operations check)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField

from marketplace.formfields import text_area
from marketplace.trust.models import RECOMMENDATION_LIMIT


class RecommendationForm(FlaskForm):
    body = text_area(_l("Your recommendation"), RECOMMENDATION_LIMIT, 4)

    @property
    def has_errors(self) -> bool:
        return bool(self.errors or self.form_errors)


class ConsentForm(FlaskForm):
    show = BooleanField(_l("Show this work on my profile as verified by Essaim"))
    show_amount = BooleanField(_l("Also show the amount (only if the other party agrees too)"))


class HideForm(FlaskForm):
    #: "1" hides the recommendation, "0" shows it again.
    hidden = HiddenField()
