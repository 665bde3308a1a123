"""profile_skills: suggestion_rank and the index of the best holders per competence

Revision ID: c4e8a2f6d1b9
Revises: a6c2e8f4b1d3
Create Date: 2026-12-07 13:00:00.000000

The rank of each existing holding is computed here (profiles.ranking keeps it afterwards).
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "c4e8a2f6d1b9"
down_revision = "a6c2e8f4b1d3"
branch_labels = None
depends_on = None

RANK = """
UPDATE profile_skills SET suggestion_rank = COALESCE((
    SELECT CASE WHEN users.is_active = {true} AND users.membership = 'verified'
        THEN 4 * CASE profiles.availability WHEN 'available' THEN 2 WHEN 'partial' THEN 1
                 ELSE 0 END + profile_skills.level
        ELSE 0 END
    FROM profiles JOIN users ON users.id = profiles.user_id
    WHERE profiles.id = profile_skills.profile_id), 0)
"""


def upgrade():
    with op.batch_alter_table("profile_skills", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("suggestion_rank", sa.SmallInteger(), nullable=False, server_default="12")
        )
        batch_op.create_check_constraint("suggestion_rank", "suggestion_rank BETWEEN 0 AND 12")
        batch_op.create_index(
            "ix_profile_skills_skill_rank",
            ["skill_id", "suggestion_rank", "profile_id"],
            unique=False,
        )
    true = "true" if op.get_bind().dialect.name == "postgresql" else "1"
    op.execute(RANK.format(true=true))


def downgrade():
    with op.batch_alter_table("profile_skills", schema=None) as batch_op:
        batch_op.drop_index("ix_profile_skills_skill_rank")
        batch_op.drop_constraint("suggestion_rank", type_="check")
        batch_op.drop_column("suggestion_rank")
