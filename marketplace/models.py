"""Import every model so that metadata is complete (Alembic, create_all, tests)."""

from marketplace.accounts.models import ApiToken, MembershipEvent, User
from marketplace.alerts.models import Alert, AlertSetting, MatchJob, MatchNotice
from marketplace.approvals.models import CaeApproval, CaeApprovalSetting
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
from marketplace.conversations.models import Block, Conversation, Message, Participant, Report
from marketplace.health import HealthProbe
from marketplace.jobs.models import OutboxMessage
from marketplace.notifications.models import Notification, NotificationSetting
from marketplace.profiles.models import (
    AvailabilityPeriod,
    Profile,
    ProfileCertification,
    ProfileLanguage,
    ProfileReference,
    ProfileSkill,
)
from marketplace.search.changelog import SearchChange  # also registers the change-log listeners
from marketplace.search.concepts import SearchConcept
from marketplace.search.misses import SearchMiss
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
    TenderInvitation,
    TenderLot,
    TenderMember,
)
from marketplace.trust.models import Recommendation, ReferenceConsent

__all__ = [
    "Alert",
    "AlertSetting",
    "ApiToken",
    "AuditEntry",
    "AvailabilityPeriod",
    "Block",
    "Cae",
    "CaeApproval",
    "CaeApprovalSetting",
    "Certification",
    "Collective",
    "CollectiveEvent",
    "CollectiveMember",
    "Conversation",
    "Decision",
    "HealthProbe",
    "Invitation",
    "JoinRequest",
    "MatchJob",
    "MatchNotice",
    "MembershipEvent",
    "Message",
    "Notification",
    "NotificationSetting",
    "Offer",
    "OfferResponse",
    "OfferSkill",
    "OutboxMessage",
    "Participant",
    "Profile",
    "ProfileCertification",
    "ProfileLanguage",
    "ProfileReference",
    "ProfileSkill",
    "Recommendation",
    "ReferenceConsent",
    "Report",
    "SearchChange",
    "SearchConcept",
    "SearchMiss",
    "Skill",
    "Subcontract",
    "SubcontractEvent",
    "Tender",
    "TenderApplication",
    "TenderEvent",
    "TenderInvitation",
    "TenderLot",
    "TenderMember",
    "User",
    "Vote",
]
