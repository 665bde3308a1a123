"""Skill profiles: what an entrepreneur offers, where, and to whom it is shown."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    CheckConstraint,
    Index,
    SmallInteger,
    String,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from marketplace.audience import Audience
from marketplace.dbtypes import (
    AudienceCode,
    City,
    Department,
    IdPk,
    Position,
    ProfileId,
    Prose,
    Stamp,
    children,
    one_of,
    ref,
)
from marketplace.enums import LabelledEnum
from marketplace.extensions import Base
from marketplace.geo import region_of
from marketplace.places.filters import track_location
from marketplace.timeutil import to_paris, utcnow

if TYPE_CHECKING:
    from marketplace.accounts.models import User
    from marketplace.skills.models import Certification, Skill


class ProfileStatus(LabelledEnum):
    """The entrepreneur's status in the CAE."""

    PROJECT_HOLDER = "project_holder", _l("project holder (CAPE)")
    EMPLOYEE = "employee", _l("salaried entrepreneur (CESA)")
    ASSOCIATE = "associate", _l("salaried associate entrepreneur")


class Availability(LabelledEnum):
    AVAILABLE = "available", _l("available")
    PARTIAL = "partial", _l("partly available")
    UNAVAILABLE = "unavailable", _l("unavailable")


class PeriodKind(LabelledEnum):
    """A period of a profile's calendar: away, or working part-time only."""

    UNAVAILABLE = "unavailable", _l("unavailable")
    PART_TIME = "part_time", _l("part-time")


class ClientType(LabelledEnum):
    """Who a reference's work was done for."""

    PUBLIC = "public", _l("public buyer")
    COMPANY = "company", _l("company")
    ASSOCIATION = "association", _l("association")
    INDIVIDUAL = "individual", _l("private individual")


class Profile(Base):
    __tablename__ = "profiles"
    __table_args__ = (
        one_of("status", ProfileStatus),
        one_of("status_proposed", ProfileStatus, nullable=True),
        one_of("availability", Availability),
        one_of("audience", Audience),
        CheckConstraint(
            "daily_rate_cents IS NULL OR (daily_rate_cents >= 0 AND daily_rate_cents <= 1000000)",
            name="daily_rate",
        ),
        # Lists show the latest updated first, ties by id: one index serves both keys (on
        # PostgreSQL equal timestamps are not kept in id order by an index on updated_at).
        Index("ix_profiles_updated_at_id", "updated_at", "id"),
    )

    id: Mapped[IdPk]
    user_id: Mapped[int] = ref("users", "CASCADE", unique=True)
    headline: Mapped[str] = mapped_column(String(160), default="")
    bio: Mapped[Prose]
    #: project_holder (CAPE), employee (CESA) or associate (CESA and a partner of the CAE).
    status: Mapped[str] = mapped_column(String(16), default="employee", index=True)
    #: A status the person proposed, until the CAE's managers confirm or refuse it
    #: (approvals/statuses.py); ``status`` stays the confirmed one.
    status_proposed: Mapped[str | None] = mapped_column(String(16), index=True)
    status_proposed_at: Mapped[datetime | None]
    #: Start of the CAPE contract and of the CESA, as the CAE's managers confirmed them.
    cape_started_on: Mapped[date | None]
    cesa_started_on: Mapped[date | None]
    city: Mapped[City]
    department: Mapped[Department | None]
    #: The centre of the city (places.filters.track_location keeps it in step; None when
    #: the city is empty or unknown).
    latitude: Mapped[float | None] = mapped_column(index=True)
    longitude: Mapped[float | None]
    availability: Mapped[str] = mapped_column(String(12), default="available", index=True)
    #: From when the availability holds (e.g. available again from that date).
    available_from: Mapped[date | None]
    #: Indicative daily rate excluding VAT, in cents.
    daily_rate_cents: Mapped[int | None]
    #: Who may see the profile: cae, network or public.
    audience: Mapped[AudienceCode]
    #: The current photo's version (a random token in its URL and storage keys); null: no photo.
    photo_version: Mapped[str | None] = mapped_column(String(24))
    created_at: Mapped[Stamp]
    updated_at: Mapped[Stamp]

    # "unnested": chained from an outer join (a tender's or an offer's owner), the join is an
    # outer one too rather than a right-nested ``LEFT OUTER JOIN (profiles JOIN users)``, which
    # SQLite materialises for every profile (230-330 ms per tender page at 100,000 profiles).
    user: Mapped[User] = relationship(
        "User",
        back_populates="profile",
        lazy="joined",
        innerjoin="unnested",  # type: ignore[arg-type]  # a documented value; typed bool
    )
    skills: Mapped[list[ProfileSkill]] = children(
        "ProfileSkill", "(ProfileSkill.level.desc(), ProfileSkill.position)"
    )
    certifications: Mapped[list[ProfileCertification]] = children("ProfileCertification")
    availability_periods: Mapped[list[AvailabilityPeriod]] = children(
        "AvailabilityPeriod", "(AvailabilityPeriod.starts_on, AvailabilityPeriod.id)"
    )
    references: Mapped[list[ProfileReference]] = children(
        "ProfileReference", "(ProfileReference.position, ProfileReference.id)"
    )
    languages: Mapped[list[ProfileLanguage]] = children(
        "ProfileLanguage", "ProfileLanguage.position"
    )

    @property
    def region(self) -> str | None:
        return region_of(self.department)

    @property
    def cae_id(self) -> int | None:
        return self.user.cae_id

    @property
    def display_name(self) -> str:
        return self.user.display_name

    @property
    def certification_names(self) -> list[str]:
        return sorted((pc.certification.name for pc in self.certifications), key=str.casefold)

    @property
    def certifications_sorted(self) -> list[ProfileCertification]:
        """The certifications by name, each with its date of validity."""
        return sorted(self.certifications, key=lambda pc: pc.certification.name.casefold())

    @property
    def current_periods(self) -> list[AvailabilityPeriod]:
        """The periods not yet over (Paris day), in date order."""
        today = to_paris(utcnow()).date()
        return [p for p in self.availability_periods if p.ends_on >= today]

    @property
    def language_names(self) -> list[str]:
        return [pl.name for pl in self.languages]


def profile_of(user: User) -> Profile:
    """The profile made with the account (create_account); only a deleted account has none."""
    profile: Profile | None = user.profile
    if profile is None:
        raise LookupError(f"{user!r} has no profile")
    return profile


#: ProfileSkill.suggestion_rank of a holding not ranked yet: the highest, so that a bounded
#: read of the best holders never leaves it out (profiles.ranking).
RANK_UNKNOWN = 12


class ProfileSkill(Base):
    __tablename__ = "profile_skills"
    __table_args__ = (
        CheckConstraint("level BETWEEN 1 AND 4", name="level"),
        CheckConstraint(f"suggestion_rank BETWEEN 0 AND {RANK_UNKNOWN}", name="suggestion_rank"),
        # The best holders of a competence first: tender suggestions read them tier by tier.
        Index("ix_profile_skills_skill_rank", "skill_id", "suggestion_rank", "profile_id"),
    )

    profile_id: Mapped[int] = ref("profiles", "CASCADE", primary_key=True)
    skill_id: Mapped[int] = ref("skills", "CASCADE", primary_key=True, index=True)
    #: 1 notions, 2 intermediate, 3 confirmed, 4 expert.
    level: Mapped[int] = mapped_column(SmallInteger)
    #: Order given by the person, for display.
    position: Mapped[Position]
    #: 4 × stated availability (2 available, 1 partly, 0 not) + level, 0 when the account
    #: cannot be suggested (closed, not verified): what a holding can bring to a tender's score
    #: whatever the tender. Kept by profiles.ranking from the change log, in the changing
    #: transaction; a holding not ranked yet has the highest (RANK_UNKNOWN).
    suggestion_rank: Mapped[int] = mapped_column(
        SmallInteger, default=RANK_UNKNOWN, server_default=str(RANK_UNKNOWN)
    )

    skill: Mapped[Skill] = relationship("Skill", lazy="joined", innerjoin=True)

    @property
    def name(self) -> str:
        return self.skill.name


class ProfileCertification(Base):
    __tablename__ = "profile_certifications"

    profile_id: Mapped[int] = ref("profiles", "CASCADE", primary_key=True)
    certification_id: Mapped[int] = ref("certifications", "CASCADE", primary_key=True, index=True)

    #: The last day the certification is valid (e.g. an RGE label's end); null: not given.
    valid_until: Mapped[date | None]

    certification: Mapped[Certification] = relationship(
        "Certification", lazy="joined", innerjoin=True
    )

    @property
    def name(self) -> str:
        return self.certification.name

    @property
    def expired(self) -> bool:
        """Past its last day of validity (Paris day)."""
        return self.valid_until is not None and self.valid_until < to_paris(utcnow()).date()


class ProfileLanguage(Base):
    __tablename__ = "profile_languages"

    profile_id: Mapped[int] = ref("profiles", "CASCADE", primary_key=True)
    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    position: Mapped[Position]


class AvailabilityPeriod(Base):
    """A period when the person is unavailable or part-time ("indisponible du 3 au 21 février")."""

    __tablename__ = "profile_availability_periods"
    __table_args__ = (
        one_of("kind", PeriodKind),
        CheckConstraint("ends_on >= starts_on", name="dates"),
    )

    id: Mapped[IdPk]
    profile_id: Mapped[ProfileId]
    #: First and last day of the period, both included.
    starts_on: Mapped[date]
    ends_on: Mapped[date]
    #: unavailable or part_time.
    kind: Mapped[str] = mapped_column(String(12))
    note: Mapped[str] = mapped_column(String(200), default="")


class ProfileReference(Base):
    """A piece of past work the member writes about (title, client, year, what was done)."""

    __tablename__ = "profile_references"
    __table_args__ = (
        one_of("client_type", ClientType),
        CheckConstraint("year BETWEEN 1950 AND 2100", name="year"),
    )

    id: Mapped[IdPk]
    profile_id: Mapped[ProfileId]
    #: Order given by the person, for display.
    position: Mapped[Position]
    title: Mapped[str] = mapped_column(String(160))
    #: public, company, association or individual.
    client_type: Mapped[str] = mapped_column(String(12))
    year: Mapped[int] = mapped_column(SmallInteger)
    description: Mapped[Prose]
    #: An optional http(s) link to see the work.
    link: Mapped[str | None] = mapped_column(String(500))


track_location(Profile)
