"""recommendations, reference_consents (references the platform verifies), and the validity
date of a profile's certifications

Revision ID: a1d5c8e3f7b9
Revises: b4e8c2d6f1a3
Create Date: 2026-12-07 09:50:00.000000
"""

import sqlalchemy as sa
from alembic import op

from marketplace.dbtypes import UTCDateTime

# revision identifiers, used by Alembic.
revision = "a1d5c8e3f7b9"
down_revision = "b4e8c2d6f1a3"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "recommendations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("subcontract_id", sa.Integer(), nullable=False),
        sa.Column("author_profile_id", sa.Integer(), nullable=False),
        sa.Column("recommended_profile_id", sa.Integer(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("hidden", sa.Boolean(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.CheckConstraint(
            "author_profile_id <> recommended_profile_id",
            name=op.f("ck_recommendations_two_people"),
        ),
        sa.ForeignKeyConstraint(
            ["author_profile_id"], ["profiles.id"],
            name=op.f("fk_recommendations_author_profile_id_profiles"), ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["recommended_profile_id"], ["profiles.id"],
            name=op.f("fk_recommendations_recommended_profile_id_profiles"), ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["subcontract_id"], ["subcontracts.id"],
            name=op.f("fk_recommendations_subcontract_id_subcontracts"), ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_recommendations")),
        sa.UniqueConstraint(
            "subcontract_id", "author_profile_id",
            name=op.f("uq_recommendations_subcontract_id_author_profile_id"),
        ),
    )  # fmt: skip
    with op.batch_alter_table("recommendations", schema=None) as batch_op:
        for column in ("subcontract_id", "author_profile_id", "recommended_profile_id"):
            batch_op.create_index(batch_op.f(f"ix_recommendations_{column}"), [column])
    op.create_table(
        "reference_consents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("profile_id", sa.Integer(), nullable=False),
        sa.Column("subcontract_id", sa.Integer(), nullable=True),
        sa.Column("tender_id", sa.Integer(), nullable=True),
        sa.Column("show_amount", sa.Boolean(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.CheckConstraint(
            "(subcontract_id IS NULL) <> (tender_id IS NULL)",
            name=op.f("ck_reference_consents_one_record"),
        ),
        sa.ForeignKeyConstraint(
            ["profile_id"], ["profiles.id"],
            name=op.f("fk_reference_consents_profile_id_profiles"), ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["subcontract_id"], ["subcontracts.id"],
            name=op.f("fk_reference_consents_subcontract_id_subcontracts"), ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["tender_id"], ["tenders.id"],
            name=op.f("fk_reference_consents_tender_id_tenders"), ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reference_consents")),
        sa.UniqueConstraint(
            "subcontract_id", "profile_id",
            name=op.f("uq_reference_consents_subcontract_id_profile_id"),
        ),
        sa.UniqueConstraint(
            "tender_id", "profile_id", name=op.f("uq_reference_consents_tender_id_profile_id")
        ),
    )  # fmt: skip
    with op.batch_alter_table("reference_consents", schema=None) as batch_op:
        for column in ("profile_id", "subcontract_id", "tender_id"):
            batch_op.create_index(batch_op.f(f"ix_reference_consents_{column}"), [column])
    with op.batch_alter_table("profile_certifications", schema=None) as batch_op:
        batch_op.add_column(sa.Column("valid_until", sa.Date(), nullable=True))


def downgrade():
    with op.batch_alter_table("profile_certifications", schema=None) as batch_op:
        batch_op.drop_column("valid_until")
    with op.batch_alter_table("reference_consents", schema=None) as batch_op:
        for column in ("profile_id", "subcontract_id", "tender_id"):
            batch_op.drop_index(batch_op.f(f"ix_reference_consents_{column}"))
    op.drop_table("reference_consents")
    with op.batch_alter_table("recommendations", schema=None) as batch_op:
        for column in ("subcontract_id", "author_profile_id", "recommended_profile_id"):
            batch_op.drop_index(batch_op.f(f"ix_recommendations_{column}"))
    op.drop_table("recommendations")
