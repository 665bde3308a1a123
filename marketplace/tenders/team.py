"""The team of a tender as the law sees it: one CAE answering alone, or a groupement of CAEs."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from flask_babel import gettext as _

from marketplace.formatting import money
from marketplace.tenders.models import Tender

#: VAT assumed to work out amounts including tax (the usual French rate).
VAT_PERCENT = 20
#: A subcontractor above this amount including VAT may be paid directly (paiement direct).
DIRECT_PAYMENT_TTC_CENTS = 60_000


def ttc_cents(share_cents: int) -> int:
    """Amount including VAT at 20 %, in cents (integers only)."""
    return share_cents * (100 + VAT_PERCENT) // 100


def direct_payment(role: str, share_cents: int | None) -> bool:
    """A subcontractor from 600 € incl. VAT: share_cents × 1.2 ≥ 60 000."""
    return (
        role == "subcontractor"
        and share_cents is not None
        and share_cents * (100 + VAT_PERCENT) >= DIRECT_PAYMENT_TTC_CENTS * 100
    )


@dataclass
class TeamMemberView:
    profile: Any
    role: str  # lead, cotraitant or subcontractor
    lots: list
    share_cents: int | None
    direct_payment: bool

    @property
    def cae(self):
        return self.profile.user.cae


@dataclass
class TeamView:
    form: str | None
    lead_profile_id: int | None
    kind: str  # single_cae or multi_cae
    members: list[TeamMemberView]
    caes: list = field(default_factory=list)
    shares_total_cents: int = 0
    explanation: list[str] = field(default_factory=list)

    @property
    def lead(self) -> TeamMemberView | None:
        return next((m for m in self.members if m.role == "lead"), None)

    @property
    def subcontractors(self) -> list[TeamMemberView]:
        return [m for m in self.members if m.role == "subcontractor"]


def team_of(tender: Tender) -> TeamView:
    """The members (owner first), the kind of candidate and a plain explanation."""
    members = []
    for member in tender.members:
        role = "lead" if member.profile_id == tender.lead_profile_id else member.role
        members.append(
            TeamMemberView(
                profile=member.profile,
                role=role,
                lots=list(member.lots),
                share_cents=member.share_cents,
                direct_payment=direct_payment(member.role, member.share_cents),
            )
        )
    # The candidates are the lead and the cotraitants: a subcontractor has no contract with
    # the buyer, so one from another CAE does not make a groupement (it is declared on a DC4).
    caes, seen = [], set()
    for m in members:
        cae = m.cae
        key = cae.id if cae is not None else None
        if m.role != "subcontractor" and key not in seen:
            seen.add(key)
            caes.append(cae)
    kind = "single_cae" if len(caes) <= 1 else "multi_cae"
    view = TeamView(
        form=tender.form,
        lead_profile_id=tender.lead_profile_id,
        kind=kind,
        members=members,
        caes=caes,
        shares_total_cents=sum(m.share_cents or 0 for m in members),
    )
    view.explanation = _explain(tender, view)
    return view


def _cae_name(cae) -> str:
    return cae.name if cae is not None else _("no CAE")


def _explain(tender: Tender, team: TeamView) -> list[str]:
    lines: list[str] = []
    if team.kind == "single_cae":
        lines.append(
            _(
                "The lead and the cotraitants all belong to %(cae)s: legally, one company "
                "answers, the CAE. It is the only candidate and signs the offer; the "
                "entrepreneur·es share the work and the revenue inside the CAE (an internal "
                "split, not a groupement).",
                cae=_cae_name(team.caes[0] if team.caes else None),
            )
        )
        if tender.buyer_kind == "public":
            lines.append(
                _("For a public buyer the CAE applies alone (DC1 as a single candidate, DC2).")
            )
    else:
        lines.append(
            _(
                "The team brings together %(n)d CAEs (%(names)s): they answer as a groupement "
                "momentané d'entreprises (GME) of CAEs, each CAE being a cotraitant.",
                n=len(team.caes),
                names=", ".join(_cae_name(c) for c in team.caes),
            )
        )
        lead = team.lead
        if lead is not None:
            lines.append(
                _(
                    "Mandataire: %(name)s (%(cae)s) represents the group to the buyer.",
                    name=lead.profile.display_name,
                    cae=_cae_name(lead.cae),
                )
            )
        if team.form == "conjoint":
            lines.append(
                _(
                    "Conjoint group: each CAE commits only to its own lots and share; the "
                    "mandataire is often jointly liable for the others."
                )
            )
        elif team.form == "solidaire":
            lines.append(_("Solidaire group: each CAE is liable for the whole contract."))
        else:
            lines.append(_("The form of the group is still to choose: conjoint or solidaire."))
        lines.append(
            _(
                "The group signs one application letter, form DC1: who is in the group, who is "
                "mandataire and which lot each member takes; each CAE fills its own DC2."
            )
        )
    candidate_caes = {c.id for c in team.caes if c is not None}
    for member in team.subcontractors:
        lines.append(
            _(
                "%(name)s is a subcontractor: no contract with the buyer; declared on a form DC4.",
                name=member.profile.display_name,
            )
        )
        if member.cae is not None and member.cae.id not in candidate_caes:
            lines.append(
                _(
                    "%(name)s belongs to another CAE (%(cae)s) and works as a subcontractor: "
                    "this does not make a groupement.",
                    name=member.profile.display_name,
                    cae=member.cae.name,
                )
            )
        if member.direct_payment:
            lines.append(
                _(
                    "%(name)s's share (%(ht)s excl. VAT, %(ttc)s incl. VAT) exceeds 600 € incl. "
                    "VAT: the buyer may pay this subcontractor directly (paiement direct).",
                    name=member.profile.display_name,
                    ht=money(member.share_cents),
                    ttc=money(ttc_cents(member.share_cents or 0)),
                )
            )
    if team.subcontractors:
        lines.append(
            _(
                "Amounts including VAT are worked out at %(rate)d %% VAT, the usual rate: check "
                "the rate that applies to the activity.",
                rate=VAT_PERCENT,
            )
        )
    return lines
