"""Figures on subcontract records: one's ledger, a CAE's figures over a period, the CSV ledger.

Every figure counts the records that are neither declined nor cancelled (UNCOUNTED_STATUSES);
a record's date is its record_date (its start date, or the day it was proposed).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import and_, case, extract, func, or_, select
from sqlalchemy.orm import lazyload, raiseload, selectinload

from marketplace.accounts.models import User
from marketplace.actors import Viewer
from marketplace.caes.models import Cae
from marketplace.collectives.models import CollectiveMember
from marketplace.csvexport import Figure, csv_document, decimal_comma, french_date
from marketplace.errors import NotFound, PermissionDenied
from marketplace.extensions import db
from marketplace.profiles.models import Profile, ProfileStatus
from marketplace.skills.models import Skill
from marketplace.subcontracting.models import (
    UNCOUNTED_STATUSES,
    OfferSkill,
    Subcontract,
    SubcontractKind,
    SubcontractStatus,
    VatRegime,
    vat_cents,
)
from marketplace.tenders.models import Tender, TenderMember
from marketplace.visibility import own_profile


@dataclass
class Totals:
    count: int = 0
    ht_cents: int = 0
    vat_cents: int = 0

    @property
    def ttc_cents(self) -> int:
        return self.ht_cents + self.vat_cents

    def add(self, record: Subcontract) -> None:
        self.count += 1
        self.ht_cents += record.amount_cents
        self.vat_cents += record.vat_cents


def counted(records) -> list[Subcontract]:
    return [r for r in records if r.status not in UNCOUNTED_STATUSES]


def totals_by_year(records) -> list[tuple[int, Totals]]:
    """Per calendar year of the record date, most recent first (declined/cancelled left out)."""
    years: dict[int, Totals] = defaultdict(Totals)
    for record in counted(records):
        years[record.record_date.year].add(record)
    return sorted(years.items(), reverse=True)


def my_ledger(viewer: Viewer) -> dict[str, Any]:
    """What the viewer gave (as client) and received (as subcontractor)."""
    profile = own_profile(viewer)
    if profile is None:
        return {"given": [], "received": [], "given_years": [], "received_years": []}
    pid = profile.id
    order = (Subcontract.record_date.desc(), Subcontract.id.desc())
    given = list(
        db.session.scalars(
            select(Subcontract).where(Subcontract.client_profile_id == pid).order_by(*order)
        )
    )
    received = list(
        db.session.scalars(
            select(Subcontract).where(Subcontract.subcontractor_profile_id == pid).order_by(*order)
        )
    )
    return {
        "given": given,
        "received": received,
        "given_years": totals_by_year(given),
        "received_years": totals_by_year(received),
    }


# A CAE's figures ------------------------------------------------------------------------------


def managed_cae_for_figures(actor: Viewer, cae_id: int) -> Cae:
    """The CAE if the actor manages it (or is an admin): absent → NotFound, others → 403."""
    cae = db.session.get(Cae, cae_id)
    if cae is None:
        raise NotFound(_("This CAE does not exist."))
    if not actor.is_authenticated or not actor.manages(cae.id):
        raise PermissionDenied(
            _("Only the managers of this CAE and administrators see its figures.")
        )
    return cae


def cae_records(
    cae_id: int,
    start: date | None,
    end: date | None,
    parties: bool = True,
    latest: int | None = None,
) -> list[Subcontract]:
    """The counted records with a party in this CAE, within [start, end], by date (only the
    ``latest`` ones, newest first, when given); with their parties' names (``parties``) or only
    their amounts and CAEs (the figures), never their history nor the parties' competences."""
    if parties:
        loading = [
            selectinload(party).options(
                lazyload(Profile.skills), lazyload(Profile.certifications),
                lazyload(Profile.languages),
            )
            for party in (Subcontract.client, Subcontract.subcontractor)
        ]  # fmt: skip
    else:
        names = (Subcontract.client, Subcontract.subcontractor, Subcontract.client_cae,
                 Subcontract.subcontractor_cae)  # fmt: skip
        loading = [raiseload(relation) for relation in names]
    stmt = (
        select(Subcontract)
        .options(lazyload(Subcontract.events), *loading)
        .where(
            or_(Subcontract.client_cae_id == cae_id, Subcontract.subcontractor_cae_id == cae_id),
            Subcontract.status.not_in(UNCOUNTED_STATUSES),
        )
    )
    if start:
        stmt = stmt.where(Subcontract.record_date >= start)
    if end:
        stmt = stmt.where(Subcontract.record_date <= end)
    if latest is not None:
        stmt = stmt.order_by(Subcontract.record_date.desc(), Subcontract.id.desc()).limit(latest)
    else:
        stmt = stmt.order_by(Subcontract.record_date, Subcontract.id)
    return list(db.session.scalars(stmt))


def other_figures(cae_id: int) -> dict[str, Any]:
    """The CAE's other cooperation, as it stands today (not limited to the period): the
    collectives its members take part in, and the tenders with one of its members in the
    team (owner included), by status."""

    collectives = db.session.scalar(
        select(func.count(func.distinct(CollectiveMember.collective_id)))
        .join(User, User.id == CollectiveMember.user_id)
        .where(User.cae_id == cae_id)
    )
    in_team = (
        select(TenderMember.tender_id)
        .join(Profile, Profile.id == TenderMember.profile_id)
        .join(User, User.id == Profile.user_id)
        .where(User.cae_id == cae_id)
    )
    by_status = dict(
        db.session.execute(
            select(Tender.status, func.count(Tender.id))
            .where(Tender.id.in_(in_team), Tender.status.in_(("open", "won", "lost")))
            .group_by(Tender.status)
        ).all()
    )
    tenders = {status: by_status.get(status, 0) for status in ("open", "won", "lost")}
    return {"collectives": collectives or 0, "tenders": tenders}


#: The statuses of the tender figures, in the order of a tender's life.
TENDER_STATUSES = ("open", "team_formed", "submitted", "won", "lost")


@dataclass
class TenderLine:
    status: str
    count: int = 0
    #: The buyers' estimates of these tenders (those that give one), excluding VAT.
    estimated_cents: int = 0
    #: The shares of this CAE's members in these teams, excluding VAT.
    shares_cents: int = 0


def tender_figures(cae_id: int) -> list[TenderLine]:
    """The tenders with one of the CAE's members in the team, by status, as they stand: how
    many, their estimates and the CAE's members' shares (two grouped queries)."""
    of_cae = (
        select(TenderMember.tender_id)
        .join(Profile, Profile.id == TenderMember.profile_id)
        .join(User, User.id == Profile.user_id)
        .where(User.cae_id == cae_id)
    )
    lines = {status: TenderLine(status) for status in TENDER_STATUSES}
    counted_rows = db.session.execute(
        select(Tender.status, func.count(Tender.id), func.sum(Tender.estimated_amount_cents))
        .where(Tender.id.in_(of_cae), Tender.status.in_(TENDER_STATUSES))
        .group_by(Tender.status)
    ).all()
    for status, count, estimated in counted_rows:
        lines[status].count = int(count or 0)
        lines[status].estimated_cents = int(estimated or 0)
    share_rows = db.session.execute(
        select(Tender.status, func.sum(TenderMember.share_cents))
        .join(TenderMember, TenderMember.tender_id == Tender.id)
        .join(Profile, Profile.id == TenderMember.profile_id)
        .join(User, User.id == Profile.user_id)
        .where(User.cae_id == cae_id, Tender.status.in_(TENDER_STATUSES))
        .group_by(Tender.status)
    ).all()
    for status, shares in share_rows:
        lines[status].shares_cents = int(shares or 0)
    return list(lines.values())


def months_between(start: date, end: date) -> list[date]:
    """The first days of the months from start's to end's, in order."""
    months, day = [], month_start(start)
    while day <= end:
        months.append(day)
        day = (day + timedelta(days=32)).replace(day=1)
    return months


@dataclass
class MonthTotals:
    """One month's counted records of a CAE: internal work and work with other CAEs."""

    internal_count: int = 0
    internal_cents: int = 0
    cross_count: int = 0
    cross_cents: int = 0


def month_start(day: date) -> date:
    return day.replace(day=1)


def monthly_totals(cae_id: int, start: date, end: date) -> dict[tuple[int, int], MonthTotals]:
    """{(year, month): MonthTotals} of the records with a party in the CAE dated within
    [start, end], in one grouped query (months without records are absent)."""
    year = extract("year", Subcontract.record_date)
    month = extract("month", Subcontract.record_date)
    internal = Subcontract.kind == SubcontractKind.INTERNAL.value
    rows = db.session.execute(
        select(
            year,
            month,
            func.sum(case((internal, 1), else_=0)),
            func.sum(case((internal, Subcontract.amount_cents), else_=0)),
            func.sum(case((internal, 0), else_=1)),
            func.sum(case((internal, 0), else_=Subcontract.amount_cents)),
        )
        .where(
            or_(Subcontract.client_cae_id == cae_id, Subcontract.subcontractor_cae_id == cae_id),
            Subcontract.status.not_in(UNCOUNTED_STATUSES),
            Subcontract.record_date >= start,
            Subcontract.record_date <= end,
        )
        .group_by(year, month)
    ).all()
    totals: dict[tuple[int, int], MonthTotals] = {}
    for row in rows:
        y, m, ic, ia, cc, ca = (int(value or 0) for value in row)
        totals[(y, m)] = MonthTotals(ic, ia, cc, ca)
    return totals


#: The chart of work over time shows at most this many months (the latest of the period).
CHART_MONTHS = 24


def work_over_time(
    cae_id: int, start: date | None, end: date | None, today: date
) -> list[tuple[date, MonthTotals]]:
    """Each month of the period (the last twelve months without one; at most CHART_MONTHS,
    the latest), with its internal and cross-CAE work, months without work included."""
    last = month_start(end or today)
    first = month_start(start) if start else month_start(last - timedelta(days=334))
    months = months_between(first, last)[-CHART_MONTHS:]
    totals = monthly_totals(cae_id, start or months[0], end or today)
    return [(month, totals.get((month.year, month.month), MonthTotals())) for month in months]


SALE, PURCHASE, TRANSFER = "sale", "purchase", "internal_transfer"


def direction(record: Subcontract, cae_id: int) -> str:
    """What a record is for this CAE: an internal transfer, a sale (its member is the
    subcontractor, who invoices) or a purchase (its member is the client)."""
    if record.internal:
        return TRANSFER
    return SALE if record.subcontractor_cae_id == cae_id else PURCHASE


def direction_labels() -> dict[str, str]:
    return {SALE: _("sale"), PURCHASE: _("purchase"), TRANSFER: _("internal transfer")}


@dataclass
class CaeFigures:
    cae: Cae
    records: list[Subcontract]
    members: int = 0
    verified_members: int = 0
    profiles_by_status: dict[str, int] = field(default_factory=dict)
    others: dict[str, Any] = field(default_factory=dict)

    @property
    def amount_cents(self) -> int:
        return sum(r.amount_cents for r in self.records)

    @property
    def internal_amount_cents(self) -> int:
        return sum(r.amount_cents for r in self.records if not r.cross_cae)

    @property
    def cross_cae_amount_cents(self) -> int:
        return sum(r.amount_cents for r in self.records if r.cross_cae)

    @property
    def internal_count(self) -> int:
        return sum(1 for r in self.records if not r.cross_cae)

    @property
    def internal_transfer_cents(self) -> int:
        """Internal work: turnover moved inside the CAE, without invoice nor VAT."""
        return sum(r.amount_cents for r in self.records if r.internal)

    @property
    def sales_cents(self) -> int:
        """Invoices of this CAE to other CAEs (its members were the subcontractors)."""
        return sum(r.amount_cents for r in self.records if direction(r, self.cae.id) == SALE)

    @property
    def purchases_cents(self) -> int:
        """Invoices of other CAEs to this one (its members were the clients)."""
        return sum(r.amount_cents for r in self.records if direction(r, self.cae.id) == PURCHASE)

    def flows(self) -> list[dict[str, Any]]:
        """From the client's CAE to the subcontractor's CAE, largest amount first."""
        pairs: dict[tuple, list[int]] = defaultdict(lambda: [0, 0])
        for r in self.records:
            entry = pairs[(r.client_cae_id, r.subcontractor_cae_id)]
            entry[0] += 1
            entry[1] += r.amount_cents
        rows = [
            {"from_cae_id": a, "to_cae_id": b, "count": n, "amount_cents": cents}
            for (a, b), (n, cents) in pairs.items()
        ]
        return sorted(rows, key=lambda f: (-f["amount_cents"], f["from_cae_id"] or 0,
                                           f["to_cae_id"] or 0))  # fmt: skip

    def cross_flows(self) -> list[dict[str, Any]]:
        """The exchanges with other CAEs, with names, for the page and its chart."""
        names = dict(db.session.execute(select(Cae.id, Cae.name)).all())
        rows = []
        for flow in self.flows():
            if flow["from_cae_id"] == flow["to_cae_id"]:
                continue
            rows.append(
                dict(
                    flow,
                    from_name=names.get(flow["from_cae_id"], "—"),
                    to_name=names.get(flow["to_cae_id"], "—"),
                    outgoing=flow["from_cae_id"] == self.cae.id,
                )
            )
        return rows

    def top_skills(self, limit: int = 10) -> list[tuple[str, int, int]]:
        """Competences of the offers the records came from: (name, records, amount)."""
        by_offer = defaultdict(list)
        for r in self.records:
            if r.offer_id is not None:
                by_offer[r.offer_id].append(r)
        if not by_offer:
            return []
        rows = db.session.execute(
            select(OfferSkill.offer_id, Skill.name)
            .join(Skill, Skill.id == OfferSkill.skill_id)
            .where(OfferSkill.offer_id.in_(list(by_offer)))
        ).all()
        stats: dict[str, list[int]] = defaultdict(lambda: [0, 0])
        for offer_id, name in rows:
            for r in by_offer[offer_id]:
                stats[name][0] += 1
                stats[name][1] += r.amount_cents
        ranked = sorted(stats.items(), key=lambda kv: (-kv[1][0], -kv[1][1], kv[0].casefold()))
        return [(name, n, cents) for name, (n, cents) in ranked[:limit]]


def cae_figures(
    actor: Viewer, cae_id: int, start: date | None, end: date | None, parties: bool = True
) -> CaeFigures:
    """The CAE's figures; ``parties=False`` when only the totals are needed (no names)."""
    cae = managed_cae_for_figures(actor, cae_id)
    members = db.session.execute(
        select(User.membership, func.count(User.id))
        .where(User.cae_id == cae.id, User.is_active.is_(True))
        .group_by(User.membership)
    ).all()
    by_state = dict(members)
    by_status = dict.fromkeys(ProfileStatus.values(), 0)
    rows = db.session.execute(
        select(Profile.status, func.count(Profile.id))
        .join(User, User.id == Profile.user_id)
        .where(and_(User.cae_id == cae.id, User.is_active.is_(True),
                    User.membership == "verified"))
        .group_by(Profile.status)
    ).all()  # fmt: skip
    by_status.update(dict(rows))
    return CaeFigures(
        cae=cae,
        records=cae_records(cae.id, start, end, parties),
        members=sum(by_state.values()),
        verified_members=by_state.get("verified", 0),
        profiles_by_status=by_status,
        others=other_figures(cae.id),
    )


# The CSV ledger ----------------------------------------------------------------------------


def ledger_csv(figures: CaeFigures) -> str:
    """UTF-8 with BOM, ';' separator, decimal comma, dates dd/mm/yyyy: opens in French Excel.

    Sales, purchases and internal transfers are told apart by the direction column; internal
    transfers carry no VAT (their VAT cells are empty)."""

    # The first columns keep their places (spreadsheets and imports read them by position);
    # the kind, direction, SIRENs, regime, mention and invoice come after them.
    rows: list[list[object]] = [[
        _("Date"), _("Record"), _("Title"), _("Client"), _("Client's CAE"), _("Subcontractor"),
        _("Subcontractor's CAE"), _("Amount excl. VAT (€)"), _("VAT rate (%)"), _("VAT (€)"),
        _("Amount incl. VAT (€)"), _("Status"), _("Between CAEs"), _("Kind"), _("Direction"),
        _("Client's CAE SIREN"), _("Subcontractor's CAE SIREN"), _("VAT regime"),
        _("Legal mention"), _("Invoice number"), _("Invoice date"),
    ]]  # fmt: skip
    directions = direction_labels()
    for r in figures.records:
        internal = r.internal
        vat = vat_cents(r.amount_cents, r.vat_rate)
        client_cae, sub_cae = r.client_cae, r.subcontractor_cae
        rows.append([
            french_date(r.record_date),
            r.id,
            r.title,
            r.client.display_name,
            client_cae.name if client_cae else "",
            r.subcontractor.display_name,
            sub_cae.name if sub_cae else "",
            decimal_comma(r.amount_cents),
            Figure(r.vat_rate.replace(".", ",")) if r.vat_rate else "",
            "" if internal else decimal_comma(vat),
            "" if internal else decimal_comma(r.amount_cents + vat),
            SubcontractStatus(r.status).label,
            _("yes") if r.cross_cae else _("no"),
            SubcontractKind(r.kind).label,
            directions[direction(r, figures.cae.id)],
            (client_cae.siren or "") if client_cae else "",
            (sub_cae.siren or "") if sub_cae else "",
            VatRegime(r.vat_regime).label if r.vat_regime else "",
            r.legal_mention or "",
            r.invoice_number or "",
            french_date(r.invoice_date) if r.invoice_date else "",
        ])  # fmt: skip
    return csv_document(rows)
