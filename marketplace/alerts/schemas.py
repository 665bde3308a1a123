"""Alerts (input and output) and opportunities (output) of the API, forms and pages."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from pydantic import Field

from marketplace.alerts.models import AlertKind, Frequency, ObjectType
from marketplace.places.schemas import OptionalDepartment, RadiusBody
from marketplace.schema import (
    DateTimeOut,
    IdOut,
    Output,
    Schema,
    choice,
    nullable_text,
    page_of,
)


class AlertInput(Schema):
    """A search saved as an alert: the filters of the list it comes from, and how often."""

    invalid_message = _l("Some fields of the alert need your attention.")
    not_an_object = _l("The alert must be an object.")

    kind: choice(AlertKind) = Field(description="What it watches.")  # type: ignore[valid-type]
    q: nullable_text(200) = Field(  # type: ignore[valid-type]
        default="", description="Words, as typed in the search box."
    )
    skill: nullable_text(120) = Field(  # type: ignore[valid-type]
        default="", description="A competence, by name."
    )
    department: OptionalDepartment = Field(default=None, description="French department code.")
    near: nullable_text(120) = Field(  # type: ignore[valid-type]
        default="", description="A French commune (name or postcode)."
    )
    radius_km: RadiusBody = Field(default=30, description="Kilometres around near (default 30).")
    frequency: choice(Frequency) = Field(  # type: ignore[valid-type]
        default=Frequency.INSTANT.value, description="instant, daily or weekly."
    )


class AlertMatch(Output):
    type: choice(ObjectType)  # type: ignore[valid-type]
    id: IdOut
    title: str
    url: str
    at: DateTimeOut


class Alert(Output):
    id: IdOut
    kind: choice(AlertKind)  # type: ignore[valid-type]
    q: str
    skill: str
    department: str | None
    near: str
    radius_km: int
    frequency: choice(Frequency)  # type: ignore[valid-type]
    created_at: DateTimeOut
    last_matches: list[AlertMatch] = Field(description="The latest objects it found, newest first.")


AlertList = page_of(Alert, "AlertList")


class Opportunity(Output):
    type: choice(("offer", "tender"))  # type: ignore[valid-type]
    id: IdOut
    title: str
    matched_skills: list[str]
    distance_km: float | None
    deadline: DateTimeOut | None = Field(description="Tenders: the deadline; offers: null.")
    url: str


OpportunityList = page_of(Opportunity, "OpportunityList")
