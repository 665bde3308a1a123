"""Who may see a collective (the audience core is marketplace.visibility).

The owner CAE of a collective is its creator's CAE (Collective.cae_id, fixed at creation).
The creator, the managers of the owner CAE and admins always see it; everybody else through
the audience rule. Members always pass the audience rule: a ``cae`` collective only admits
members of its CAE (collectives.operations refuses anyone else).
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, or_, select

from marketplace.actors import Viewer
from marketplace.collectives.models import Collective
from marketplace.visibility import audience_allows, audience_clause, privileged_clause


def can_view_collective(viewer: Viewer, collective: Collective) -> bool:
    if viewer.is_admin or viewer.manages(collective.cae_id):
        return True
    if viewer.is_authenticated and viewer.id == collective.created_by_id:
        return True
    return audience_allows(viewer, collective.audience, collective.cae_id)


def collective_visibility_clause(viewer: Viewer) -> ColumnElement[bool]:
    return or_(
        privileged_clause(viewer, Collective.created_by_id, Collective.cae_id),
        audience_clause(viewer, Collective.audience, Collective.cae_id),
    )


def visible_collectives(viewer: Viewer):
    """SELECT of the collectives this viewer may open."""
    return select(Collective).where(collective_visibility_clause(viewer))
