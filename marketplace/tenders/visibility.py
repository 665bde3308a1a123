"""Who may see a tender: the rule of owned objects (marketplace.visibility), as for profiles."""

from __future__ import annotations

from marketplace.actors import Viewer
from marketplace.tenders.models import Tender
from marketplace.visibility import owned_visible, visible_owned


def can_view_tender(viewer: Viewer, tender: Tender) -> bool:
    """The owner's CAE rules, as for profiles: a cae tender is for the owner's CAE only."""
    return owned_visible(viewer, tender.owner.user, tender.audience)


def visible_tenders(viewer: Viewer):
    """SELECT of the tenders this viewer may open (joined with the owner's profile and user)."""
    return visible_owned(viewer, Tender)
