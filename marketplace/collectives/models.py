"""Professional collectives across CAEs: members, join requests, invitations, decisions, votes."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, ClassVar

from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    CheckConstraint,
    Index,
    SmallInteger,
    String,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, declared_attr, mapped_column, relationship

from marketplace.audience import Audience
from marketplace.dbtypes import (
    ActorId,
    AudienceCode,
    Body,
    CaeId,
    IdPk,
    Note,
    Prose,
    Stamp,
    StateName,
    Title,
    UserId,
    in_clause,
    one_of,
    ref,
)
from marketplace.enums import LabelledEnum
from marketplace.extensions import Base

if TYPE_CHECKING:
    from marketplace.accounts.models import User
    from marketplace.caes.models import Cae


class JoinPolicy(LabelledEnum):
    OPEN = "open", _l("open: anyone who sees it may join")
    REQUEST = "request", _l("on request: coordinators accept or decline")
    INVITATION = "invitation", _l("by invitation of the coordinators only")


class CollectiveRole(LabelledEnum):
    COORDINATOR = "coordinator"
    MEMBER = "member"


class RequestState(LabelledEnum):
    PENDING = "pending", _l("waiting")
    APPROVED = "approved", _l("accepted")
    REFUSED = "refused", _l("declined")
    CANCELLED = "cancelled", _l("withdrawn")


class InvitationState(LabelledEnum):
    PENDING = "pending"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    CANCELLED = "cancelled"


class VoteChoice(LabelledEnum):
    YES = "yes", _l("yes")
    NO = "no", _l("no")
    ABSTAIN = "abstain", _l("abstain")


#: What the activity of a collective records (one row per change, with who and when).
EVENT_KINDS = (
    "created",
    "joined",
    "requested",
    "request_approved",
    "request_refused",
    "request_cancelled",
    "invited",
    "invitation_accepted",
    "invitation_declined",
    "invitation_cancelled",
    "left",
    "removed",
    "role_changed",
    "decision_opened",
    "decision_closed",
)


class Collective(Base):
    __tablename__ = "collectives"
    __table_args__ = (
        one_of("audience", Audience),
        one_of("join_policy", JoinPolicy),
        # Lists show the latest updated first, ties by id: one index serves both keys (on
        # PostgreSQL equal timestamps are not kept in id order by an index on updated_at).
        Index("ix_collectives_updated_at_id", "updated_at", "id"),
    )

    id: Mapped[IdPk]
    name: Mapped[str] = mapped_column(String(120))
    description: Mapped[Prose]
    #: Free text ("Rénovation énergétique", "Formation"); filtered by its folded form.
    sector: Mapped[str] = mapped_column(String(80), default="")
    sector_key: Mapped[str] = mapped_column(String(80), default="", index=True)
    #: A French region name (geo.REGIONS) or None when the collective works anywhere.
    region: Mapped[str | None] = mapped_column(String(60), index=True)
    audience: Mapped[AudienceCode]
    join_policy: Mapped[str] = mapped_column(String(12), default="request")
    #: Open ballots: the members see how each member voted (default: secret, only who voted).
    open_ballot: Mapped[bool] = mapped_column(default=False, server_default=text("false"))
    #: The owner CAE: the creator's CAE at creation (decides who sees a ``cae`` collective).
    cae_id: Mapped[CaeId | None]
    created_by_id: Mapped[ActorId | None] = mapped_column(index=True)
    created_at: Mapped[Stamp]
    updated_at: Mapped[Stamp]

    cae: Mapped[Cae | None] = relationship("Cae", lazy="joined")
    created_by: Mapped[User | None] = relationship("User", foreign_keys=[created_by_id])


class CollectiveMember(Base):
    __tablename__ = "collective_members"
    __table_args__ = (
        UniqueConstraint("collective_id", "user_id"),
        one_of("role", CollectiveRole),
    )

    id: Mapped[IdPk]
    collective_id: Mapped[int] = ref("collectives", "CASCADE", index=True)
    user_id: Mapped[UserId]
    role: Mapped[str] = mapped_column(String(12), default="member")
    joined_at: Mapped[Stamp]

    user: Mapped[User] = relationship("User", lazy="joined", innerjoin=True)

    if TYPE_CHECKING:
        #: Not columns: set by queries.members_of() for the viewer (hidden: the viewer may
        #: not see the person's profile; profile_id: None then).
        hidden: bool
        profile_id: int | None


class _Answerable:
    """What a join request and an invitation share: a person, a collective, a message and a
    state answered once (one pending row per person and collective, double clicks, two tabs).

    ``sort_order`` keeps the columns in the order of the tables the migrations created (at an
    equal sort_order, the columns of the class come before those of this mixin).
    """

    __tablename__: str
    #: The value set of ``state``.
    STATES: ClassVar[type[LabelledEnum]]

    @declared_attr.directive
    def __table_args__(cls) -> tuple:
        return (
            CheckConstraint(in_clause("state", cls.STATES.values()), name="state"),
            Index(
                f"uq_{cls.__tablename__}_pending",
                "collective_id",
                "user_id",
                unique=True,
                sqlite_where=text("state = 'pending'"),
                postgresql_where=text("state = 'pending'"),
            ),
        )

    id: Mapped[IdPk]
    collective_id: Mapped[int] = ref("collectives", "CASCADE", index=True)
    user_id: Mapped[UserId]
    message: Mapped[Note] = mapped_column(sort_order=1)
    state: Mapped[str] = mapped_column(String(12), default="pending", index=True, sort_order=1)
    created_at: Mapped[Stamp] = mapped_column(sort_order=1)
    decided_at: Mapped[datetime | None] = mapped_column(sort_order=1)

    @declared_attr
    def user(cls: type[_Answerable]) -> Mapped[User]:
        return relationship(
            "User", foreign_keys=lambda: [cls.user_id], lazy="joined", innerjoin=True
        )

    @declared_attr
    def collective(cls) -> Mapped[Collective]:
        return relationship("Collective")


class JoinRequest(_Answerable, Base):
    """A request to join a collective ``on request``, decided by a coordinator."""

    __tablename__ = "collective_join_requests"
    STATES = RequestState

    decided_by_id: Mapped[ActorId | None] = mapped_column(sort_order=2)
    #: The coordinator's answer, shown to the person.
    answer: Mapped[Note] = mapped_column(sort_order=2)

    decided_by: Mapped[User | None] = relationship("User", foreign_keys=[decided_by_id])


class Invitation(_Answerable, Base):
    """A coordinator invites a person, who accepts or declines."""

    __tablename__ = "collective_invitations"
    STATES = InvitationState

    invited_by_id: Mapped[ActorId | None] = mapped_column(sort_order=1)

    invited_by: Mapped[User | None] = relationship("User", foreign_keys=[invited_by_id])


class CollectiveEvent(Base):
    """The history and activity of a collective: who did what, when, from which state to which."""

    __tablename__ = "collective_events"
    __table_args__ = (one_of("kind", EVENT_KINDS),)

    id: Mapped[IdPk]
    collective_id: Mapped[int] = ref("collectives", "CASCADE", index=True)
    kind: Mapped[str] = mapped_column(String(24))
    actor_id: Mapped[ActorId | None]
    #: The person the event is about (the new member, the invitee…).
    subject_id: Mapped[ActorId | None]
    request_id: Mapped[int | None] = ref("collective_join_requests", "SET NULL")
    invitation_id: Mapped[int | None] = ref("collective_invitations", "SET NULL")
    decision_id: Mapped[int | None] = ref("collective_decisions", "SET NULL")
    from_state: Mapped[StateName | None]
    to_state: Mapped[StateName | None]
    note: Mapped[Note]
    at: Mapped[Stamp] = mapped_column(index=True)

    actor: Mapped[User | None] = relationship(
        "User", foreign_keys="CollectiveEvent.actor_id", lazy="joined"
    )
    subject: Mapped[User | None] = relationship(
        "User", foreign_keys="CollectiveEvent.subject_id", lazy="joined"
    )
    decision: Mapped[Decision | None] = relationship("Decision", lazy="joined")

    if TYPE_CHECKING:
        #: Not a column: set by queries.activity_of() when the viewer may not see the subject.
        subject_hidden: bool


class Decision(Base):
    """A proposal put to the vote of the members until closes_at: one person, one vote."""

    __tablename__ = "collective_decisions"
    __table_args__ = (
        CheckConstraint(
            "quorum_percent IS NULL OR (quorum_percent >= 1 AND quorum_percent <= 100)",
            name="quorum",
        ),
    )

    id: Mapped[IdPk]
    collective_id: Mapped[int] = ref("collectives", "CASCADE", index=True)
    title: Mapped[Title]
    description: Mapped[Prose]
    closes_at: Mapped[datetime] = mapped_column(index=True)
    #: Share of the members who must vote (abstaining counts) for the result to stand.
    quorum_percent: Mapped[int | None] = mapped_column(SmallInteger)
    created_by_id: Mapped[ActorId | None]
    created_at: Mapped[Stamp]
    #: Set once, when the closing is recorded (results announced to the members).
    closed_at: Mapped[datetime | None] = mapped_column(index=True)
    #: How many members the collective had when the vote closed (the turnout's base).
    electorate: Mapped[int | None]

    created_by: Mapped[User | None] = relationship("User")
    collective: Mapped[Collective] = relationship("Collective")


class Vote(Base):
    __tablename__ = "collective_votes"
    __table_args__ = (
        UniqueConstraint("decision_id", "user_id"),
        one_of("choice", VoteChoice),
    )

    id: Mapped[IdPk]
    decision_id: Mapped[int] = ref("collective_decisions", "CASCADE", index=True)
    user_id: Mapped[UserId]
    choice: Mapped[str] = mapped_column(String(8))
    created_at: Mapped[Stamp]
    updated_at: Mapped[Stamp]


class _Written:
    """What a member writes in a collective (a comment on a proposal, a post in a thread): its
    author (None once the account is gone), its text and when it was written; after the
    columns of the row it belongs to."""

    author_id: Mapped[ActorId | None] = mapped_column(index=True)
    body: Mapped[Body]
    created_at: Mapped[Stamp]

    @declared_attr
    def author(cls) -> Mapped[User | None]:
        return relationship("User", lazy="joined")


class DecisionComment(_Written, Base):
    """A member's comment on a proposal, written while the vote is open."""

    __tablename__ = "collective_decision_comments"
    __table_args__ = (Index("ix_collective_decision_comments_decision", "decision_id", "id"),)

    id: Mapped[IdPk]
    decision_id: Mapped[int] = ref("collective_decisions", "CASCADE")


class DecisionReminder(Base):
    """A member was reminded to vote on a proposal (once per member and proposal)."""

    __tablename__ = "collective_decision_reminders"
    __table_args__ = (UniqueConstraint("decision_id", "user_id"),)

    id: Mapped[IdPk]
    decision_id: Mapped[int] = ref("collective_decisions", "CASCADE", index=True)
    user_id: Mapped[UserId]
    sent_at: Mapped[Stamp]


class ThreadMode(LabelledEnum):
    FOLLOW = "follow", _l("following")
    MUTE = "mute", _l("muted")


class Thread(Base):
    """A conversation of a collective's members: a title and posts, the first one its opening."""

    __tablename__ = "collective_threads"
    __table_args__ = (Index("ix_collective_threads_latest", "collective_id", "last_post_at", "id"),)

    id: Mapped[IdPk]
    collective_id: Mapped[int] = ref("collectives", "CASCADE")
    title: Mapped[Title]
    created_by_id: Mapped[ActorId | None] = mapped_column(index=True)
    created_at: Mapped[Stamp]
    last_post_at: Mapped[Stamp]
    post_count: Mapped[int] = mapped_column(default=0)

    created_by: Mapped[User | None] = relationship("User", lazy="joined")
    collective: Mapped[Collective] = relationship("Collective")


class Post(_Written, Base):
    """A message in a thread."""

    __tablename__ = "collective_posts"
    __table_args__ = (Index("ix_collective_posts_thread", "thread_id", "id"),)

    id: Mapped[IdPk]
    thread_id: Mapped[int] = ref("collective_threads", "CASCADE")


class ThreadFollow(Base):
    """A member follows a thread (told of each reply) or mutes it (never told)."""

    __tablename__ = "collective_thread_follows"
    __table_args__ = (
        UniqueConstraint("thread_id", "user_id"),
        one_of("mode", ThreadMode),
    )

    id: Mapped[IdPk]
    thread_id: Mapped[int] = ref("collective_threads", "CASCADE", index=True)
    user_id: Mapped[UserId]
    mode: Mapped[str] = mapped_column(String(8))
