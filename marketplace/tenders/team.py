"""The team of a tender as the law sees it: who the candidates are on each lot, who works for
whom, what each share is worth including VAT, and what to check (warnings, never refusals).

The words that explain it to people are in law.py.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from flask_babel import gettext as _

from marketplace.actors import Viewer
from marketplace.extensions import db
from marketplace.formatting import money
from marketplace.tenders import law
from marketplace.tenders.law import Warning
from marketplace.tenders.models import Tender, TenderLot
from marketplace.tenders.visibility import visible_tenders

#: A subcontractor whose share reaches this amount including VAT has a right to direct payment
#: by a public buyer (R2193-10: « égal ou supérieur à 600 euros TTC »).
DIRECT_PAYMENT_TTC_CENTS = 60_000
#: The rate of a lot that says nothing else (the usual French rate).
DEFAULT_VAT_RATE = "20.0"
#: Statuses of the other teams that still count for the warnings.
ACTIVE = ("open", "team_formed", "submitted")


def lot_rate(lot: TenderLot | None) -> Decimal:
    """The VAT rate a lot's work is paid with: its standard rate; 0 under reverse charge
    (building work subcontracted: invoiced and paid excluding VAT) or an exemption."""
    if lot is None:
        return Decimal(DEFAULT_VAT_RATE)
    if lot.vat_regime != "standard":
        return Decimal(0)
    return Decimal(lot.vat_rate or DEFAULT_VAT_RATE)


def incl_vat(share_cents: int, rate: Decimal) -> int:
    """An amount excluding VAT plus its VAT at ``rate`` %, rounded half up to the cent."""
    vat = (Decimal(share_cents) * rate / 100).quantize(Decimal(1), ROUND_HALF_UP)
    return share_cents + int(vat)


def direct_payment(
    role: str, share_cents: int | None, rate: Decimal | str = DEFAULT_VAT_RATE
) -> bool:
    """A subcontractor's share including VAT at ``rate`` reaches 600 € (≥, « à partir de »)."""
    return (
        role == "subcontractor"
        and share_cents is not None
        and incl_vat(share_cents, Decimal(rate)) >= DIRECT_PAYMENT_TTC_CENTS
    )


@dataclass
class TeamMemberView:
    profile: Any
    role: str  # lead, cotraitant or subcontractor
    lots: list
    share_cents: int | None
    direct_payment: bool = False
    #: A subcontractor: the profile id of the cotraitant it works for (the lead by default).
    works_for_profile_id: int | None = None
    #: A subcontractor of the same CAE as the cotraitant it works for: no subcontract.
    internal_split: bool = False
    #: The lots whose VAT prices the share (its own lots, else every lot of the tender).
    vat_lots: list = field(default_factory=list)
    vat_rate: Decimal = Decimal(DEFAULT_VAT_RATE)

    @property
    def cae(self):
        return self.profile.user.cae

    @property
    def share_incl_vat_cents(self) -> int | None:
        """None when unknown: no share yet, or a candidate on a reverse-charge lot (the reverse
        charge is the subcontractors' regime; the main contract's VAT is the buyer's)."""
        if self.share_cents is None:
            return None
        if self.is_candidate and any(lot.vat_regime == "reverse_charge" for lot in self.vat_lots):
            return None
        return incl_vat(self.share_cents, self.vat_rate)

    @property
    def is_candidate(self) -> bool:
        return self.role != "subcontractor"


@dataclass
class LotShape:
    """One lot, one contract: its candidates' CAEs and the shape they take."""

    lot: TenderLot | None  # None: a tender without lots (one contract)
    caes: list
    #: single_candidate (one CAE), groupement (several) or no_candidate (nobody on it yet).
    shape: str
    form: str | None
    #: The candidate that leads this lot: the lead when its CAE is on it.
    mandataire: TeamMemberView | None


@dataclass
class TeamView:
    form: str | None
    lead_profile_id: int | None
    kind: str  # single_cae or multi_cae
    members: list[TeamMemberView]
    caes: list = field(default_factory=list)
    shares_total_cents: int = 0
    lots: list[LotShape] = field(default_factory=list)
    buyer_kind: str = "public"
    explanation: list[str] = field(default_factory=list)
    warnings: list[Warning] = field(default_factory=list)

    @property
    def lead(self) -> TeamMemberView | None:
        return next((m for m in self.members if m.role == "lead"), None)

    @property
    def subcontractors(self) -> list[TeamMemberView]:
        return [m for m in self.members if m.role == "subcontractor"]

    @property
    def single_cae(self) -> bool:
        return self.kind == "single_cae"

    @property
    def groupement(self) -> bool:
        return any(shape.shape == "groupement" for shape in self.lots)

    def member(self, profile_id: int | None) -> TeamMemberView | None:
        return next((m for m in self.members if m.profile.id == profile_id), None)


def _cae_key(cae) -> int | None:
    return cae.id if cae is not None else None


def _members(tender: Tender) -> list[TeamMemberView]:
    members = []
    for member in tender.members:
        role = "lead" if member.profile_id == tender.lead_profile_id else member.role
        lots = list(member.lots)
        vat_lots = lots or list(tender.lots)
        rate = min((lot_rate(lot) for lot in vat_lots), default=Decimal(DEFAULT_VAT_RATE))
        members.append(
            TeamMemberView(
                profile=member.profile,
                role=role,
                lots=lots,
                share_cents=member.share_cents,
                works_for_profile_id=member.works_for_profile_id,
                vat_lots=vat_lots,
                vat_rate=rate,
            )
        )
    by_id = {m.profile.id: m for m in members}
    for m in members:
        if m.role != "subcontractor":
            m.works_for_profile_id = None
            continue
        boss = by_id.get(m.works_for_profile_id or -1)
        if boss is None or not boss.is_candidate:
            m.works_for_profile_id = tender.lead_profile_id
            boss = by_id.get(tender.lead_profile_id or -1)
        m.internal_split = boss is not None and _cae_key(boss.cae) == _cae_key(m.cae)
        m.direct_payment = (
            tender.buyer_kind == "public"
            and not m.internal_split
            and direct_payment(m.role, m.share_cents, m.vat_rate)
        )
    return members


def _on_lot(member: TeamMemberView, lot: TenderLot | None) -> bool:
    """A candidate without lots chosen counts on every lot."""
    return lot is None or not member.lots or lot in member.lots


def _shapes(tender: Tender, members: list[TeamMemberView]) -> list[LotShape]:
    shapes = []
    lead = next((m for m in members if m.role == "lead"), None)
    every: list[TenderLot | None] = [*tender.lots] or [None]
    for lot in every:
        caes, seen = [], set()
        on_lot = [m for m in members if m.is_candidate and _on_lot(m, lot)]
        for m in on_lot:
            if _cae_key(m.cae) not in seen:
                seen.add(_cae_key(m.cae))
                caes.append(m.cae)
        shape = {0: "no_candidate", 1: "single_candidate"}.get(len(caes), "groupement")
        mandataire = lead if lead is not None and lead in on_lot else None
        if mandataire is None and len(caes) == 1:
            mandataire = on_lot[0]
        shapes.append(
            LotShape(
                lot=lot,
                caes=caes,
                shape=shape,
                form=tender.form if shape == "groupement" else None,
                mandataire=mandataire,
            )
        )
    return shapes


def team_of(tender: Tender) -> TeamView:
    """The members (owner first), the candidates on each lot, the explanation and the team's
    own warnings (those that need other tenders: contract_warnings())."""
    members = _members(tender)
    caes, seen = [], set()
    for m in members:
        if m.is_candidate and _cae_key(m.cae) not in seen:
            seen.add(_cae_key(m.cae))
            caes.append(m.cae)
    view = TeamView(
        form=tender.form,
        lead_profile_id=tender.lead_profile_id,
        kind="single_cae" if len(caes) <= 1 else "multi_cae",
        members=members,
        caes=caes,
        shares_total_cents=sum(m.share_cents or 0 for m in members if m.is_candidate),
        lots=_shapes(tender, members),
        buyer_kind=tender.buyer_kind,
    )
    view.warnings = _share_warnings(tender, view)
    view.explanation = law.explain(tender, view)
    return view


def _share_warnings(tender: Tender, team: TeamView) -> list[Warning]:
    """Shares above the estimate, or subcontracted beyond the cotraitant's own share: to check,
    not refused (the estimate is not the buyer's budget; only an offer above the budget is
    unacceptable, L2152-3 for a public buyer)."""
    found = []
    estimate = tender.estimated_amount_cents
    if estimate is not None and team.shares_total_cents > estimate:
        amounts = {"total": money(team.shares_total_cents), "estimate": money(estimate)}
        if tender.buyer_kind == "public":
            message = _(
                "The shares add up to %(total)s excl. VAT, more than the estimated amount "
                "(%(estimate)s). The estimate is not a ceiling; only an offer above the "
                "buyer's budget is unacceptable (L2152-3): check the price of the offer.",
                **amounts,
            )
        else:
            message = _(
                "The shares add up to %(total)s excl. VAT, more than the estimated amount "
                "(%(estimate)s). The estimate is not a ceiling: check the price of the offer "
                "against the buyer's budget.",
                **amounts,
            )
        found.append(Warning("shares_above_estimate", message))
    given: dict[int, int] = defaultdict(int)
    for m in team.subcontractors:
        if m.works_for_profile_id is not None:
            given[m.works_for_profile_id] += m.share_cents or 0
    for boss_id, total in given.items():
        boss = team.member(boss_id)
        if boss is not None and total > (boss.share_cents or 0):
            found.append(
                Warning(
                    "subcontracted_above_share",
                    _(
                        "The subcontractors of %(name)s have %(total)s excl. VAT, more than "
                        "%(name)s's own share (%(share)s): a subcontractor's share is counted "
                        "inside the share of the member it works for.",
                        name=boss.profile.display_name,
                        total=money(total),
                        share=money(boss.share_cents or 0),
                    ),
                )
            )
    return found


# ---------------------------------------------------------------------------------------------
# Other teams for the same contract (same buyer and reference)


def _candidate_caes_by_lot(tender: Tender) -> dict[int, set[int]]:
    """Lot number (0: a tender without lots) → the CAE ids of its candidates."""
    out: dict[int, set[int]] = defaultdict(set)
    numbers = [lot.number for lot in tender.lots] or [0]
    for member in tender.members:
        if member.role == "subcontractor":
            continue
        cae_id = member.profile.user.cae_id
        if cae_id is None:
            continue
        for number in [lot.number for lot in member.lots] or numbers:
            out[number].add(cae_id)
    return out


def lead_cae_id(tender: Tender) -> int | None:
    """The CAE of the team's lead: people of that CAE work inside its own bid."""
    lead = next((m for m in tender.members if m.profile_id == tender.lead_profile_id), None)
    return lead.profile.user.cae_id if lead is not None else None


def contract_peers(viewer: Viewer, tenders: list[Tender]) -> dict[int, list[Tender]]:
    """The other active teams the viewer may see for the same contracts (one query)."""
    keys = {(t.buyer_name, t.reference) for t in tenders if t.reference}
    if not keys:
        return {t.id: [] for t in tenders}
    buyers = {b for b, _r in keys}
    references = {r for _b, r in keys}
    stmt = visible_tenders(viewer).where(
        Tender.buyer_name.in_(buyers),
        Tender.reference.in_(references),
        Tender.status.in_(ACTIVE),
    )
    found = list(db.session.scalars(stmt).unique())
    return {
        t.id: [
            o
            for o in found
            if o.id != t.id
            and t.reference
            and (o.buyer_name, o.reference) == (t.buyer_name, t.reference)
        ]
        for t in tenders
    }


def contract_warnings(tender: Tender, team: TeamView, peers: list[Tender]) -> list[Warning]:
    """One CAE in two teams for the same lot (the consultation may forbid it, R2142-21), or
    mandataire of two groupements for the same lot (forbidden, R2142-23). For a private buyer
    the code does not apply: the words send to the buyer's consultation rules."""
    found: list[Warning] = []
    if not peers:
        return found
    here = _candidate_caes_by_lot(tender)
    lead_cae = lead_cae_id(tender)
    names = {_cae_key(c): c.name for c in team.caes if c is not None}
    twice: dict[int, set[int]] = defaultdict(set)
    leads_twice: set[int] = set()
    for other in peers:
        there = _candidate_caes_by_lot(other)
        other_lead = lead_cae_id(other)
        for number, cae_ids in here.items():
            for cae_id in cae_ids & there.get(number, set()):
                twice[cae_id].add(number)
            if (
                lead_cae is not None
                and lead_cae == other_lead
                and len(cae_ids) > 1
                and len(there.get(number, ())) > 1
            ):
                leads_twice.add(number)
    public = tender.buyer_kind == "public"
    for cae_id, numbers in twice.items():
        found.append(law.two_teams_warning(names.get(cae_id, ""), sorted(numbers), public=public))
    if leads_twice and lead_cae is not None:
        found.append(
            law.two_groupements_warning(names.get(lead_cae, ""), sorted(leads_twice), public=public)
        )
    return found


def all_warnings(viewer: Viewer, tender: Tender, team: TeamView, peers=None) -> list[Warning]:
    if peers is None:
        peers = contract_peers(viewer, [tender]).get(tender.id, [])
    return team.warnings + contract_warnings(tender, team, peers)
