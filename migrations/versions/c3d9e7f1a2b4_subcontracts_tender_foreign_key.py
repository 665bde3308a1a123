"""subcontracts.tender_id: a foreign key to tenders (SET NULL when a tender goes)

Revision ID: c3d9e7f1a2b4
Revises: b8f2c4e6a1d3
Create Date: 2026-12-07 01:00:00.000000

The column was a plain integer: the API accepted any number. Ids that name no tender are
cleared first, so the constraint can be added to an existing database.
"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'c3d9e7f1a2b4'
down_revision = 'b8f2c4e6a1d3'
branch_labels = None
depends_on = None


def upgrade():
    op.execute(
        'UPDATE subcontracts SET tender_id = NULL WHERE tender_id IS NOT NULL '
        'AND tender_id NOT IN (SELECT id FROM tenders)'
    )
    with op.batch_alter_table('subcontracts', schema=None) as batch_op:
        batch_op.create_foreign_key(
            batch_op.f('fk_subcontracts_tender_id_tenders'), 'tenders', ['tender_id'], ['id'],
            ondelete='SET NULL',
        )


def downgrade():
    with op.batch_alter_table('subcontracts', schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f('fk_subcontracts_tender_id_tenders'), type_='foreignkey'
        )
