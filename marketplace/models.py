"""Import every module that declares models, so that metadata is complete (Alembic, create_all,
tests): ``import marketplace.models``. The models themselves are imported from their domain
(``from marketplace.profiles.models import Profile``)."""

from marketplace import audit, health
from marketplace.accounts import models as accounts
from marketplace.alerts import models as alerts
from marketplace.approvals import models as approvals
from marketplace.caes import models as caes
from marketplace.collectives import models as collectives
from marketplace.conversations import models as conversations
from marketplace.jobs import models as jobs
from marketplace.notifications import models as notifications
from marketplace.profiles import models as profiles
from marketplace.search import changelog, concepts, misses  # changelog registers its listeners
from marketplace.skills import models as skills
from marketplace.subcontracting import models as subcontracting
from marketplace.tenders import models as tenders
from marketplace.trust import models as trust

__all__ = [
    "accounts",
    "alerts",
    "approvals",
    "audit",
    "caes",
    "changelog",
    "collectives",
    "concepts",
    "conversations",
    "health",
    "jobs",
    "misses",
    "notifications",
    "profiles",
    "skills",
    "subcontracting",
    "tenders",
    "trust",
]
