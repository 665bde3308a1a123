"""Recommendations and the parties' consent to verified references: the rules (who may write,
hide, or agree to show what), flushed, never committed."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from sqlalchemy import delete, or_, select, update
from sqlalchemy.exc import IntegrityError

from marketplace.accounts.models import User
from marketplace.actors import Viewer
from marketplace.errors import Conflict, NotFound, PermissionDenied
from marketplace.events import account_deleting
from marketplace.extensions import db
from marketplace.subcontracting.models import Subcontract
from marketplace.subcontracting.records import party_of
from marketplace.tenders.models import Tender, TenderMember
from marketplace.trust import notify
from marketplace.trust.models import DONE_STATUSES, Recommendation, ReferenceConsent
from marketplace.trust.schemas import ConsentInput, RecommendationInput
from marketplace.visibility import own_profile

#: Statuses of a subcontract that can never become verified work.
_NEVER_DONE = ("declined", "cancelled")


def _own_profile_id(actor: Viewer) -> int:
    profile = own_profile(actor)
    if profile is None:
        raise PermissionDenied(_("Only a member with a profile can do this."))
    return profile.id


def _party(actor: Viewer, record: Subcontract) -> str:
    party = party_of(actor, record)
    if party is None:
        raise PermissionDenied(_("Only the two parties of this record can do this."))
    return party


def can_recommend(actor: Viewer, record: Subcontract) -> bool:
    """A party of a delivered (or later) record who has not written one yet."""
    profile = own_profile(actor)
    if party_of(actor, record) is None or profile is None or record.status not in DONE_STATUSES:
        return False
    written = db.session.scalar(
        select(Recommendation.id).where(
            Recommendation.subcontract_id == record.id,
            Recommendation.author_profile_id == profile.id,
        )
    )
    return written is None


def recommend(actor: Viewer, record: Subcontract, body: RecommendationInput) -> Recommendation:
    """The client recommends the subcontractor, or the other way round: once the work is
    delivered, one recommendation per author and record (409 otherwise)."""
    party = _party(actor, record)
    if record.status not in DONE_STATUSES:
        raise Conflict(_("A recommendation can be written once the work is delivered."))
    author_id = _own_profile_id(actor)
    other_id = record.subcontractor_profile_id if party == "client" else record.client_profile_id
    try:
        with db.session.begin_nested():  # a double click: the unique constraint decides
            recommendation = Recommendation(
                subcontract_id=record.id,
                author_profile_id=author_id,
                recommended_profile_id=other_id,
                body=body.body,
                hidden=False,
            )
            db.session.add(recommendation)
            db.session.flush()
    except IntegrityError:
        raise Conflict(_("You have already recommended this person for this work.")) from None
    other = record.subcontractor if party == "client" else record.client
    notify.recommendation_received(recommendation, other.user)
    return recommendation


def set_recommendation_hidden(
    actor: Viewer, recommendation_id: int, hidden: bool
) -> Recommendation:
    """The person recommended hides a recommendation from their profile, or shows it again.
    Anyone else gets NotFound (the API's 404: it does not say whether it exists). The value is
    set, not toggled: two requests at once agree on the result whatever their order."""
    profile = own_profile(actor)
    recommendation = db.session.get(Recommendation, recommendation_id)
    if (
        recommendation is None
        or profile is None
        or (recommendation.recommended_profile_id != profile.id)
    ):
        raise NotFound(_("This recommendation does not exist or is not yours."))
    db.session.execute(
        update(Recommendation)
        .where(Recommendation.id == recommendation.id)
        .values(hidden=hidden)
        .execution_options(synchronize_session=False)
    )
    recommendation.hidden = hidden
    db.session.flush()
    return recommendation


def _set_consent(where: dict[str, Any], profile_id: int, body: ConsentInput) -> None:
    """Insert, update or remove one party's consent row (the unique constraint keeps one)."""
    clause = [getattr(ReferenceConsent, k) == v for k, v in where.items()]
    clause.append(ReferenceConsent.profile_id == profile_id)
    if not body.show:
        db.session.execute(delete(ReferenceConsent).where(*clause))
        db.session.flush()
        return
    changed = db.session.execute(
        update(ReferenceConsent).where(*clause).values(show_amount=body.show_amount)
    )
    if changed.rowcount:  # type: ignore[attr-defined]
        return
    try:
        with db.session.begin_nested():
            db.session.add(
                ReferenceConsent(profile_id=profile_id, show_amount=body.show_amount, **where)
            )
            db.session.flush()
    except IntegrityError:  # the same person's other request came first: it said the same
        db.session.execute(
            update(ReferenceConsent).where(*clause).values(show_amount=body.show_amount)
        )


def set_subcontract_consent(actor: Viewer, record: Subcontract, body: ConsentInput) -> None:
    """A party agrees (or no longer agrees) to show the record on the profiles as verified by
    Essaim; it is shown once both agree and the work is delivered, the amount only when both
    allow it."""
    _party(actor, record)
    if record.status in _NEVER_DONE:
        raise Conflict(_("A declined or cancelled record cannot be shown as a reference."))
    _set_consent({"subcontract_id": record.id}, _own_profile_id(actor), body)


def tender_member(actor: Viewer, tender: Tender) -> TenderMember | None:
    profile = own_profile(actor)
    if profile is None:
        return None
    return next((m for m in tender.members if m.profile_id == profile.id), None)


def set_tender_consent(actor: Viewer, tender: Tender, body: ConsentInput) -> None:
    """A member of the team of a won tender agrees to show it on their profile; the tender's
    owner agrees for the team (shown on a member's profile once both agreed)."""
    if tender_member(actor, tender) is None and (
        tender.owner_profile_id is None or tender.owner_profile_id != _own_profile_id(actor)
    ):
        raise PermissionDenied(_("Only the members of the team can do this."))
    if tender.status != "won":
        raise Conflict(_("Only a won tender can be shown as a reference."))
    _set_consent({"tender_id": tender.id}, _own_profile_id(actor), body)


def consent_by(profile_id: int | None, **where: int) -> ReferenceConsent | None:
    """This person's consent for a record (``subcontract_id=`` or ``tender_id=``), if given."""
    if profile_id is None:
        return None
    clause = [getattr(ReferenceConsent, k) == v for k, v in where.items()]
    return db.session.scalar(
        select(ReferenceConsent).where(*clause, ReferenceConsent.profile_id == profile_id)
    )


def consent_of(actor: Viewer, **where: int) -> ReferenceConsent | None:
    """The actor's own consent for a record."""
    profile = own_profile(actor)
    return consent_by(profile.id if profile else None, **where)


def counterpart_consent(record: Subcontract, party: str) -> ReferenceConsent | None:
    """The other party's consent to show the record."""
    other = record.subcontractor_profile_id if party == "client" else record.client_profile_id
    return consent_by(other, subcontract_id=record.id)


@account_deleting.connect
def remove_recommendations_and_consents(user: User, **_extra: Any) -> None:
    """The person deletes their account: the recommendations they wrote and received are
    removed (a word from « Compte supprimé » proves nothing), and their consents with them."""
    if user.profile is None:
        return
    profile_id = user.profile.id
    db.session.execute(
        delete(Recommendation).where(
            or_(
                Recommendation.author_profile_id == profile_id,
                Recommendation.recommended_profile_id == profile_id,
            )
        )
    )
    db.session.execute(delete(ReferenceConsent).where(ReferenceConsent.profile_id == profile_id))
