"""tender invitations in the tender's history, and the invitation a member joined by

Revision ID: b4e8c2d6f1a3
Revises: f3b8d2a6c1e7
Create Date: 2026-12-07 09:40:00.000000

An accepted invitation joins the team as an accepted application does: its moves are
``tender_events`` rows (``invitation_id`` set) and the member row names the invitation. The
invitations answered before this revision get their rows now (sent at ``created_at``, answered
at ``decided_at``, by the invitee).
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "b4e8c2d6f1a3"
down_revision = "f3b8d2a6c1e7"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("tender_events", schema=None) as batch_op:
        batch_op.add_column(sa.Column("invitation_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_tender_events_invitation_id_tender_invitations"),
            "tender_invitations",
            ["invitation_id"],
            ["id"],
            ondelete="CASCADE",
        )
    with op.batch_alter_table("tender_members", schema=None) as batch_op:
        batch_op.add_column(sa.Column("invitation_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_tender_members_invitation_id_tender_invitations"),
            "tender_invitations",
            ["invitation_id"],
            ["id"],
            ondelete="SET NULL",
        )
    op.execute(
        "INSERT INTO tender_events (tender_id, invitation_id, actor_id, from_state, to_state, at) "
        "SELECT tender_id, id, invited_by_id, NULL, 'pending', created_at "
        "FROM tender_invitations"
    )
    op.execute(
        "INSERT INTO tender_events (tender_id, invitation_id, actor_id, from_state, to_state, at) "
        "SELECT i.tender_id, i.id, p.user_id, 'pending', i.state, "
        "COALESCE(i.decided_at, i.created_at) "
        "FROM tender_invitations i JOIN profiles p ON p.id = i.invitee_profile_id "
        "WHERE i.state <> 'pending'"
    )
    op.execute(
        "UPDATE tender_members SET invitation_id = ("
        "SELECT i.id FROM tender_invitations i WHERE i.tender_id = tender_members.tender_id "
        "AND i.invitee_profile_id = tender_members.profile_id AND i.state = 'accepted') "
        "WHERE application_id IS NULL"
    )


def downgrade():
    with op.batch_alter_table("tender_members", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_tender_members_invitation_id_tender_invitations"), type_="foreignkey"
        )
        batch_op.drop_column("invitation_id")
    op.execute("DELETE FROM tender_events WHERE invitation_id IS NOT NULL")
    with op.batch_alter_table("tender_events", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_tender_events_invitation_id_tender_invitations"), type_="foreignkey"
        )
        batch_op.drop_column("invitation_id")
