"""Matching, in the background worker: a published object → the alerts and members it fits.

``enqueue_matching(object_type, object_id)`` adds a durable ``MatchJob`` row in the caller's
transaction (the publishing request, the BOAMP importer); a session hook does it for every new
offer and tender and every profile written. ``run_jobs()`` (called by ``flask jobs run``)
claims each queued job with a compare-and-set, matches it and commits. Each person hears of an
object once (``MatchNotice``'s unique constraint), by an alert or as a suggestion, and only of
what they may see (the domains' visibility rule, checked for that person).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from functools import lru_cache
from typing import Any

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import event, func, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from marketplace.accounts.models import User
from marketplace.alerts.models import OBJECT_OF_KIND, Alert, AlertSetting, MatchJob, MatchNotice
from marketplace.extensions import db
from marketplace.links import site_path
from marketplace.notifications import notify, notify_many, register_kind
from marketplace.notifications.silence import Silence
from marketplace.places.filters import place_in_query
from marketplace.places.gazetteer import distance_km
from marketplace.profiles.models import Profile, ProfileSkill
from marketplace.search import concepts
from marketplace.search.analysis import tokens
from marketplace.search.needs import Need, read_need
from marketplace.search.query import OWN
from marketplace.statemachine import compare_and_set
from marketplace.subcontracting import replacements
from marketplace.subcontracting.models import Offer
from marketplace.subcontracting.visibility import can_view_offer
from marketplace.tenders.models import Tender
from marketplace.tenders.suggestions import lot_skills
from marketplace.tenders.visibility import can_view_tender
from marketplace.text import fold
from marketplace.timeutil import utcnow
from marketplace.visibility import can_view_profile

log = logging.getLogger(__name__)

register_kind("alert_match", _l("New for your alert “%(alert)s”: %(title)s"))
register_kind("alert_digest", _l("%(n)s new results for your alert “%(alert)s”."))
register_kind("suggested_match", _l("This may be for you: %(title)s (%(why)s)."))

#: Alerts' notifications per person and day (beyond: kept for the alerts page only).
ALERTS_DAILY_CAP = 20
#: Suggested matches per person and day, and people suggested per object.
SUGGESTIONS_DAILY_CAP = 3
SUGGESTIONS_PER_OBJECT = 5
#: How far a member may be from an object to be suggested it (when both have a place).
SUGGESTION_RADIUS_KM = 80
JOBS_PER_RUN = 200
MODELS: dict[str, Any] = {"profile": Profile, "offer": Offer, "tender": Tender}
VISIBLE: dict[str, Callable[[Any, Any], bool]] = {
    "profile": can_view_profile,
    "offer": can_view_offer,
    "tender": can_view_tender,
}


def enqueue_matching(object_type: str, object_id: int) -> None:
    """Queue one object for matching, in the caller's transaction ("offer", "tender",
    "profile", or their plural). The importer of public notices calls this for each notice."""
    kind = OBJECT_OF_KIND.get(object_type, object_type)
    if kind not in MODELS:
        raise ValueError(f"unknown object type {object_type!r}")
    db.session.add(MatchJob(object_type=kind, object_id=object_id))


#: ``with silenced(): ...`` queues no matching (the demo loader: its data tells nobody).
_silence = Silence("match_jobs_silenced")
silenced = _silence.block


@event.listens_for(Session, "after_flush")
def _queue_published(session: Session, _context: Any) -> None:
    if _silence.on:
        return
    rows = []
    for obj in session.new:
        if isinstance(obj, Offer | Tender | Profile):
            rows.append({"object_type": _type_of(obj), "object_id": obj.id})
    for obj in session.dirty:
        if isinstance(obj, Profile) and session.is_modified(obj, include_collections=False):
            rows.append({"object_type": "profile", "object_id": obj.id})
    if rows:
        now = utcnow()
        session.connection().execute(
            insert(MatchJob), [{**r, "status": "queued", "created_at": now} for r in rows]
        )


def _type_of(obj: Any) -> str:
    return "offer" if isinstance(obj, Offer) else "tender" if isinstance(obj, Tender) else "profile"


# Facts of an object ------------------------------------------------------------------------


@dataclass
class Facts:
    type: str
    id: int
    title: str
    url: str
    owner_user_id: int | None
    department: str | None
    latitude: float | None
    longitude: float | None
    stems: set[str] = field(default_factory=set)
    skills: dict[str, str] = field(default_factory=dict)  # folded name → name
    open: bool = True
    #: An urgent replacement: alerts tell at once whatever their frequency, e-mails too.
    urgent: bool = False

    def headline(self) -> Any:
        """The title as told: an urgent one says so (in the recipient's language)."""
        return _l("Urgent: %(title)s", title=self.title) if self.urgent else self.title

    def distance_from(self, lat: float | None, lon: float | None) -> float | None:
        if None in (lat, lon, self.latitude, self.longitude):
            return None
        return distance_km(lat, lon, self.latitude, self.longitude)  # type: ignore[arg-type]


def facts_of(obj: Any) -> Facts:
    """What matching reads of an offer, a tender or a profile."""
    if isinstance(obj, Offer):
        skills = obj.skill_names
        owner: int | None = obj.owner.user_id if obj.owner is not None else None
        texts = [obj.title, obj.description, obj.city, *skills]
        title, url, is_open = (
            obj.title,
            site_path("offers.show", offer_id=obj.id),
            obj.status == "open",
        )
    elif isinstance(obj, Tender):
        skills = sorted({s.name for lot in obj.lots for s in lot_skills(lot)})
        owner = obj.owner.user_id if obj.owner is not None else None
        texts = [obj.title, obj.description, obj.city, obj.buyer_name, *skills]
        title, url = obj.title, site_path("tenders.show", tender_id=obj.id)
        is_open = obj.status == "open"
    else:
        skills = [ps.skill.name for ps in obj.skills]
        owner = obj.user_id
        texts = [obj.headline, obj.bio, obj.city, *skills, *obj.certification_names]
        title, url, is_open = (
            obj.user.display_name,
            site_path("profiles.show", profile_id=obj.id),
            True,
        )
    words = {t.folded for text in texts for t in tokens(text or "")}
    stems = {t.stem for text in texts for t in tokens(text or "")}
    stems |= words | {OWN + w for w in words}  # OWN: a word as typed (search.needs)
    return Facts(
        type=_type_of(obj),
        id=obj.id,
        title=(title or "")[:200],
        url=url,
        owner_user_id=owner,
        department=obj.department,
        latitude=obj.latitude,
        longitude=obj.longitude,
        stems=stems,
        skills={fold(s): s for s in skills},
        open=is_open,
        urgent=isinstance(obj, Offer) and obj.urgent,
    )


#: The columns of an alert that matching reads (rows, not objects: 10,000 alerts are read per
#: new object, and objects would cost the session's bookkeeping for each of them).
ALERT_COLUMNS = (
    Alert.id,
    Alert.user_id,
    Alert.q,
    Alert.skill,
    Alert.department,
    Alert.near,
    Alert.radius_km,
    Alert.latitude,
    Alert.longitude,
    Alert.frequency,
)


@lru_cache(maxsize=8192)
def _place_and_words(q: str) -> tuple[tuple[float, float, float] | None, str]:
    """A place word among an alert's words (its centre and radius) and the other words."""
    found = place_in_query(q)
    if found is None:
        return None, q
    near, words = found
    return (near.place.latitude, near.place.longitude, near.radius_km), words or ""


def alert_matches(
    alert: Any,
    facts: Facts,
    table: concepts.ConceptTable | None = None,
    needs: dict[str, Need] | None = None,
) -> bool:
    """Whether an object meets every filter of an alert. Its words are read as the search
    reads them (search.needs: filler words dropped, lemmas, synonyms and the concept table
    ``table``; a short need wants every word, a sentence most of it); a place word among them:
    within 30 km of that place, unless near is set. ``needs``: the needs already read, by text
    (many alerts share their words; matching reads 10,000 alerts per new object)."""
    if alert.department and facts.department != alert.department:
        return False
    if alert.skill and fold(alert.skill) not in facts.skills:
        return False
    if alert.latitude is not None:
        km = facts.distance_from(alert.latitude, alert.longitude)
        if km is None or km > alert.radius_km:
            return False
        words = alert.q or ""
    else:
        centre, words = _place_and_words(alert.q or "")
        if centre is not None:
            km = facts.distance_from(centre[0], centre[1])
            if km is None or km > centre[2]:
                return False
    need = needs.get(words) if needs is not None else None
    if need is None:
        need = read_need(words, table)
        if needs is not None:
            needs[words] = need
    return need.held_by(facts.stems)


# The worker's side -------------------------------------------------------------------------


def run_jobs(limit: int = JOBS_PER_RUN) -> int:
    """Match the queued objects (each claimed by one worker), then send the due digests;
    commits after each job. Returns how many jobs this call handled."""
    handled = 0
    while handled < limit:
        job = db.session.scalars(
            select(MatchJob).where(MatchJob.status == "queued").order_by(MatchJob.id).limit(1)
        ).first()
        if job is None:
            break
        object_type, object_id = job.object_type, job.object_id
        claimed = compare_and_set(
            job, {"status": "queued"}, {"status": "done", "done_at": utcnow()}
        )
        db.session.commit()
        handled += 1
        if not claimed:
            continue
        try:
            match_object(object_type, object_id)
            db.session.commit()
        except Exception:  # one bad object must not stop the others
            db.session.rollback()
            log.exception("Matching %s %s failed", object_type, object_id)
    send_digests()
    db.session.commit()
    return handled


def match_object(object_type: str, object_id: int) -> int:
    """Tell the owners of matching alerts, then (offers, tenders) the best-fitting members.
    Returns how many people were told or will be in a digest."""
    obj = db.session.get(MODELS[object_type], object_id)
    if obj is None:
        return 0
    facts = facts_of(obj)
    if not facts.open:
        return 0
    kind = {v: k for k, v in OBJECT_OF_KIND.items()}[object_type]
    chosen: dict[int, Any] = {}
    table = concepts.current()
    needs: dict[str, Need] = {}
    alerts = db.session.execute(select(*ALERT_COLUMNS).where(Alert.kind == kind).order_by(Alert.id))
    for alert in alerts:
        mine = alert.user_id == facts.owner_user_id
        if not mine and alert.user_id not in chosen and alert_matches(alert, facts, table, needs):
            chosen[alert.user_id] = alert
    if isinstance(obj, Offer) and obj.is_replacement:
        # The first circle heard of it when it was asked (subcontracting.replacements).
        circle = replacements.circle_user_ids(obj)
        chosen = {k: v for k, v in chosen.items() if k not in circle}
    else:
        circle = set()
    users = _users(set(chosen))
    visible = VISIBLE[object_type]
    recipients = []
    for user_id, alert in chosen.items():
        user = users.get(user_id)
        if user is not None and user.is_active and visible(user, obj):
            recipients.append((user, alert))
    told = _record_all(recipients, facts)
    if object_type in ("offer", "tender"):
        told += _suggest(obj, facts, exclude={*chosen, *circle, facts.owner_user_id})
    return told


def _users(ids: set[Any]) -> dict[int, User]:
    ids = {i for i in ids if i is not None}
    if not ids:
        return {}
    return {u.id: u for u in db.session.scalars(select(User).where(User.id.in_(ids))).unique()}


def _told_today(user: User, reason: str) -> int:
    since = utcnow() - timedelta(days=1)
    stmt = select(func.count(MatchNotice.id)).where(
        MatchNotice.user_id == user.id,
        MatchNotice.reason == reason,
        MatchNotice.notified_at >= since,
    )
    return db.session.scalar(stmt) or 0


def _told_today_of(user_ids: set[int], reason: str) -> dict[int, int]:
    """_told_today() for many people: one read."""
    if not user_ids:
        return {}
    since = utcnow() - timedelta(days=1)
    rows = db.session.execute(
        select(MatchNotice.user_id, func.count(MatchNotice.id))
        .where(
            MatchNotice.user_id.in_(list(user_ids)),
            MatchNotice.reason == reason,
            MatchNotice.notified_at >= since,
        )
        .group_by(MatchNotice.user_id)
    )
    return {int(user_id): int(count) for user_id, count in rows}


def _alert_label(alert: Any) -> str:
    return (alert.q or alert.skill or alert.near or str(_l("your search")))[:80]


def _record_all(recipients: list[tuple[User, Any]], facts: Facts) -> int:
    """The alerts' notices of one object, for all their owners at once: a read of who already
    had one, a read of today's counts, one insert, one batch of notifications and e-mails.
    When another worker told one of them meanwhile (the same object queued twice), each is
    recorded again alone, its own savepoint deciding."""
    if not recipients:
        return 0
    ids = {user.id for user, _alert in recipients}
    already = set(
        db.session.scalars(
            select(MatchNotice.user_id).where(
                MatchNotice.object_type == facts.type,
                MatchNotice.object_id == facts.id,
                MatchNotice.user_id.in_(list(ids)),
            )
        )
    )
    fresh = [(user, alert) for user, alert in recipients if user.id not in already]
    today = _told_today_of({user.id for user, _alert in fresh}, "alert")
    cap = _cap("ALERTS_DAILY_CAP")
    now = utcnow()
    notices, tell = [], []
    for user, alert in fresh:
        wanted = alert.frequency == "instant" or facts.urgent
        instant = wanted and today.get(user.id, 0) < cap
        notices.append(
            {
                "user_id": user.id,
                "object_type": facts.type,
                "object_id": facts.id,
                "title": facts.title,
                "alert_id": alert.id,
                "reason": "alert",
                "created_at": now,
                "notified_at": now if instant else None,
            }
        )
        if instant:
            told = {"alert": _alert_label(alert), "title": facts.headline(), "urgent": facts.urgent}
            tell.append((user, told))
    if not notices:
        return 0
    try:
        with db.session.begin_nested():  # one statement (ORM objects: one INSERT each)
            db.session.execute(insert(MatchNotice), notices)
    except IntegrityError:
        return sum(_record(user, facts, alert) for user, alert in fresh)
    notify_many(tell, "alert_match", facts.url)
    return len(notices)


def _insert_notice(user: User, facts: Facts, alert: Any, reason: str) -> MatchNotice | None:
    """The person's one notice of this object (None when they already had one)."""
    notice = MatchNotice(
        user_id=user.id,
        object_type=facts.type,
        object_id=facts.id,
        title=facts.title,
        alert_id=alert.id if alert else None,
        reason=reason,
    )
    try:
        with db.session.begin_nested():
            db.session.add(notice)
    except IntegrityError:
        return None
    return notice


def _record(user: User, facts: Facts, alert: Any) -> int:
    notice = _insert_notice(user, facts, alert, "alert")
    if notice is None:
        return 0
    instant = alert.frequency == "instant" or facts.urgent
    if instant and _told_today(user, "alert") < _cap("ALERTS_DAILY_CAP"):
        notify(
            user,
            "alert_match",
            facts.url,
            urgent=facts.urgent,
            alert=_alert_label(alert),
            title=facts.headline(),
        )
        notice.notified_at = utcnow()
    db.session.flush()
    return 1


def _cap(name: str) -> int:
    return int(current_app.config.get(name, globals()[name]))


def _candidates(
    facts: Facts, skill_ids: set[int], exclude: set[Any]
) -> list[tuple[int, set[int], float | None]]:
    """Who holds the object's competences in its area, best first: (user id, skill ids held,
    km); more competences first, then nearer. Two reads of columns, whatever the numbers."""
    holders: dict[int, set[int]] = {}
    rows = db.session.execute(
        select(ProfileSkill.profile_id, ProfileSkill.skill_id).where(
            ProfileSkill.skill_id.in_(skill_ids)
        )
    )
    for profile_id, skill_id in rows:
        holders.setdefault(profile_id, set()).add(skill_id)
    if not holders:
        return []
    ranked = []
    profiles = db.session.execute(
        select(
            Profile.id, Profile.user_id, Profile.latitude, Profile.longitude, Profile.department
        ).where(Profile.id.in_(list(holders)))
    )
    for profile in profiles:
        km = facts.distance_from(profile.latitude, profile.longitude)
        far = km is not None and km > SUGGESTION_RADIUS_KM
        elsewhere = km is None and facts.department and profile.department != facts.department
        if profile.user_id in exclude or far or elsewhere:
            continue
        order = (-len(holders[profile.id]), km if km is not None else SUGGESTION_RADIUS_KM)
        ranked.append((order, profile.id, (profile.user_id, holders[profile.id], km)))
    ranked.sort(key=lambda item: (item[0], item[1]))
    return [item for _order, _id, item in ranked]


#: Candidates whose accounts are read at once while looking for the ones to tell.
CANDIDATES_READ = 50


def _suggest(obj: Any, facts: Facts, exclude: set[Any]) -> int:
    """The members whose competences and area fit the object best (not opted out, under
    their daily cap, able to see it), told with ``suggested_match``."""
    skills = {s.id: s.name for s in _skills_of(obj)}
    if not skills:
        return 0
    opted_out = set(
        db.session.scalars(select(AlertSetting.user_id).where(AlertSetting.suggestions.is_(False)))
    )
    told = 0
    visible = VISIBLE[facts.type]
    candidates = _candidates(facts, set(skills), exclude | opted_out)
    if isinstance(obj, Offer) and obj.is_replacement:
        candidates = _by_availability(obj, candidates)
    for start in range(0, len(candidates), CANDIDATES_READ):
        batch = candidates[start : start + CANDIDATES_READ]
        users = _users({user_id for user_id, _held, _km in batch})
        today = _told_today_of(set(users), "suggestion")
        for user_id, held, km in batch:
            if told >= SUGGESTIONS_PER_OBJECT:
                break
            user = users.get(user_id)
            if user is None or not user.is_active or not visible(user, obj):
                continue
            if today.get(user_id, 0) >= _cap("SUGGESTIONS_DAILY_CAP"):
                continue
            notice = _insert_notice(user, facts, None, "suggestion")
            if notice is None:
                continue
            why = _why([skills[i] for i in held], km)
            notify(
                user,
                "suggested_match",
                facts.url,
                urgent=facts.urgent,
                title=facts.headline(),
                why=why,
            )
            notice.notified_at = utcnow()
            told += 1
        if told >= SUGGESTIONS_PER_OBJECT:
            break
    db.session.flush()
    return told


def _by_availability(
    offer: Offer, candidates: list[tuple[int, set[int], float | None]]
) -> list[tuple[int, set[int], float | None]]:
    """A replacement's candidates: available over its period first, then nearer."""
    held = {user_id: skills for user_id, skills, _km in candidates}
    profiles = db.session.scalars(select(Profile).where(Profile.user_id.in_(list(held))))
    order = replacements.ranked(offer, profiles.unique())
    return [(profile.user_id, held[profile.user_id], km) for profile, _availability, km in order]


def _skills_of(obj: Any) -> list[Any]:
    if isinstance(obj, Offer):
        return [os.skill for os in obj.skills]
    return [s for lot in obj.lots for s in lot_skills(lot)]  # (a lot in words: read from them)


def _why(skills: list[str], km: float | None) -> str:
    """ "Plomberie, à 8 km": the competences matched and the distance."""
    text = ", ".join(sorted(skills))
    if km is not None:
        text += ", " + str(_l("%(km)s km away", km=round(km)))
    return text


def send_digests() -> int:
    """Daily and weekly alerts whose period has passed: one notification with the count of
    the matches waiting since the last one."""
    now = utcnow()
    waiting = db.session.execute(
        select(MatchNotice.alert_id, func.count(MatchNotice.id))
        .where(MatchNotice.notified_at.is_(None), MatchNotice.alert_id.is_not(None))
        .group_by(MatchNotice.alert_id)
    ).all()
    if not waiting:
        return 0
    counts = dict(waiting)
    alerts = db.session.scalars(select(Alert).where(Alert.id.in_(list(counts)))).all()
    sent = 0
    for alert in alerts:
        period = {"daily": timedelta(days=1), "weekly": timedelta(days=7)}.get(alert.frequency)
        if period is None:
            continue
        last = alert.digest_sent_at or alert.created_at
        if now - last < period:
            continue
        user = db.session.get(User, alert.user_id)
        if user is None:
            continue
        label = alert.q or alert.skill or alert.near or str(_l("your search"))
        notify(
            user, "alert_digest", site_path("alerts.index"), n=counts[alert.id], alert=label[:80]
        )
        db.session.execute(
            update(MatchNotice)
            .where(MatchNotice.alert_id == alert.id, MatchNotice.notified_at.is_(None))
            .values(notified_at=now)
        )
        alert.digest_sent_at = now
        sent += 1
    db.session.flush()
    return sent


def worker_task(_app: Any) -> int:
    """The worker's pass (jobs.worker.register_task): the queued matches, then the digests."""
    return run_jobs()
