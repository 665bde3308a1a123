"""tenders: imported public notices (BOAMP) beside the members' own tenders

Revision ID: e7b3a1c9d5f2
Revises: c4d9e1f2a7b5
Create Date: 2026-12-07 07:00:00.000000

A notice is a tender with a source (``source_name`` "boamp", ``source_id`` its idweb) and no
owner: ``owner_profile_id`` and ``deadline`` become nullable, a check keeps them required for
the members' own tenders (every existing row has both). ``notice_id`` links a team's tender
to the notice it was built from, once per member.
"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'e7b3a1c9d5f2'
down_revision = 'c4d9e1f2a7b5'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('tenders', schema=None) as batch_op:
        batch_op.add_column(sa.Column('source_name', sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column('source_id', sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column('published_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('notice_id', sa.Integer(), nullable=True))
        batch_op.alter_column('owner_profile_id', existing_type=sa.Integer(), nullable=True)
        batch_op.alter_column(
            'deadline', existing_type=sa.DateTime(timezone=True), nullable=True
        )
        batch_op.create_index(batch_op.f('ix_tenders_notice_id'), ['notice_id'], unique=False)
        batch_op.create_foreign_key(
            batch_op.f('fk_tenders_notice_id_tenders'), 'tenders', ['notice_id'], ['id'],
            ondelete='SET NULL',
        )
        batch_op.create_unique_constraint(
            batch_op.f('uq_tenders_source_name_source_id'), ['source_name', 'source_id']
        )
        batch_op.create_unique_constraint(
            batch_op.f('uq_tenders_notice_id_owner_profile_id'), ['notice_id', 'owner_profile_id']
        )
        batch_op.create_check_constraint(
            'source_name', "source_name IS NULL OR source_name IN ('boamp')"
        )
        batch_op.create_check_constraint(
            'owner_or_source',
            'source_name IS NOT NULL OR (owner_profile_id IS NOT NULL AND deadline IS NOT NULL)',
        )
        batch_op.create_check_constraint(
            'source_id', '(source_name IS NULL) = (source_id IS NULL)'
        )


def downgrade():
    # Imported notices have no owner: they cannot stay in the older schema.
    op.execute('UPDATE tenders SET notice_id = NULL')
    op.execute('DELETE FROM tenders WHERE source_name IS NOT NULL')
    with op.batch_alter_table('tenders', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_tenders_source_id'), type_='check')
        batch_op.drop_constraint(batch_op.f('ck_tenders_owner_or_source'), type_='check')
        batch_op.drop_constraint(batch_op.f('ck_tenders_source_name'), type_='check')
        batch_op.drop_constraint(batch_op.f('uq_tenders_notice_id_owner_profile_id'), type_='unique')
        batch_op.drop_constraint(batch_op.f('uq_tenders_source_name_source_id'), type_='unique')
        batch_op.drop_constraint(batch_op.f('fk_tenders_notice_id_tenders'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_tenders_notice_id'))
        batch_op.alter_column(
            'deadline', existing_type=sa.DateTime(timezone=True), nullable=False
        )
        batch_op.alter_column('owner_profile_id', existing_type=sa.Integer(), nullable=False)
        batch_op.drop_column('notice_id')
        batch_op.drop_column('published_on')
        batch_op.drop_column('source_id')
        batch_op.drop_column('source_name')
