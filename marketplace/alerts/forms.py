"""The forms of the alerts page and of the "Create an alert" box of the results pages."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, SelectField, SubmitField

from marketplace.alerts.models import Frequency


class AlertForm(FlaskForm):
    """A results page's filters (hidden) and how often to be told."""

    kind = HiddenField()
    q = HiddenField()
    skill = HiddenField()
    department = HiddenField()
    near = HiddenField()
    radius_km = HiddenField()
    frequency = SelectField(_l("Tell me"), choices=Frequency.choices, validate_choice=False)
    submit = SubmitField(_l("Create an alert"))

    def values(self) -> dict[str, Any]:
        radius = (self.radius_km.data or "").strip()
        return {
            "kind": self.kind.data or "",
            "q": self.q.data or "",
            "skill": self.skill.data or "",
            "department": self.department.data or None,
            "near": self.near.data or "",
            "radius_km": int(radius) if radius.isdigit() else 30,
            "frequency": self.frequency.data or "instant",
        }


class DeleteAlertForm(FlaskForm):
    submit = SubmitField(_l("Delete"))


class SuggestionsForm(FlaskForm):
    suggestions = BooleanField(
        _l("Tell me about new offers and tenders that fit my competences and area")
    )
    submit = SubmitField(_l("Save"))
