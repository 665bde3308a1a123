"""Who may see an offer (the rule of profiles) and a subcontract record (its parties only).

The audience core and the rule of owned objects are marketplace.visibility.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, false, or_, select, true

from marketplace.actors import Viewer
from marketplace.subcontracting.models import Offer, Subcontract
from marketplace.visibility import own_profile, owned_visible, visible_owned


def can_view_offer(viewer: Viewer, offer: Offer) -> bool:
    """Same rule as profiles, the owner being the offer's author."""
    return owned_visible(viewer, offer.owner.user, offer.audience)


def visible_offers(viewer: Viewer):
    """SELECT of the offers this viewer may open (joined with their owner's profile and user)."""
    return visible_owned(viewer, Offer)


# Subcontract records -----------------------------------------------------------------------
# Private to the two parties, the managers of their CAEs and admins: no audience.


def _profile_id(viewer: Viewer) -> int | None:
    profile = own_profile(viewer)
    return profile.id if profile is not None else None


def can_view_subcontract(viewer: Viewer, record: Subcontract) -> bool:
    if not viewer.is_authenticated:
        return False
    if viewer.is_admin or viewer.manages(record.client_cae_id):
        return True
    if viewer.manages(record.subcontractor_cae_id):
        return True
    profile_id = _profile_id(viewer)
    return profile_id is not None and profile_id in (
        record.client_profile_id,
        record.subcontractor_profile_id,
    )


def subcontract_visibility_clause(viewer: Viewer) -> ColumnElement[bool]:
    if not viewer.is_authenticated:
        return false()
    if viewer.is_admin:
        return true()
    clauses = []
    profile_id = _profile_id(viewer)
    if profile_id is not None:
        clauses += [
            Subcontract.client_profile_id == profile_id,
            Subcontract.subcontractor_profile_id == profile_id,
        ]
    if viewer.is_manager:
        clauses += [
            Subcontract.client_cae_id == viewer.cae_id,
            Subcontract.subcontractor_cae_id == viewer.cae_id,
        ]
    return or_(*clauses) if clauses else false()


def visible_subcontracts(viewer: Viewer):
    return select(Subcontract).where(subcontract_visibility_clause(viewer))
