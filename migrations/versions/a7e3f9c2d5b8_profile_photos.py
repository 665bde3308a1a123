"""profiles.photo_version: the current profile photo (its files live in the media storage)

Revision ID: a7e3f9c2d5b8
Revises: e1c5a9d3b7f4
Create Date: 2026-12-07 06:50:00.000000
"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'a7e3f9c2d5b8'
down_revision = 'e1c5a9d3b7f4'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('profiles', schema=None) as batch_op:
        batch_op.add_column(sa.Column('photo_version', sa.String(length=24), nullable=True))


def downgrade():
    with op.batch_alter_table('profiles', schema=None) as batch_op:
        batch_op.drop_column('photo_version')
