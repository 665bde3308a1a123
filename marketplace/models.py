"""Import every model so that metadata is complete (Alembic, create_all, tests)."""

from marketplace.accounts.models import ApiToken, MembershipEvent, User
from marketplace.alerts.models import Alert, AlertSetting, MatchJob, MatchNotice
from marketplace.audit import AuditEntry
from marketplace.caes.models import Cae
from marketplace.collectives.models import (
    Collective,
    CollectiveEvent,
    CollectiveMember,
    Decision,
    Invitation,
    JoinRequest,
    Vote,
)
from marketplace.health import HealthProbe
from marketplace.jobs.models import OutboxMessage
from marketplace.notifications.models import Notification, NotificationSetting
from marketplace.profiles.models import Profile, ProfileCertification, ProfileLanguage, ProfileSkill
from marketplace.search.changelog import SearchChange  # also registers the change-log listeners
from marketplace.skills.models import Certification, Skill
from marketplace.subcontracting.models import (
    Offer,
    OfferResponse,
    OfferSkill,
    Subcontract,
    SubcontractEvent,
)
from marketplace.tenders.models import (
    Tender,
    TenderApplication,
    TenderEvent,
    TenderLot,
    TenderMember,
)

__all__ = [
    "Alert",
    "AlertSetting",
    "ApiToken",
    "AuditEntry",
    "Cae",
    "Certification",
    "Collective",
    "CollectiveEvent",
    "CollectiveMember",
    "Decision",
    "HealthProbe",
    "Invitation",
    "JoinRequest",
    "MatchJob",
    "MatchNotice",
    "MembershipEvent",
    "Notification",
    "NotificationSetting",
    "Offer",
    "OfferResponse",
    "OfferSkill",
    "OutboxMessage",
    "Profile",
    "ProfileCertification",
    "ProfileLanguage",
    "ProfileSkill",
    "SearchChange",
    "Skill",
    "Subcontract",
    "SubcontractEvent",
    "Tender",
    "TenderApplication",
    "TenderEvent",
    "TenderLot",
    "TenderMember",
    "User",
    "Vote",
]
