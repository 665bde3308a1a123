"""offers: replacement requests (kind, workload, client contact, each side's outcome)

Revision ID: a6c2e8f4b1d3
Revises: a1d5c8e3f7b9
Create Date: 2026-12-07 10:00:00.000000

Existing offers are needs for a hand (kind 'need').
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "a6c2e8f4b1d3"
down_revision = "a1d5c8e3f7b9"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("offers", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("kind", sa.String(length=12), nullable=False, server_default="need")
        )
        batch_op.add_column(
            sa.Column("workload", sa.String(length=200), nullable=False, server_default="")
        )
        batch_op.add_column(
            sa.Column("client_contact", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch_op.add_column(sa.Column("owner_outcome", sa.Boolean(), nullable=True))
        batch_op.add_column(sa.Column("replacement_outcome", sa.Boolean(), nullable=True))
        batch_op.create_check_constraint("kind", "kind IN ('need', 'replacement')")
        batch_op.create_check_constraint(
            "replacement_period",
            "kind <> 'replacement' OR (starts_on IS NOT NULL AND ends_on IS NOT NULL)",
        )
        batch_op.create_index(batch_op.f("ix_offers_kind"), ["kind"], unique=False)


def downgrade():
    with op.batch_alter_table("offers", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_offers_kind"))
        batch_op.drop_constraint("replacement_period", type_="check")
        batch_op.drop_constraint("kind", type_="check")
        batch_op.drop_column("replacement_outcome")
        batch_op.drop_column("owner_outcome")
        batch_op.drop_column("client_contact")
        batch_op.drop_column("workload")
        batch_op.drop_column("kind")
