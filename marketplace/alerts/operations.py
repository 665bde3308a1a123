"""Alerts of a member: save, list (with their last matches), delete; the suggestions setting;
the opportunities that fit a member ("Pour vous")."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import func, select

from marketplace.accounts.models import User
from marketplace.actors import Viewer
from marketplace.alerts.models import Alert, AlertSetting, MatchNotice
from marketplace.alerts.schemas import AlertInput
from marketplace.errors import NotFound, PermissionDenied, ValidationError
from marketplace.extensions import db
from marketplace.places.filters import near_filter

#: Alerts one person may keep.
MAX_ALERTS = 50
#: Matches shown with each alert.
LAST_MATCHES = 5


def _member(actor: Viewer) -> User:
    if not getattr(actor, "is_authenticated", False):
        raise PermissionDenied(_("Sign in to save an alert."))
    return actor  # type: ignore[return-value]


def create_alert(actor: Viewer, data: AlertInput) -> Alert:
    """Save a search as the actor's alert (its `near` resolved now: 422 when unknown)."""
    user = _member(actor)
    near = near_filter(data.near, data.radius_km) if data.near else None
    count = db.session.scalar(select(func.count(Alert.id)).where(Alert.user_id == user.id)) or 0
    if count >= MAX_ALERTS:
        raise ValidationError(
            _("You already have %(n)d alerts: delete one first.", n=MAX_ALERTS),
            {"kind": [_("At most %(n)d alerts.", n=MAX_ALERTS)]},
        )
    alert = Alert(
        user_id=user.id,
        kind=data.kind,
        q=data.q,
        skill=data.skill,
        department=data.department,
        near=near.place.name if near else "",
        radius_km=data.radius_km,
        latitude=near.place.latitude if near else None,
        longitude=near.place.longitude if near else None,
        frequency=data.frequency,
    )
    db.session.add(alert)
    db.session.flush()
    return alert


def alerts_of(actor: Viewer) -> list[Alert]:
    user = _member(actor)
    stmt = select(Alert).where(Alert.user_id == user.id).order_by(Alert.id.desc())
    return list(db.session.scalars(stmt))


def last_matches(alerts: list[Alert]) -> dict[int, list[MatchNotice]]:
    """Each alert's latest matches, newest first (one query for all of them)."""
    ids = [a.id for a in alerts]
    found: dict[int, list[MatchNotice]] = {i: [] for i in ids}
    if not ids:
        return found
    ranked = (
        select(
            MatchNotice.id,
            func.row_number()
            .over(partition_by=MatchNotice.alert_id, order_by=MatchNotice.id.desc())
            .label("n"),
        )
        .where(MatchNotice.alert_id.in_(ids))
        .subquery()
    )
    stmt = (
        select(MatchNotice)
        .join(ranked, ranked.c.id == MatchNotice.id)
        .where(ranked.c.n <= LAST_MATCHES)
        .order_by(MatchNotice.id.desc())
    )
    for notice in db.session.scalars(stmt):
        found[notice.alert_id].append(notice)  # type: ignore[index]
    return found


def get_alert(actor: Viewer, alert_id: int) -> Alert:
    """One of the actor's alerts (another's answers 404, as if absent)."""
    user = _member(actor)
    alert = db.session.get(Alert, alert_id)
    if alert is None or alert.user_id != user.id:
        raise NotFound(_("This alert does not exist."))
    return alert


def delete_alert(actor: Viewer, alert_id: int) -> None:
    db.session.delete(get_alert(actor, alert_id))
    db.session.flush()


def suggestions_wanted(user: User) -> bool:
    setting = db.session.get(AlertSetting, user.id)
    return setting is None or setting.suggestions


def set_suggestions(actor: Viewer, wanted: bool) -> None:
    """Opt in or out of suggested matches (offers and tenders that fit one's profile)."""
    user = _member(actor)
    setting = db.session.get(AlertSetting, user.id)
    if setting is None:
        db.session.add(AlertSetting(user_id=user.id, suggestions=wanted))
    else:
        setting.suggestions = wanted
    db.session.flush()


@dataclass
class SavedSearch:
    """The filters of a results page, as the "Create an alert" form carries them."""

    kind: str
    q: str = ""
    skill: str = ""
    department: str = ""
    near: str = ""
    radius_km: int = 30
