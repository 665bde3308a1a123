"""The dashboard's form: verify several memberships at once."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectMultipleField, StringField

from marketplace.ids import parse_id


def _account_id(raw: object) -> int:
    """A ticked account id; anything no row can have (text, 0, beyond the id range) is refused."""
    value = parse_id(raw)
    if value is None:
        raise ValueError("not an id")
    return value


class BulkVerifyForm(FlaskForm):
    """The ticked people of the list awaiting verification (their account ids)."""

    #: The choices are the page's rows; the operation checks each id (unknown ones are 404).
    people = SelectMultipleField(_l("People to verify"), coerce=_account_id, validate_choice=False)
    note = StringField(_l("Note (optional)"), render_kw={"maxlength": 500})
