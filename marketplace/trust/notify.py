"""What the trust domain tells people: a recommendation received (the one place that tells)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from marketplace.notifications import Silence, notify, register_kind
from marketplace.notifications import site_path as _path
from marketplace.trust.models import Recommendation

register_kind("recommendation.received", _l("%(person)s recommended you for “%(title)s”."))

_silence = Silence("trust_notify_silent")
#: No message at all (the demo data loader).
silenced = _silence.block


def recommendation_received(recommendation: Recommendation, recommended_user) -> None:
    """The person recommended is told, with a link to it on their profile."""
    if _silence.on:
        return
    url = _path("profiles.show", profile_id=recommendation.recommended_profile_id)
    notify(
        recommended_user,
        "recommendation.received",
        f"{url}#recommendation-{recommendation.id}",
        person=recommendation.author.display_name,
        title=recommendation.subcontract.title,
    )
