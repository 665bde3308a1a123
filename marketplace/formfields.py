"""Form fields that the domains' forms share (the schemas check what they hold)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, StringField, TextAreaField

from marketplace.audience import Audience


def place_errors(
    form: Any, fields: Mapping[str, Any], names: Mapping[str, str] | None = None
) -> None:
    """Put the messages of a ValidationError beside the form's fields (``names``: field of the
    operation → field of the form, where they differ); the others go on top of the form."""
    for key, messages in fields.items():
        field = form._fields.get((names or {}).get(key, key))
        if field is None:
            form.form_errors.extend(str(m) for m in messages)
        else:
            field.errors = [*field.errors, *(str(m) for m in messages)]


def amount_field(label: Any) -> StringField:
    """An amount in euros as typed (a decimal keypad on phones)."""
    return StringField(label, render_kw={"inputmode": "decimal", "maxlength": 20})


def text_area(label: Any, limit: int, rows: int, **options: Any) -> TextAreaField:
    """Text on several lines, at most ``limit`` characters (read it from the schema)."""
    return TextAreaField(label, render_kw={"maxlength": limit, "rows": rows}, **options)


def radio_field(label: Any, choices: Any, **options: Any) -> RadioField:
    """One of ``choices``; the schema, not the form, says whether the value is allowed."""
    return RadioField(label, choices=choices, validate_choice=False, **options)


def audience_field(label: Any, **options: Any) -> RadioField:
    """Who may see what the form posts."""
    return radio_field(label, options.pop("choices", Audience.choices), **options)


class FilterForm(FlaskForm):
    """The filters of a list: a GET form (no CSRF token), every value in the URL, words first."""

    class Meta:
        csrf = False

    q = StringField(_l("Words"), render_kw={"maxlength": 200})

    @staticmethod
    def chosen(field: Any) -> str | None:
        """The value of a select when it is one of its choices (anything else filters nothing)."""
        value = field.data or ""
        return value if value and value in {str(k) for k, _ in field.choices} else None

    @staticmethod
    def typed(field: Any, limit: int) -> str | None:
        """What was typed, trimmed and cut at ``limit`` (nothing: no filter)."""
        return (field.data or "").strip()[:limit] or None

    def filter_values(self) -> dict[str, Any]:
        """The valid filters as the listing's arguments."""
        raise NotImplementedError

    def active_args(self) -> dict[str, str]:
        """The non-empty filters, for links (pagination) that keep them."""
        return {k: str(v) for k, v in self.filter_values().items() if v not in (None, "")}
