"""search_concepts and search_misses: the concept table's additions, the searches that found nothing

Revision ID: e1c5a9d3b7f4
Revises: d7a3c5e9b2f1
Create Date: 2026-12-07 07:00:00.000000
"""
import sqlalchemy as sa
from alembic import op

import marketplace.dbtypes

# revision identifiers, used by Alembic.
revision = 'e1c5a9d3b7f4'
down_revision = 'd7a3c5e9b2f1'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'search_concepts',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('phrase', sa.String(length=120), nullable=False),
        sa.Column('phrase_key', sa.String(length=200), nullable=False),
        sa.Column('skill', sa.String(length=120), nullable=False),
        sa.Column('skill_key', sa.String(length=120), nullable=False),
        sa.Column('created_at', marketplace.dbtypes.UTCDateTime(timezone=True), nullable=False),
        sa.Column('created_by_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ['created_by_id'], ['users.id'],
            name=op.f('fk_search_concepts_created_by_id_users'), ondelete='SET NULL',
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_search_concepts')),
        sa.UniqueConstraint(
            'phrase_key', 'skill_key', name=op.f('uq_search_concepts_phrase_key_skill_key')
        ),
    )
    op.create_table(
        'search_misses',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('day', sa.Date(), nullable=False),
        sa.Column('query', sa.String(length=200), nullable=False),
        sa.Column('count', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_search_misses')),
        sa.UniqueConstraint('day', 'query', name=op.f('uq_search_misses_day_query')),
    )
    op.create_index(op.f('ix_search_misses_day'), 'search_misses', ['day'], unique=False)


def downgrade():
    op.drop_index(op.f('ix_search_misses_day'), table_name='search_misses')
    op.drop_table('search_misses')
    op.drop_table('search_concepts')
