"""The checklist a new member sees on their own profile until it is done."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from marketplace.profiles.models import Availability, Profile


@dataclass(frozen=True)
class Step:
    key: str
    label: str
    done: bool
    #: The endpoint where it is done.
    endpoint: str


def checklist(profile: Profile, collective_count: int) -> list[Step]:
    """Photo, competences, bio, availability, first collective: each done or not."""
    said_availability = bool(
        profile.current_periods
        or profile.available_from
        or profile.availability != Availability.AVAILABLE.value
    )
    return [
        Step("photo", str(_l("Add a photo")), profile.photo_version is not None, "profiles.edit"),
        Step("skills", str(_l("List your competences")), bool(profile.skills), "profiles.edit"),
        Step("bio", str(_l("Write a few lines about you")), bool(profile.bio), "profiles.edit"),
        Step("availability", str(_l("Say when you are available")), said_availability,
             "profiles.edit"),
        Step("collective", str(_l("Join a first collective")), collective_count > 0,
             "collectives.index"),
    ]  # fmt: skip
