"""Demo work for the desk of the manager to try (/gestion): the first demo CAE has something in
each section a support team looks at.

Records dated this month and last month, inside the CAE and with another CAE (the month's
figures and their trend); an invoice record between CAEs above the CAE's approval threshold,
waiting for its approval; a member proposing a change of status to confirm. The people awaiting
verification are the generated ones left ``pending`` (generate.py). Everything goes through the
operations, silenced (nobody is told); loaded once: the threshold of the CAE marks it done.
"""

from __future__ import annotations

from datetime import date, timedelta

from marketplace.accounts.models import User
from marketplace.approvals import notify as approvals_notify
from marketplace.approvals.models import CaeApprovalSetting
from marketplace.approvals.operations import set_invoice_threshold
from marketplace.caes.models import Cae
from marketplace.demo.members import SHOWN, verified_people
from marketplace.demo.subcontracting import TRADE_REGIMES, WORKS
from marketplace.extensions import db
from marketplace.profiles.models import profile_of
from marketplace.profiles.operations import update_profile
from marketplace.subcontracting import notify
from marketplace.subcontracting.figures import month_start
from marketplace.subcontracting.records import propose_subcontract, transition
from marketplace.subcontracting.schemas import SubcontractInput
from marketplace.timeutil import to_paris, utcnow

#: Above this amount (HT, in cents) an invoice record between CAEs needs the CAE's approval.
THRESHOLD_CENTS = 5_000_00
#: (a title of WORKS, internal?, month: 0 this one, 1 the previous one); its VAT regime fits
#: its trade (TRADE_REGIMES) as every demo invoice's.
RECORDS = (
    ("Étude thermique réglementaire", True, 0),
    ("Plomberie d'une salle de bains", True, 0),
    ("Pose de menuiseries extérieures", False, 0),
    ("Relecture et correction d'un rapport", True, 1),
    ("Formation aux gestes et postures", False, 1),
)
#: The invoice record above the threshold (a whole building's joinery, in euros), left awaiting
#: the CAE's approval.
AWAITING = ("Pose de menuiseries extérieures", 12_800)
WORK = {title: (euros, trade) for title, euros, trade in WORKS}

#: The statuses in the order an entrepreneur·e goes through them, and the step each one asks.
STEPS = ("project_holder", "employee", "associate")
NEXT_STATUS = {"project_holder": "employee", "employee": "associate"}


def _members(cae_id: int, *, inside: bool) -> list[User]:
    """Verified demo members (not the support team) of the CAE, or of the other CAEs (whose
    profiles others may see)."""
    if inside:
        return verified_people(User.role == "member", User.cae_id == cae_id)
    return verified_people(User.role == "member", User.cae_id != cae_id, SHOWN)


def _propose(client: User, sub: User, title: str, euros: int, day: date):
    regime = TRADE_REGIMES[WORK[title][1]]
    return propose_subcontract(
        client,
        SubcontractInput.load({
            "title": title, "subcontractor_profile_id": profile_of(sub).id,
            "amount_cents": euros * 100, "vat_regime": regime,
            "starts_on": day, "ends_on": day + timedelta(days=5),
        }),
    )  # fmt: skip


def load_desk_work(manager: User | None, member_email: str) -> bool:
    """Give the manager's CAE its desk's work if it has none yet; True when something was added."""
    if manager is None or manager.cae_id is None:
        return False
    cae = db.session.get(Cae, manager.cae_id)
    if cae is None or db.session.get(CaeApprovalSetting, cae.id) is not None:
        return False
    inside = _members(cae.id, inside=True)
    outside = _members(cae.id, inside=False)
    if len(inside) < 2 or not outside:
        return False
    today = to_paris(utcnow()).date()
    this_month = month_start(today)
    months = (this_month, month_start(this_month - timedelta(days=1)))
    with notify.silenced(), approvals_notify.silenced():
        set_invoice_threshold(manager, cae, THRESHOLD_CENTS)
        for i, (title, internal, ago) in enumerate(RECORDS):
            client = inside[i % len(inside)]
            sub = inside[(i + 1) % len(inside)] if internal else outside[i % len(outside)]
            day = min(months[ago] + timedelta(days=2 * i), today)
            record = _propose(client, sub, title, WORK[title][0], day)
            for to in ("accepted", "in_progress", "delivered")[: 3 - ago - (i % 2)]:
                transition(sub, record, to)
        title, euros = AWAITING
        _propose(inside[0], outside[-1], title, euros, today)
        # A member (not the one to try) asks for the next status: the CAE confirms it.
        others = [u for u in inside if u.email != member_email]
        holder = min(others, key=lambda u: STEPS.index(profile_of(u).status))
        wanted = NEXT_STATUS.get(profile_of(holder).status, "employee")
        update_profile(holder, profile_of(holder), {"status": wanted})
    return True
