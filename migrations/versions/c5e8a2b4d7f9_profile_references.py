"""profile_references: past work a member writes about (title, client type, year, description, link)

Revision ID: c5e8a2b4d7f9
Revises: b9d4e7a1c3f6
Create Date: 2026-12-07 07:30:00.000000
"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'c5e8a2b4d7f9'
down_revision = 'b9d4e7a1c3f6'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'profile_references',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('profile_id', sa.Integer(), nullable=False),
        sa.Column('position', sa.SmallInteger(), nullable=False),
        sa.Column('title', sa.String(length=160), nullable=False),
        sa.Column('client_type', sa.String(length=12), nullable=False),
        sa.Column('year', sa.SmallInteger(), nullable=False),
        sa.Column('description', sa.Text(), nullable=False),
        sa.Column('link', sa.String(length=500), nullable=True),
        sa.CheckConstraint("client_type IN ('public', 'company', 'association', 'individual')", name=op.f('ck_profile_references_client_type')),
        sa.CheckConstraint('year BETWEEN 1950 AND 2100', name=op.f('ck_profile_references_year')),
        sa.ForeignKeyConstraint(['profile_id'], ['profiles.id'], name=op.f('fk_profile_references_profile_id_profiles'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_profile_references'))
    )
    with op.batch_alter_table('profile_references', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_profile_references_profile_id'), ['profile_id'], unique=False)


def downgrade():
    with op.batch_alter_table('profile_references', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_profile_references_profile_id'))
    op.drop_table('profile_references')
