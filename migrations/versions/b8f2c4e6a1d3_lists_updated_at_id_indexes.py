"""profiles and collectives: one index on (updated_at, id) for their lists' order

Revision ID: b8f2c4e6a1d3
Revises: a7e3c9d1f024
Create Date: 2026-12-01 23:00:00.000000

The lists show the latest updated first, ties broken by id. On PostgreSQL an index on
updated_at alone does not keep equal timestamps in id order, so the home page's six latest
public profiles sorted 28,000 rows at 100,000 profiles (122 ms; docs/BENCHMARKS.md).
"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'b8f2c4e6a1d3'
down_revision = 'a7e3c9d1f024'
branch_labels = None
depends_on = None


def upgrade():
    for table in ('profiles', 'collectives'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.create_index(f'ix_{table}_updated_at_id', ['updated_at', 'id'], unique=False)
            batch_op.drop_index(f'ix_{table}_updated_at')


def downgrade():
    for table in ('profiles', 'collectives'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.create_index(f'ix_{table}_updated_at', ['updated_at'], unique=False)
            batch_op.drop_index(f'ix_{table}_updated_at_id')
