"""conversations (participants, messages, blocks, reports) and tender invitations

Revision ID: d7a3c5e9b2f1
Revises: 41f44c7bae78
Create Date: 2026-12-07 07:00:00.000000
"""
import sqlalchemy as sa
from alembic import op

import marketplace.dbtypes

# revision identifiers, used by Alembic.
revision = 'd7a3c5e9b2f1'
down_revision = '41f44c7bae78'
branch_labels = None
depends_on = None

UTC = marketplace.dbtypes.UTCDateTime(timezone=True)


def upgrade():
    op.create_table(
        'conversations',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('subject', sa.String(length=200), nullable=False),
        sa.Column('about_type', sa.String(length=12), nullable=True),
        sa.Column('about_id', sa.Integer(), nullable=True),
        sa.Column('about_lot', sa.Integer(), nullable=True),
        sa.Column('started_by_id', sa.Integer(), nullable=True),
        sa.Column('created_at', UTC, nullable=False),
        sa.Column('last_message_at', UTC, nullable=False),
        sa.CheckConstraint(
            "about_type IS NULL OR about_type IN "
            "('profile', 'tender', 'offer', 'collective', 'subcontract')",
            name=op.f('ck_conversations_about_type'),
        ),
        sa.ForeignKeyConstraint(
            ['started_by_id'], ['users.id'],
            name=op.f('fk_conversations_started_by_id_users'), ondelete='SET NULL',
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_conversations')),
    )
    op.create_table(
        'conversation_participants',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('conversation_id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('last_message_at', UTC, nullable=False),
        sa.Column('unread', sa.Integer(), nullable=False),
        sa.Column('last_read_message_id', sa.Integer(), nullable=True),
        sa.Column('last_read_at', UTC, nullable=True),
        sa.CheckConstraint('unread >= 0', name=op.f('ck_conversation_participants_unread')),
        sa.ForeignKeyConstraint(
            ['conversation_id'], ['conversations.id'],
            name=op.f('fk_conversation_participants_conversation_id_conversations'),
            ondelete='CASCADE',
        ),
        sa.ForeignKeyConstraint(
            ['user_id'], ['users.id'],
            name=op.f('fk_conversation_participants_user_id_users'), ondelete='CASCADE',
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_conversation_participants')),
        sa.UniqueConstraint(
            'conversation_id', 'user_id',
            name=op.f('uq_conversation_participants_conversation_id_user_id'),
        ),
    )
    op.create_index(
        op.f('ix_conversation_participants_conversation_id'),
        'conversation_participants', ['conversation_id'],
    )
    op.create_index(
        'ix_conversation_participants_inbox',
        'conversation_participants', ['user_id', 'last_message_at'],
    )
    op.create_index(
        'ix_conversation_participants_unread', 'conversation_participants', ['user_id', 'unread']
    )
    op.create_table(
        'messages',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('conversation_id', sa.Integer(), nullable=False),
        sa.Column('author_id', sa.Integer(), nullable=True),
        sa.Column('body', sa.Text(), nullable=False),
        sa.Column('sent_at', UTC, nullable=False),
        sa.ForeignKeyConstraint(
            ['author_id'], ['users.id'],
            name=op.f('fk_messages_author_id_users'), ondelete='SET NULL',
        ),
        sa.ForeignKeyConstraint(
            ['conversation_id'], ['conversations.id'],
            name=op.f('fk_messages_conversation_id_conversations'), ondelete='CASCADE',
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_messages')),
    )
    op.create_index(op.f('ix_messages_author_id'), 'messages', ['author_id'])
    op.create_index('ix_messages_conversation_id_id', 'messages', ['conversation_id', 'id'])
    op.create_table(
        'conversation_blocks',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('blocker_id', sa.Integer(), nullable=False),
        sa.Column('blocked_id', sa.Integer(), nullable=False),
        sa.Column('conversation_id', sa.Integer(), nullable=True),
        sa.Column('created_at', UTC, nullable=False),
        sa.ForeignKeyConstraint(
            ['blocked_id'], ['users.id'],
            name=op.f('fk_conversation_blocks_blocked_id_users'), ondelete='CASCADE',
        ),
        sa.ForeignKeyConstraint(
            ['blocker_id'], ['users.id'],
            name=op.f('fk_conversation_blocks_blocker_id_users'), ondelete='CASCADE',
        ),
        sa.ForeignKeyConstraint(
            ['conversation_id'], ['conversations.id'],
            name=op.f('fk_conversation_blocks_conversation_id_conversations'),
            ondelete='SET NULL',
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_conversation_blocks')),
        sa.UniqueConstraint(
            'blocker_id', 'blocked_id', name=op.f('uq_conversation_blocks_blocker_id_blocked_id')
        ),
    )
    op.create_index(
        op.f('ix_conversation_blocks_blocked_id'), 'conversation_blocks', ['blocked_id']
    )
    op.create_table(
        'message_reports',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('message_id', sa.Integer(), nullable=False),
        sa.Column('reporter_id', sa.Integer(), nullable=True),
        sa.Column('reason', sa.String(length=1000), nullable=False),
        sa.Column('state', sa.String(length=8), nullable=False),
        sa.Column('created_at', UTC, nullable=False),
        sa.Column('reviewed_at', UTC, nullable=True),
        sa.Column('reviewed_by_id', sa.Integer(), nullable=True),
        sa.CheckConstraint("state IN ('open', 'closed')", name=op.f('ck_message_reports_state')),
        sa.ForeignKeyConstraint(
            ['message_id'], ['messages.id'],
            name=op.f('fk_message_reports_message_id_messages'), ondelete='CASCADE',
        ),
        sa.ForeignKeyConstraint(
            ['reporter_id'], ['users.id'],
            name=op.f('fk_message_reports_reporter_id_users'), ondelete='SET NULL',
        ),
        sa.ForeignKeyConstraint(
            ['reviewed_by_id'], ['users.id'],
            name=op.f('fk_message_reports_reviewed_by_id_users'), ondelete='SET NULL',
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_message_reports')),
        sa.UniqueConstraint(
            'message_id', 'reporter_id', name=op.f('uq_message_reports_message_id_reporter_id')
        ),
    )
    op.create_index(op.f('ix_message_reports_message_id'), 'message_reports', ['message_id'])
    op.create_index(op.f('ix_message_reports_state'), 'message_reports', ['state'])
    op.create_table(
        'tender_invitations',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('tender_id', sa.Integer(), nullable=False),
        sa.Column('invitee_profile_id', sa.Integer(), nullable=False),
        sa.Column('invited_by_id', sa.Integer(), nullable=True),
        sa.Column('role', sa.String(length=16), nullable=False),
        sa.Column('message', sa.Text(), nullable=False),
        sa.Column('state', sa.String(length=10), nullable=False),
        sa.Column('created_at', UTC, nullable=False),
        sa.Column('decided_at', UTC, nullable=True),
        sa.CheckConstraint(
            "role IN ('cotraitant', 'subcontractor')", name=op.f('ck_tender_invitations_role')
        ),
        sa.CheckConstraint(
            "state IN ('pending', 'accepted', 'declined')",
            name=op.f('ck_tender_invitations_state'),
        ),
        sa.ForeignKeyConstraint(
            ['invited_by_id'], ['users.id'],
            name=op.f('fk_tender_invitations_invited_by_id_users'), ondelete='SET NULL',
        ),
        sa.ForeignKeyConstraint(
            ['invitee_profile_id'], ['profiles.id'],
            name=op.f('fk_tender_invitations_invitee_profile_id_profiles'), ondelete='CASCADE',
        ),
        sa.ForeignKeyConstraint(
            ['tender_id'], ['tenders.id'],
            name=op.f('fk_tender_invitations_tender_id_tenders'), ondelete='CASCADE',
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_tender_invitations')),
        sa.UniqueConstraint(
            'tender_id', 'invitee_profile_id', name=op.f('uq_tender_invitations_tender_id_invitee_profile_id')
        ),
    )
    op.create_index(
        op.f('ix_tender_invitations_invitee_profile_id'),
        'tender_invitations', ['invitee_profile_id'],
    )
    op.create_index(op.f('ix_tender_invitations_tender_id'), 'tender_invitations', ['tender_id'])
    op.create_table(
        'tender_invitation_lots',
        sa.Column('invitation_id', sa.Integer(), nullable=False),
        sa.Column('lot_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ['invitation_id'], ['tender_invitations.id'],
            name=op.f('fk_tender_invitation_lots_invitation_id_tender_invitations'),
            ondelete='CASCADE',
        ),
        sa.ForeignKeyConstraint(
            ['lot_id'], ['tender_lots.id'],
            name=op.f('fk_tender_invitation_lots_lot_id_tender_lots'), ondelete='CASCADE',
        ),
        sa.PrimaryKeyConstraint(
            'invitation_id', 'lot_id', name=op.f('pk_tender_invitation_lots')
        ),
    )


def downgrade():
    op.drop_table('tender_invitation_lots')
    op.drop_index(op.f('ix_tender_invitations_tender_id'), table_name='tender_invitations')
    op.drop_index(
        op.f('ix_tender_invitations_invitee_profile_id'), table_name='tender_invitations'
    )
    op.drop_table('tender_invitations')
    op.drop_index(op.f('ix_message_reports_state'), table_name='message_reports')
    op.drop_index(op.f('ix_message_reports_message_id'), table_name='message_reports')
    op.drop_table('message_reports')
    op.drop_index(op.f('ix_conversation_blocks_blocked_id'), table_name='conversation_blocks')
    op.drop_table('conversation_blocks')
    op.drop_index('ix_messages_conversation_id_id', table_name='messages')
    op.drop_index(op.f('ix_messages_author_id'), table_name='messages')
    op.drop_table('messages')
    op.drop_index('ix_conversation_participants_unread', table_name='conversation_participants')
    op.drop_index('ix_conversation_participants_inbox', table_name='conversation_participants')
    op.drop_index(
        op.f('ix_conversation_participants_conversation_id'),
        table_name='conversation_participants',
    )
    op.drop_table('conversation_participants')
    op.drop_table('conversations')
