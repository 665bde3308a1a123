"""tenders: the kind of procedure and the applications' deadline; a VAT regime per lot; the
cotraitant a subcontractor works for

Revision ID: d7a3c5e9f1b2
Revises: d7a3c5e9b2f4
Create Date: 2026-12-07 07:00:00.000000

Existing tenders get their procedure's kind from the text of `procedure` when it names one
(MAPA, ouvert, restreint, négociation, dialogue); existing lots are at 20 % VAT (the rate the
product assumed until now); existing subcontractors work for the lead (NULL).
"""

import sqlalchemy as sa
from alembic import op

from marketplace.dbtypes import UTCDateTime

# revision identifiers, used by Alembic.
revision = "d7a3c5e9f1b2"
down_revision = "d7a3c5e9b2f4"
branch_labels = None
depends_on = None

PROCEDURE_KINDS = ("adapted", "open", "restricted", "negotiated", "competitive_dialogue", "private")
VAT_REGIMES = ("standard", "reverse_charge", "exempt")
VAT_RATES = ("20.0", "13.0", "10.0", "8.5", "5.5", "2.1", "0.9")
#: Words of the free text, first match wins (lower case, without accents that vary).
KIND_OF_TEXT = (
    ("%restreint%", "restricted"),
    ("%gociation%", "negotiated"),
    ("%dialogue%", "competitive_dialogue"),
    ("%mapa%", "adapted"),
    ("%adapt%", "adapted"),
    ("%ouvert%", "open"),
)


def _in(column, values):
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


def upgrade():
    with op.batch_alter_table("tenders", schema=None) as batch_op:
        batch_op.add_column(sa.Column("procedure_kind", sa.String(length=24), nullable=True))
        batch_op.add_column(
            sa.Column("applications_deadline", UTCDateTime(timezone=True), nullable=True)
        )
        batch_op.create_check_constraint(
            "procedure_kind",
            f"procedure_kind IS NULL OR {_in('procedure_kind', PROCEDURE_KINDS)}",
        )
    for pattern, kind in KIND_OF_TEXT:
        op.execute(
            sa.text(
                "UPDATE tenders SET procedure_kind = :kind "
                "WHERE procedure_kind IS NULL AND LOWER(procedure) LIKE :pattern"
            ).bindparams(kind=kind, pattern=pattern)
        )
    with op.batch_alter_table("tender_lots", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("vat_regime", sa.String(length=16), nullable=False, server_default="standard")
        )
        batch_op.add_column(sa.Column("vat_rate", sa.String(length=4), nullable=True))
        batch_op.create_check_constraint("vat_regime", _in("vat_regime", VAT_REGIMES))
        batch_op.create_check_constraint(
            "vat_rate",
            f"vat_rate IS NULL OR (vat_regime = 'standard' AND {_in('vat_rate', VAT_RATES)})",
        )
    op.execute("UPDATE tender_lots SET vat_rate = '20.0'")
    with op.batch_alter_table("tender_members", schema=None) as batch_op:
        batch_op.add_column(sa.Column("works_for_profile_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_tender_members_works_for_profile_id_profiles"),
            "profiles",
            ["works_for_profile_id"],
            ["id"],
            ondelete="SET NULL",
        )


def downgrade():
    with op.batch_alter_table("tender_members", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_tender_members_works_for_profile_id_profiles"), type_="foreignkey"
        )
        batch_op.drop_column("works_for_profile_id")
    with op.batch_alter_table("tender_lots", schema=None) as batch_op:
        batch_op.drop_constraint("vat_rate", type_="check")
        batch_op.drop_constraint("vat_regime", type_="check")
        batch_op.drop_column("vat_rate")
        batch_op.drop_column("vat_regime")
    with op.batch_alter_table("tenders", schema=None) as batch_op:
        batch_op.drop_constraint("procedure_kind", type_="check")
        batch_op.drop_column("applications_deadline")
        batch_op.drop_column("procedure_kind")
