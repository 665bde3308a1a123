"""The dashboard's form: verify several memberships at once."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectMultipleField, StringField


class BulkVerifyForm(FlaskForm):
    """The ticked people of the list awaiting verification (their account ids)."""

    #: The choices are the page's rows; the operation checks each id (unknown ones are 404).
    people = SelectMultipleField(_l("People to verify"), coerce=int, validate_choice=False)
    note = StringField(_l("Note (optional)"), render_kw={"maxlength": 500})
