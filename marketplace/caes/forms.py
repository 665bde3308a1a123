"""Forms of the CAE pages and of the management pages.

The forms check the request (CSRF, shape); the rules (lengths, codes, uniqueness, who may do
what) live in the operations, whose errors the views copy beside the fields.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectField, StringField

from marketplace.caes.schemas import SECTOR_LIMIT, CaeInput
from marketplace.formfields import text_area
from marketplace.geo import REGIONS, department_choices
from marketplace.schema import limit_of
from marketplace.text import fold


class CaeForm(FlaskForm):
    """Everything about a CAE (administrators)."""

    name = StringField(
        _l("Name"), render_kw={"maxlength": limit_of(CaeInput, "name"), "required": True}
    )
    city = StringField(
        _l("City"),
        render_kw={"maxlength": limit_of(CaeInput, "city"), "autocomplete": "address-level2"},
    )
    department = SelectField(_l("Department"), validate_choice=False)
    website = StringField(
        _l("Website"),
        render_kw={
            "maxlength": limit_of(CaeInput, "website"),
            "inputmode": "url",
            "placeholder": "https://",
        },
    )
    sectors = StringField(_l("Sectors"), render_kw={"maxlength": 1000})
    description = text_area(_l("Description"), limit_of(CaeInput, "description"), 8)
    siren = StringField(
        _l("SIREN"), render_kw={"maxlength": 11, "inputmode": "numeric", "autocomplete": "off"}
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.department.choices = [("", _l("Choose a department")), *department_choices()]

    def data_for(self, names: tuple[str, ...]) -> dict[str, str]:
        """The typed values of these fields, for the operations."""
        return {name: self[name].data or "" for name in names if name in self}


class CaeManagerForm(FlaskForm):
    """What the managers of a CAE may change on its page."""

    website = CaeForm.website
    sectors = CaeForm.sectors
    description = CaeForm.description
    siren = CaeForm.siren

    def data_for(self, names: tuple[str, ...]) -> dict[str, str]:
        return {name: self[name].data or "" for name in names if name in self}


class CaeFilterForm(FlaskForm):
    """Filters of the directory (a GET form: no CSRF token needed)."""

    class Meta:
        csrf = False

    region = SelectField(_l("Region"), validate_choice=False)
    sector = StringField(_l("Sector"), render_kw={"maxlength": SECTOR_LIMIT, "list": "sector-list"})
    q = StringField(_l("Name or city"), render_kw={"maxlength": 100, "type": "search"})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        regions = sorted(REGIONS, key=fold)
        self.region.choices = [("", _l("All regions")), *((r, r) for r in regions)]


class DecisionForm(FlaskForm):
    """Verify or refuse a person's membership (one small form per row)."""

    decision = StringField(_l("Decision"))
    note = StringField(_l("Note (optional)"), render_kw={"maxlength": 500})
    next = HiddenField()


class AccountSearchForm(FlaskForm):
    class Meta:
        csrf = False

    q = StringField(_l("Name or e-mail"), render_kw={"maxlength": 100, "type": "search"})
