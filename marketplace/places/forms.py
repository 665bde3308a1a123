"""The place fields of the lists' filter forms ("Près de", "Rayon")."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import IntegerField, StringField
from wtforms.validators import NumberRange, Optional

from marketplace.places.filters import DEFAULT_RADIUS_KM, MAX_RADIUS_KM
from marketplace.places.search import Located, located


class NearFields:
    """Mixed into a list's FilterForm: a commune and a radius; ``near_values()`` for the
    listing's filters."""

    near = StringField(
        _l("Near"),
        render_kw={"maxlength": 120, "autocomplete": "address-level2"},
        description=_l("A commune or a postcode, e.g. Lyon or 69003"),
    )
    radius_km = IntegerField(
        _l("Within (km)"),
        validators=[Optional(), NumberRange(1, MAX_RADIUS_KM)],
        render_kw={"min": 1, "max": MAX_RADIUS_KM, "inputmode": "numeric"},
    )

    def near_values(self) -> dict[str, Any]:
        near: Any = self.near
        radius: Any = self.radius_km
        value = radius.data if isinstance(radius.data, int) and not radius.errors else None
        if value is not None and not 1 <= value <= MAX_RADIUS_KM:
            value = None
        typed = (near.data or "").strip()[:120] or None
        # Without a place the radius means nothing (and stays out of the links).
        return {"near": typed, "radius_km": (value or DEFAULT_RADIUS_KM) if typed else None}

    def place(self) -> Located | None:
        """The place the list was asked about (None when unknown: the list says why)."""
        values = self.near_values()
        q = (getattr(self, "q").data or "").strip() or None  # noqa: B009
        try:
            return located(q, values["near"], values["radius_km"])
        except Exception:  # an unknown commune: the listing reports it beside the field
            return None
