"""tender members: index on profile_id (a CAE's figures look teams up by person)

Revision ID: a7e3c9d1f024
Revises: 604bd6aff3f8
Create Date: 2026-12-01 20:15:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'a7e3c9d1f024'
down_revision = '604bd6aff3f8'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('tender_members', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_tender_members_profile_id'), ['profile_id'], unique=False)


def downgrade():
    with op.batch_alter_table('tender_members', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_tender_members_profile_id'))
