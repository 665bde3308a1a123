"""profile_availability_periods: a profile's periods of unavailability or part-time work

Revision ID: b9d4e7a1c3f6
Revises: a7e3f9c2d5b8
Create Date: 2026-12-07 07:15:00.000000
"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'b9d4e7a1c3f6'
down_revision = 'a7e3f9c2d5b8'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'profile_availability_periods',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('profile_id', sa.Integer(), nullable=False),
        sa.Column('starts_on', sa.Date(), nullable=False),
        sa.Column('ends_on', sa.Date(), nullable=False),
        sa.Column('kind', sa.String(length=12), nullable=False),
        sa.Column('note', sa.String(length=200), nullable=False),
        sa.CheckConstraint("kind IN ('unavailable', 'part_time')", name=op.f('ck_profile_availability_periods_kind')),
        sa.CheckConstraint('ends_on >= starts_on', name=op.f('ck_profile_availability_periods_dates')),
        sa.ForeignKeyConstraint(['profile_id'], ['profiles.id'], name=op.f('fk_profile_availability_periods_profile_id_profiles'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_profile_availability_periods'))
    )
    with op.batch_alter_table('profile_availability_periods', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_profile_availability_periods_profile_id'), ['profile_id'], unique=False)


def downgrade():
    with op.batch_alter_table('profile_availability_periods', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_profile_availability_periods_profile_id'))
    op.drop_table('profile_availability_periods')
