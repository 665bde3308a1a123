"""Forms of the concept and misses pages (administrators)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, StringField

from marketplace.schema import limit_of
from marketplace.search.schemas import ConceptInput


def _skill_field() -> StringField:
    """The competence a phrase is tied to, picked from the list of known skills."""
    return StringField(
        _l("Competence"),
        render_kw={
            "maxlength": limit_of(ConceptInput, "skill"),
            "required": True,
            "list": "skill-list",
            "autocomplete": "off",
        },
    )


class ConceptForm(FlaskForm):
    """Tie a word or phrase of a need to a competence."""

    phrase = StringField(
        _l("Word or phrase of a need"),
        render_kw={"maxlength": limit_of(ConceptInput, "phrase"), "required": True},
    )
    skill = _skill_field()


class MissLinkForm(FlaskForm):
    """« Link to a competence » beside a search that found nothing."""

    phrase = HiddenField()
    skill = _skill_field()


class DeleteForm(FlaskForm):
    """A button with its CSRF token."""
