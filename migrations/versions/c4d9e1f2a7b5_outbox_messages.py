"""outbox_messages: e-mail written in the request's transaction, delivered by `flask jobs run`

Revision ID: c4d9e1f2a7b5
Revises: c4d9e2f7a8b1
Create Date: 2026-12-07 01:00:00.000000
"""
import sqlalchemy as sa
from alembic import op

import marketplace.dbtypes

# revision identifiers, used by Alembic.
revision = 'c4d9e1f2a7b5'
down_revision = 'c4d9e2f7a8b1'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'outbox_messages',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('recipient', sa.String(length=320), nullable=False),
        sa.Column('subject', sa.String(length=500), nullable=False),
        sa.Column('body', sa.Text(), nullable=False),
        sa.Column('message_id', sa.String(length=250), nullable=False),
        sa.Column('status', sa.String(length=10), nullable=False),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('next_attempt_at', marketplace.dbtypes.UTCDateTime(timezone=True), nullable=False),
        sa.Column('locked_until', marketplace.dbtypes.UTCDateTime(timezone=True), nullable=True),
        sa.Column('claimed_by', sa.String(length=100), nullable=True),
        sa.Column('last_error', sa.String(length=1000), nullable=True),
        sa.Column('created_at', marketplace.dbtypes.UTCDateTime(timezone=True), nullable=False),
        sa.Column('sent_at', marketplace.dbtypes.UTCDateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "status IN ('queued', 'sending', 'sent', 'failed')",
            name=op.f('ck_outbox_messages_status'),
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_outbox_messages')),
        sa.UniqueConstraint('message_id', name=op.f('uq_outbox_messages_message_id')),
    )
    op.create_index('ix_outbox_messages_due', 'outbox_messages', ['status', 'next_attempt_at'])


def downgrade():
    op.drop_index('ix_outbox_messages_due', table_name='outbox_messages')
    op.drop_table('outbox_messages')
