"""Joint tenders: a call for tenders some entrepreneurs answer together, its lots and its team."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext as _lp
from sqlalchemy import (
    CheckConstraint,
    Column,
    ForeignKey,
    SmallInteger,
    String,
    Table,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from marketplace.audience import Audience
from marketplace.dbtypes import (
    ActorId,
    Amount,
    AudienceCode,
    City,
    Department,
    IdPk,
    ProfileId,
    Prose,
    Stamp,
    StateName,
    Title,
    children,
    in_clause,
    one_of,
    ref,
)
from marketplace.enums import LabelledEnum
from marketplace.extensions import Base
from marketplace.geo import region_of
from marketplace.places.filters import track_location
from marketplace.vatrates import VatRate

if TYPE_CHECKING:
    from marketplace.accounts.models import User
    from marketplace.collectives.models import Collective
    from marketplace.profiles.models import Profile
    from marketplace.skills.models import Skill


class TenderStatus(LabelledEnum):
    """Statuses of a tender (un appel d'offres: masculine in French, unlike an offer)."""

    OPEN = "open", _lp("tender", "open"), _l("Reopen the team")
    TEAM_FORMED = "team_formed", _l("team formed"), _l("The team is formed")
    SUBMITTED = "submitted", _l("offer submitted"), _l("The offer is submitted")
    WON = "won", _l("won"), _l("Won")
    LOST = "lost", _l("lost"), _l("Lost")
    CANCELLED = "cancelled", _lp("tender", "cancelled"), _l("Cancel the tender")


class TenderSource(LabelledEnum):
    """Where an imported public notice comes from (members' own tenders have no source)."""

    BOAMP = "boamp", _l("BOAMP")


class BuyerKind(LabelledEnum):
    PUBLIC = "public", _l("public buyer")
    PRIVATE = "private", _l("private buyer")


class ProcedureKind(LabelledEnum):
    """How the buyer consults (Code de la commande publique, L2120-1 and following)."""

    ADAPTED = "adapted", _l("adapted procedure (MAPA)")
    OPEN = "open", _l("open call for tenders")
    RESTRICTED = "restricted", _l("restricted call for tenders (two phases)")
    NEGOTIATED = "negotiated", _l("negotiated procedure (two phases)")
    COMPETITIVE_DIALOGUE = "competitive_dialogue", _l("competitive dialogue (two phases)")
    PRIVATE = "private", _l("private consultation")


#: Procedures in two phases: applications first (the team is fixed then), offers later.
TWO_PHASE_PROCEDURES = frozenset({"restricted", "negotiated", "competitive_dialogue"})


class LotVat(LabelledEnum):
    """The VAT of a lot's work: a standard rate, or reverse charge (building work subcontracted,
    art. 283-2 nonies CGI: invoiced and paid excluding VAT), or an exemption (art. 261 CGI)."""

    STANDARD = "standard", _l("VAT at a rate")
    REVERSE_CHARGE = "reverse_charge", _l("reverse charge (building work subcontracted)")
    EXEMPT = "exempt", _l("exempt from VAT")


#: A lot's rate under the standard regime: the French VAT rates.
LotVatRate = VatRate


class TeamForm(LabelledEnum):
    """The legal form of a groupement."""

    CONJOINT = "conjoint", _l("conjoint")
    SOLIDAIRE = "solidaire", _l("solidaire")


class TenderRole(LabelledEnum):
    """The role someone takes in the team (the lead is the cotraitant named by lead_profile_id)."""

    COTRAITANT = "cotraitant", _l("cotraitant")
    SUBCONTRACTOR = "subcontractor", _l("subcontractor")


class TeamRole(LabelledEnum):
    """The role shown for a member of the team: the lead (mandataire) or their TenderRole."""

    LEAD = "lead", _l("mandataire")
    COTRAITANT = "cotraitant", _l("cotraitant")
    SUBCONTRACTOR = "subcontractor", _l("subcontractor")


class TeamKind(LabelledEnum):
    """How many CAEs are candidates, worked out from the team (not stored). Whether they form a
    groupement is a question per lot (team.py)."""

    SINGLE_CAE = "single_cae", _l("one CAE (a single candidate)")
    MULTI_CAE = "multi_cae", _l("several CAEs")


class ApplicationState(LabelledEnum):
    """The answer to an application, and to an invitation (InvitationState): one value set."""

    PENDING = "pending", _l("pending")
    ACCEPTED = "accepted", _l("accepted")
    DECLINED = "declined", _l("declined")


#: An invitation is answered as an application is.
InvitationState = ApplicationState


MAX_AMOUNT_CENTS = 100_000_000_000  # one billion euros: beyond is a typing mistake


class Tender(Base):
    __tablename__ = "tenders"
    __table_args__ = (
        one_of("status", TenderStatus),
        one_of("buyer_kind", BuyerKind),
        one_of("audience", Audience),
        one_of("form", TeamForm, nullable=True),
        one_of("procedure_kind", ProcedureKind, nullable=True),
        CheckConstraint(
            "estimated_amount_cents IS NULL OR estimated_amount_cents >= 0", name="amount"
        ),
        one_of("source_name", TenderSource, nullable=True),
        # A members' tender has an owner and a deadline; only an imported notice may lack them.
        CheckConstraint(
            "source_name IS NOT NULL OR (owner_profile_id IS NOT NULL AND deadline IS NOT NULL)",
            name="owner_or_source",
        ),
        CheckConstraint("(source_name IS NULL) = (source_id IS NULL)", name="source_id"),
        # One row per notice of a source (re-importing updates it).
        UniqueConstraint("source_name", "source_id"),
        # One team tender per member built from a notice.
        UniqueConstraint("notice_id", "owner_profile_id"),
    )

    id: Mapped[IdPk]
    title: Mapped[Title]
    buyer_name: Mapped[str] = mapped_column(String(200))
    #: public (a public buyer: procurement code, DC1/DC4) or private.
    buyer_kind: Mapped[str] = mapped_column(String(8), default="public")
    reference: Mapped[str] = mapped_column(String(120), default="")
    #: The notice (BOAMP or the buyer's platform).
    source_url: Mapped[str | None] = mapped_column(String(500))
    #: e.g. "procédure adaptée (MAPA)", "appel d'offres ouvert".
    procedure: Mapped[str] = mapped_column(String(120), default="")
    #: The kind of procedure (ProcedureKind); None when not said.
    procedure_kind: Mapped[str | None] = mapped_column(String(24))
    #: Two-phase procedures: when applications are due (aware UTC); the team is fixed then
    #: (R2142-26), before the offers' deadline.
    applications_deadline: Mapped[datetime | None]
    #: Deadline for offers, aware UTC (entered and shown in Europe/Paris); None only for an
    #: imported notice that gives none.
    deadline: Mapped[datetime | None] = mapped_column(index=True)
    city: Mapped[City]
    department: Mapped[Department | None]
    #: The centre of the city (places.filters.track_location keeps it in step; None when
    #: the city is empty or unknown).
    latitude: Mapped[float | None] = mapped_column(index=True)
    longitude: Mapped[float | None]
    #: Estimated amount of the whole contract, excluding VAT, in cents.
    estimated_amount_cents: Mapped[Amount | None]
    description: Mapped[Prose]
    audience: Mapped[AudienceCode]
    status: Mapped[str] = mapped_column(String(12), default="open", index=True)
    #: The member who posted it; None for an imported public notice (source_name set).
    owner_profile_id: Mapped[ProfileId | None]
    #: An imported public notice: its source ("boamp") and its id there (BOAMP's idweb).
    source_name: Mapped[str | None] = mapped_column(String(16))
    source_id: Mapped[str | None] = mapped_column(String(40))
    #: The day the notice was published by its source (BOAMP's dateparution).
    published_on: Mapped[date | None]
    #: For a members' tender built from a notice ("Monter une équipe"): that notice.
    notice_id: Mapped[int | None] = ref("tenders", "SET NULL", index=True)
    #: The collective the tender is posted for (its poster is a member of it), if any.
    collective_id: Mapped[int | None] = ref("collectives", "SET NULL", index=True)
    #: The mandataire; the owner until changed (always a cotraitant of the team).
    lead_profile_id: Mapped[int | None] = ref("profiles", "SET NULL")
    #: conjoint or solidaire (for a groupement of several CAEs); None until chosen.
    form: Mapped[str | None] = mapped_column(String(10))
    #: When the team was reminded of the deadline (flask notify due), once.
    reminder_sent_at: Mapped[datetime | None]
    created_at: Mapped[Stamp]
    updated_at: Mapped[Stamp] = mapped_column(index=True)

    owner: Mapped[Profile | None] = relationship(
        "Profile", foreign_keys="Tender.owner_profile_id", lazy="joined"
    )
    collective: Mapped[Collective | None] = relationship("Collective")
    lots: Mapped[list[TenderLot]] = children(
        "TenderLot", "TenderLot.number", back_populates="tender"
    )
    members: Mapped[list[TenderMember]] = children(
        "TenderMember", "TenderMember.id", back_populates="tender"
    )
    applications: Mapped[list[TenderApplication]] = children(
        "TenderApplication", "TenderApplication.id", lazy="select", back_populates="tender"
    )
    events: Mapped[list[TenderEvent]] = children("TenderEvent", "TenderEvent.id", lazy="select")

    @property
    def region(self) -> str | None:
        return region_of(self.department)

    @property
    def owner_cae_id(self) -> int | None:
        return self.owner.user.cae_id if self.owner is not None else None

    @property
    def is_notice(self) -> bool:
        """An imported public notice (no owner, no team): members build teams from it."""
        return self.source_name is not None

    @property
    def two_phase(self) -> bool:
        return self.procedure_kind in TWO_PHASE_PROCEDURES

    @property
    def team_fixed_at(self) -> datetime | None:
        """When the team is fixed: the applications' deadline of a two-phase procedure, else
        the offers' deadline (applications and offers are handed in together)."""
        if self.two_phase and self.applications_deadline is not None:
            return self.applications_deadline
        return self.deadline


tender_lot_skills = Table(
    "tender_lot_skills",
    Base.metadata,
    Column("lot_id", ForeignKey("tender_lots.id", ondelete="CASCADE"), primary_key=True),
    Column("skill_id", ForeignKey("skills.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class TenderLot(Base):
    __tablename__ = "tender_lots"
    __table_args__ = (
        UniqueConstraint("tender_id", "number"),
        CheckConstraint("number >= 1", name="number"),
        CheckConstraint(
            "estimated_amount_cents IS NULL OR estimated_amount_cents >= 0", name="amount"
        ),
        one_of("vat_regime", LotVat),
        CheckConstraint(
            f"vat_rate IS NULL OR (vat_regime = 'standard' AND "
            f"{in_clause('vat_rate', LotVatRate.values())})",
            name="vat_rate",
        ),
    )

    id: Mapped[IdPk]
    tender_id: Mapped[int] = ref("tenders", "CASCADE", index=True)
    number: Mapped[int] = mapped_column(SmallInteger)
    title: Mapped[Title]
    estimated_amount_cents: Mapped[Amount | None]
    #: standard (with vat_rate), reverse_charge (paid excluding VAT) or exempt.
    vat_regime: Mapped[str] = mapped_column(
        String(16), default="standard", server_default="standard"
    )
    #: The rate of a standard regime, as exact text ("20.0"); always None for the other
    #: regimes; None on a standard lot reads as 20 % (a lot written without it).
    vat_rate: Mapped[str | None] = mapped_column(String(4))

    tender: Mapped[Tender] = relationship("Tender", back_populates="lots")
    skills: Mapped[list[Skill]] = relationship(
        "Skill", secondary=tender_lot_skills, lazy="selectin", order_by="Skill.key"
    )

    @property
    def skill_names(self) -> list[str]:
        return [s.name for s in sorted(self.skills, key=lambda s: s.key)]


def _lots_of(table: str, column: str, parent: str) -> Table:
    """The lots a team member, an application or an invitation is about: one row per
    (``column``, lot), gone with either."""
    return Table(
        table,
        Base.metadata,
        Column(column, ForeignKey(f"{parent}.id", ondelete="CASCADE"), primary_key=True),
        Column("lot_id", ForeignKey("tender_lots.id", ondelete="CASCADE"), primary_key=True),
    )


member_lots = _lots_of("tender_member_lots", "member_id", "tender_members")
application_lots = _lots_of("tender_application_lots", "application_id", "tender_applications")
invitation_lots = _lots_of("tender_invitation_lots", "invitation_id", "tender_invitations")


class TenderMember(Base):
    """A person in the team: the owner (first), then every accepted application or invitation."""

    __tablename__ = "tender_members"
    __table_args__ = (
        UniqueConstraint("tender_id", "profile_id"),
        one_of("role", TenderRole),
        CheckConstraint("share_cents IS NULL OR share_cents >= 0", name="share"),
    )

    id: Mapped[IdPk]
    tender_id: Mapped[int] = ref("tenders", "CASCADE", index=True)
    #: Indexed: a CAE's figures and a person's tenders look teams up by person.
    profile_id: Mapped[ProfileId]
    role: Mapped[str] = mapped_column(String(16), default="cotraitant")
    #: This member's share of the contract, excluding VAT, in cents (None: not set yet). A
    #: subcontractor's share is counted inside the share of the cotraitant it works for.
    share_cents: Mapped[Amount | None]
    #: A subcontractor: the cotraitant it works for (None: the lead).
    works_for_profile_id: Mapped[int | None] = ref("profiles", "SET NULL")
    application_id: Mapped[int | None] = ref("tender_applications", "SET NULL")
    #: The accepted invitation this person joined by (as ``application_id`` for an application).
    invitation_id: Mapped[int | None] = ref("tender_invitations", "SET NULL")
    joined_at: Mapped[Stamp]

    tender: Mapped[Tender] = relationship("Tender", back_populates="members")
    profile: Mapped[Profile] = relationship(
        "Profile", foreign_keys="TenderMember.profile_id", lazy="joined", innerjoin=True
    )
    lots: Mapped[list[TenderLot]] = relationship(
        "TenderLot", secondary=member_lots, lazy="selectin", order_by="TenderLot.number"
    )


class TenderApplication(Base):
    __tablename__ = "tender_applications"
    __table_args__ = (
        UniqueConstraint("tender_id", "applicant_profile_id"),
        one_of("role", TenderRole),
        one_of("state", ApplicationState),
        CheckConstraint("share_cents IS NULL OR share_cents >= 0", name="share"),
    )

    id: Mapped[IdPk]
    tender_id: Mapped[int] = ref("tenders", "CASCADE", index=True)
    applicant_profile_id: Mapped[ProfileId]
    role: Mapped[str] = mapped_column(String(16))
    message: Mapped[Prose]
    state: Mapped[str] = mapped_column(String(10), default="pending")
    #: The share given on acceptance, excluding VAT, in cents.
    share_cents: Mapped[Amount | None]
    created_at: Mapped[Stamp]
    decided_at: Mapped[datetime | None]

    tender: Mapped[Tender] = relationship("Tender", back_populates="applications")
    applicant: Mapped[Profile] = relationship("Profile", lazy="joined", innerjoin=True)
    lots: Mapped[list[TenderLot]] = relationship(
        "TenderLot", secondary=application_lots, lazy="selectin", order_by="TenderLot.number"
    )


class TenderEvent(Base):
    """History of the tender's status and of its applications: who, when, from, to."""

    __tablename__ = "tender_events"

    id: Mapped[IdPk]
    tender_id: Mapped[int] = ref("tenders", "CASCADE", index=True)
    #: Set when the event is about an application rather than the tender itself.
    application_id: Mapped[int | None] = ref("tender_applications", "CASCADE")
    #: Set when the event is about an invitation (sent, accepted, declined).
    invitation_id: Mapped[int | None] = ref("tender_invitations", "CASCADE")
    #: Set when the event is a CAE's approval of the team (requested, approved, refused).
    approval_id: Mapped[int | None] = ref("cae_approvals", "CASCADE")
    actor_id: Mapped[ActorId | None]
    from_state: Mapped[StateName | None]
    to_state: Mapped[StateName]
    at: Mapped[Stamp]

    actor: Mapped[User | None] = relationship("User")


class TenderInvitation(Base):
    """The owner asks a person (from the suggestions) to join the team on some lots; the
    invitee accepts (they join the team as with an accepted application) or declines."""

    __tablename__ = "tender_invitations"
    __table_args__ = (
        UniqueConstraint("tender_id", "invitee_profile_id"),
        one_of("role", TenderRole),
        one_of("state", InvitationState),
    )

    id: Mapped[IdPk]
    tender_id: Mapped[int] = ref("tenders", "CASCADE", index=True)
    invitee_profile_id: Mapped[ProfileId]
    invited_by_id: Mapped[ActorId | None]
    role: Mapped[str] = mapped_column(String(16))
    message: Mapped[Prose]
    state: Mapped[str] = mapped_column(String(10), default="pending")
    created_at: Mapped[Stamp]
    decided_at: Mapped[datetime | None]

    tender: Mapped[Tender] = relationship("Tender")
    invitee: Mapped[Profile] = relationship("Profile", lazy="joined", innerjoin=True)
    lots: Mapped[list[TenderLot]] = relationship(
        "TenderLot", secondary=invitation_lots, lazy="selectin", order_by="TenderLot.number"
    )


track_location(Tender)
