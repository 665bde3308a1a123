"""health_probes: the table /healthz writes to (in a savepoint, always rolled back)

Revision ID: c4d9e2f7a8b1
Revises: c3d9e7f1a2b4
Create Date: 2026-12-07 01:10:00.000000

A node whose database answers reads but refuses writes (a read-only file, a full disk, a
standby) must answer 503 to the load balancer: the health check inserts one row here and rolls
it back (marketplace/health.py).
"""
import sqlalchemy as sa
from alembic import op

from marketplace.dbtypes import UTCDateTime

# revision identifiers, used by Alembic.
revision = 'c4d9e2f7a8b1'
down_revision = 'c3d9e7f1a2b4'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'health_probes',
        sa.Column('id', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('checked_at', UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_health_probes')),
    )


def downgrade():
    op.drop_table('health_probes')
