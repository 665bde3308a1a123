"""Import every model so that metadata is complete (Alembic, create_all, tests)."""

from marketplace.accounts.models import ApiToken, MembershipEvent, User
from marketplace.caes.models import Cae
from marketplace.profiles.models import Profile, ProfileCertification, ProfileLanguage, ProfileSkill
from marketplace.search.changelog import SearchChange
from marketplace.skills.models import Certification, Skill
from marketplace.tenders.models import (
    Tender,
    TenderApplication,
    TenderEvent,
    TenderLot,
    TenderMember,
)

__all__ = [
    "ApiToken",
    "Cae",
    "Certification",
    "MembershipEvent",
    "Profile",
    "ProfileCertification",
    "ProfileLanguage",
    "ProfileSkill",
    "SearchChange",
    "Skill",
    "Tender",
    "TenderApplication",
    "TenderEvent",
    "TenderLot",
    "TenderMember",
    "User",
]
