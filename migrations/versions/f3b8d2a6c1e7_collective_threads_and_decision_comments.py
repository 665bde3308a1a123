"""collectives: threads and posts, follow/mute; comments, reminders and open ballots of decisions

Revision ID: f3b8d2a6c1e7
Revises: d7a3f5c1e9b2
Create Date: 2026-12-07 08:00:00.000000

Existing collectives keep secret ballots (open_ballot false): only who voted is shown.
"""

import sqlalchemy as sa
from alembic import op

from marketplace.dbtypes import UTCDateTime

# revision identifiers, used by Alembic.
revision = "f3b8d2a6c1e7"
down_revision = "d7a3f5c1e9b2"
branch_labels = None
depends_on = None


def _user(name: str, ondelete: str = "SET NULL", nullable: bool = True) -> sa.Column:
    return sa.Column(
        name,
        sa.Integer(),
        sa.ForeignKey("users.id", ondelete=ondelete),
        nullable=nullable,
    )


def upgrade():
    with op.batch_alter_table("collectives") as batch:
        batch.add_column(
            sa.Column("open_ballot", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    op.create_table(
        "collective_decision_comments",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "decision_id",
            sa.Integer(),
            sa.ForeignKey("collective_decisions.id", ondelete="CASCADE"),
            nullable=False,
        ),
        _user("author_id"),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
    )
    op.create_index(
        "ix_collective_decision_comments_decision",
        "collective_decision_comments",
        ["decision_id", "id"],
    )
    op.create_index(
        "ix_collective_decision_comments_author_id", "collective_decision_comments", ["author_id"]
    )
    op.create_table(
        "collective_decision_reminders",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "decision_id",
            sa.Integer(),
            sa.ForeignKey("collective_decisions.id", ondelete="CASCADE"),
            nullable=False,
        ),
        _user("user_id", "CASCADE", False),
        sa.Column("sent_at", UTCDateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("decision_id", "user_id"),
    )
    op.create_index(
        "ix_collective_decision_reminders_decision_id",
        "collective_decision_reminders",
        ["decision_id"],
    )
    op.create_index(
        "ix_collective_decision_reminders_user_id", "collective_decision_reminders", ["user_id"]
    )
    op.create_table(
        "collective_threads",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "collective_id",
            sa.Integer(),
            sa.ForeignKey("collectives.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("title", sa.String(200), nullable=False),
        _user("created_by_id"),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("last_post_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("post_count", sa.Integer(), nullable=False),
    )
    op.create_index(
        "ix_collective_threads_latest",
        "collective_threads",
        ["collective_id", "last_post_at", "id"],
    )
    op.create_index("ix_collective_threads_created_by_id", "collective_threads", ["created_by_id"])
    op.create_table(
        "collective_posts",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "thread_id",
            sa.Integer(),
            sa.ForeignKey("collective_threads.id", ondelete="CASCADE"),
            nullable=False,
        ),
        _user("author_id"),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_collective_posts_thread", "collective_posts", ["thread_id", "id"])
    op.create_index("ix_collective_posts_author_id", "collective_posts", ["author_id"])
    op.create_table(
        "collective_thread_follows",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "thread_id",
            sa.Integer(),
            sa.ForeignKey("collective_threads.id", ondelete="CASCADE"),
            nullable=False,
        ),
        _user("user_id", "CASCADE", False),
        sa.Column("mode", sa.String(8), nullable=False),
        sa.UniqueConstraint("thread_id", "user_id"),
        sa.CheckConstraint("mode IN ('follow', 'mute')", name="mode"),
    )
    op.create_index(
        "ix_collective_thread_follows_thread_id", "collective_thread_follows", ["thread_id"]
    )
    op.create_index(
        "ix_collective_thread_follows_user_id", "collective_thread_follows", ["user_id"]
    )


def downgrade():
    op.drop_table("collective_thread_follows")
    op.drop_table("collective_posts")
    op.drop_table("collective_threads")
    op.drop_table("collective_decision_reminders")
    op.drop_table("collective_decision_comments")
    with op.batch_alter_table("collectives") as batch:
        batch.drop_column("open_ballot")
