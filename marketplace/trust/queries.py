"""A profile's track record as a reader sees it: the references Essaim verified and the
recommendations received, for any number of profiles in a few queries (lists of profiles)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from flask_babel import gettext as _
from sqlalchemy import and_, or_, select
from sqlalchemy.orm import aliased

from marketplace.actors import Viewer
from marketplace.extensions import db
from marketplace.profiles.models import Profile
from marketplace.subcontracting.models import Subcontract
from marketplace.tenders.models import Tender, TenderMember
from marketplace.tenders.visibility import can_view_tender
from marketplace.trust.models import DONE_STATUSES, Recommendation, ReferenceConsent
from marketplace.visibility import can_view_profile, own_profile


@dataclass(frozen=True)
class Person:
    """Someone named on a profile: their profile id and name when the reader may see their
    profile, else "someone from <CAE>" without id."""

    profile_id: int | None
    display_name: str


@dataclass(frozen=True)
class VerifiedReference:
    type: str
    id: int
    title: str
    role: str
    counterpart: Person | None
    year: int
    amount_cents: int | None


@dataclass(frozen=True)
class RecommendationView:
    id: int
    author: Person
    work_id: int
    work_title: str
    body: str
    hidden: bool
    created_at: object


@dataclass
class TrackRecord:
    verified: list[VerifiedReference] = field(default_factory=list)
    recommendations: list[RecommendationView] = field(default_factory=list)


def person(viewer: Viewer, profile: Profile) -> Person:
    if can_view_profile(viewer, profile):
        return Person(profile.id, profile.display_name)
    cae = profile.user.cae
    return Person(None, _("someone from %(cae)s", cae=cae.name) if cae else _("someone"))


def _subcontracts(viewer: Viewer, ids: list[int], result: dict[int, TrackRecord]) -> None:
    by_client = aliased(ReferenceConsent)
    by_sub = aliased(ReferenceConsent)
    stmt = (
        select(Subcontract, by_client.show_amount, by_sub.show_amount)
        .join(
            by_client,
            and_(
                by_client.subcontract_id == Subcontract.id,
                by_client.profile_id == Subcontract.client_profile_id,
            ),
        )
        .join(
            by_sub,
            and_(
                by_sub.subcontract_id == Subcontract.id,
                by_sub.profile_id == Subcontract.subcontractor_profile_id,
            ),
        )
        .where(
            Subcontract.status.in_(DONE_STATUSES),
            or_(
                Subcontract.client_profile_id.in_(ids),
                Subcontract.subcontractor_profile_id.in_(ids),
            ),
        )
        .order_by(Subcontract.record_date.desc(), Subcontract.id.desc())
    )
    for record, client_amount, sub_amount in db.session.execute(stmt):
        amount = record.amount_cents if client_amount and sub_amount else None
        year = (record.ends_on or record.record_date).year
        for role, me, other in (
            ("client", record.client, record.subcontractor),
            ("subcontractor", record.subcontractor, record.client),
        ):
            if me.id in result:
                result[me.id].verified.append(
                    VerifiedReference(
                        "subcontract",
                        record.id,
                        record.title,
                        role,
                        person(viewer, other),
                        year,
                        amount,
                    )
                )


def _tenders(viewer: Viewer, ids: list[int], result: dict[int, TrackRecord]) -> None:
    mine = aliased(ReferenceConsent)
    owner = aliased(ReferenceConsent)
    stmt = (
        select(TenderMember, mine.show_amount, owner.show_amount)
        .join(Tender, Tender.id == TenderMember.tender_id)
        .join(
            mine,
            and_(mine.tender_id == Tender.id, mine.profile_id == TenderMember.profile_id),
        )
        .join(
            owner,
            and_(owner.tender_id == Tender.id, owner.profile_id == Tender.owner_profile_id),
        )
        .where(Tender.status == "won", TenderMember.profile_id.in_(ids))
        .order_by(Tender.deadline.desc(), Tender.id.desc())
    )
    for member, my_amount, owner_amount in db.session.execute(stmt):
        tender = member.tender
        if not can_view_tender(viewer, tender):
            continue
        role = "lead" if tender.lead_profile_id == member.profile_id else member.role
        year = (tender.deadline or tender.updated_at).year
        amount = member.share_cents if my_amount and owner_amount else None
        result[member.profile_id].verified.append(
            VerifiedReference("tender", tender.id, tender.title, role, None, year, amount)
        )


def _recommendations(viewer: Viewer, ids: list[int], result: dict[int, TrackRecord]) -> None:
    me = own_profile(viewer)
    stmt = (
        select(Recommendation)
        .where(Recommendation.recommended_profile_id.in_(ids))
        .order_by(Recommendation.created_at.desc(), Recommendation.id.desc())
    )
    for rec in db.session.scalars(stmt):
        if rec.hidden and (me is None or me.id != rec.recommended_profile_id):
            continue
        result[rec.recommended_profile_id].recommendations.append(
            RecommendationView(
                rec.id,
                person(viewer, rec.author),
                rec.subcontract_id,
                rec.subcontract.title,
                rec.body,
                rec.hidden,
                rec.created_at,
            )
        )


def track_records(viewer: Viewer, profiles: Iterable[Profile]) -> dict[int, TrackRecord]:
    """profile id → what Essaim proves about the person, as this reader may see it. The
    profiles are ones the reader may see (the caller checked); the people and tenders they
    name are checked here, each with its own rule. Hidden recommendations are listed for the
    person recommended only."""
    result = {p.id: TrackRecord() for p in profiles}
    if not result:
        return result
    ids = list(result)
    _subcontracts(viewer, ids, result)
    _tenders(viewer, ids, result)
    _recommendations(viewer, ids, result)
    return result


def track_record(viewer: Viewer, profile: Profile) -> TrackRecord:
    return track_records(viewer, [profile])[profile.id]
