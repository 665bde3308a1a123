"""subcontracts: internal work vs invoices (kind, VAT regime, invoice number and date); caes.siren

Revision ID: d7a3c5e9b2f4
Revises: e7b3a1c9d5f2
Create Date: 2026-12-07 07:00:00.000000

Work between two members of one CAE is one legal entity's internal split: it carries no VAT and
no invoice. Existing records are moved to the new rules:
- both parties' CAEs the same: kind 'internal', VAT rate cleared; 'invoiced' and 'paid' become
  'transferred' (a history row records the move, by nobody);
- otherwise kind 'invoice': regime 'standard' with their rate, or 'exempt' (no rate) for the
  old 0 % rate; their invoice number is unknown (NULL: it is required only to move to invoiced).
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "d7a3c5e9b2f4"
down_revision = "e7b3a1c9d5f2"
branch_labels = None
depends_on = None

OLD_STATUSES = (
    "proposed",
    "accepted",
    "declined",
    "in_progress",
    "delivered",
    "invoiced",
    "paid",
    "cancelled",
)
NEW_STATUSES = (
    "proposed",
    "accepted",
    "declined",
    "in_progress",
    "delivered",
    "invoiced",
    "paid",
    "transferred",
    "cancelled",
)
OLD_RATES = ("20.0", "10.0", "5.5", "2.1", "0.0")
NEW_RATES = ("20.0", "13.0", "10.0", "8.5", "5.5", "2.1", "0.9")
REGIMES = ("standard", "reverse_charge", "exempt")
KIND_RULES = (
    "(kind = 'internal' AND vat_regime IS NULL AND vat_rate IS NULL"
    " AND invoice_number IS NULL AND status NOT IN ('invoiced', 'paid'))"
    " OR (kind = 'invoice' AND vat_regime IS NOT NULL AND status <> 'transferred'"
    " AND ((vat_regime = 'standard') = (vat_rate IS NOT NULL)))"
)


def _in(column, values):
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


def upgrade():
    with op.batch_alter_table("caes", schema=None) as batch_op:
        batch_op.add_column(sa.Column("siren", sa.String(length=9), nullable=True))
        batch_op.create_unique_constraint(batch_op.f("uq_caes_siren"), ["siren"])

    with op.batch_alter_table("subcontracts", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("kind", sa.String(length=8), nullable=False, server_default="invoice")
        )
        batch_op.add_column(sa.Column("vat_regime", sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column("invoice_number", sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column("invoice_date", sa.Date(), nullable=True))
        batch_op.drop_constraint(batch_op.f("ck_subcontracts_vat_rate"), type_="check")
        batch_op.drop_constraint(batch_op.f("ck_subcontracts_status"), type_="check")
        batch_op.alter_column("vat_rate", existing_type=sa.String(length=4), nullable=True)

    with op.batch_alter_table("subcontract_events", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_subcontract_events_to_status"), type_="check")
        batch_op.create_check_constraint(
            batch_op.f("ck_subcontract_events_to_status"), _in("to_status", NEW_STATUSES)
        )

    same_cae = (
        "client_cae_id IS NOT NULL AND subcontractor_cae_id IS NOT NULL"
        " AND client_cae_id = subcontractor_cae_id"
    )
    # The move of internal records that reached invoiced or paid, kept in their history.
    op.execute(
        "INSERT INTO subcontract_events (subcontract_id, from_status, to_status, by_profile_id, at) "
        f"SELECT id, status, 'transferred', NULL, CURRENT_TIMESTAMP FROM subcontracts "
        f"WHERE {same_cae} AND status IN ('invoiced', 'paid')"
    )
    op.execute(
        f"UPDATE subcontracts SET kind = 'internal', vat_rate = NULL, vat_regime = NULL, "
        f"status = CASE WHEN status IN ('invoiced', 'paid') THEN 'transferred' ELSE status END "
        f"WHERE {same_cae}"
    )
    op.execute(
        "UPDATE subcontracts SET vat_regime = 'exempt', vat_rate = NULL "
        "WHERE kind = 'invoice' AND (vat_rate = '0.0' OR vat_rate IS NULL)"
    )
    op.execute(
        "UPDATE subcontracts SET vat_regime = 'standard' "
        "WHERE kind = 'invoice' AND vat_regime IS NULL"
    )

    with op.batch_alter_table("subcontracts", schema=None) as batch_op:
        batch_op.alter_column("kind", existing_type=sa.String(length=8), server_default=None)
        batch_op.create_check_constraint(
            batch_op.f("ck_subcontracts_status"), _in("status", NEW_STATUSES)
        )
        batch_op.create_check_constraint(
            batch_op.f("ck_subcontracts_vat_rate"),
            f"vat_rate IS NULL OR {_in('vat_rate', NEW_RATES)}",
        )
        batch_op.create_check_constraint(
            batch_op.f("ck_subcontracts_kind"), _in("kind", ("internal", "invoice"))
        )
        batch_op.create_check_constraint(
            batch_op.f("ck_subcontracts_vat_regime"),
            f"vat_regime IS NULL OR {_in('vat_regime', REGIMES)}",
        )
        batch_op.create_check_constraint(batch_op.f("ck_subcontracts_kind_rules"), KIND_RULES)
        batch_op.create_unique_constraint(
            batch_op.f("uq_subcontracts_subcontractor_cae_id_invoice_number"),
            ["subcontractor_cae_id", "invoice_number"],
        )


def downgrade():
    with op.batch_alter_table("subcontracts", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("uq_subcontracts_subcontractor_cae_id_invoice_number"), type_="unique"
        )
        batch_op.drop_constraint(batch_op.f("ck_subcontracts_kind_rules"), type_="check")
        batch_op.drop_constraint(batch_op.f("ck_subcontracts_vat_regime"), type_="check")
        batch_op.drop_constraint(batch_op.f("ck_subcontracts_kind"), type_="check")
        batch_op.drop_constraint(batch_op.f("ck_subcontracts_vat_rate"), type_="check")
        batch_op.drop_constraint(batch_op.f("ck_subcontracts_status"), type_="check")

    # Back to the old rules: every record carries a rate the old set knows, none is transferred.
    op.execute("UPDATE subcontracts SET status = 'paid' WHERE status = 'transferred'")
    op.execute("DELETE FROM subcontract_events WHERE to_status = 'transferred'")
    op.execute("UPDATE subcontracts SET vat_rate = '0.0' WHERE vat_rate IS NULL")
    op.execute("UPDATE subcontracts SET vat_rate = '20.0' WHERE vat_rate IN ('13.0', '8.5', '0.9')")

    with op.batch_alter_table("subcontract_events", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_subcontract_events_to_status"), type_="check")
        batch_op.create_check_constraint(
            batch_op.f("ck_subcontract_events_to_status"), _in("to_status", OLD_STATUSES)
        )

    with op.batch_alter_table("subcontracts", schema=None) as batch_op:
        batch_op.alter_column("vat_rate", existing_type=sa.String(length=4), nullable=False)
        batch_op.create_check_constraint(
            batch_op.f("ck_subcontracts_status"), _in("status", OLD_STATUSES)
        )
        batch_op.create_check_constraint(
            batch_op.f("ck_subcontracts_vat_rate"), _in("vat_rate", OLD_RATES)
        )
        batch_op.drop_column("invoice_date")
        batch_op.drop_column("invoice_number")
        batch_op.drop_column("vat_regime")
        batch_op.drop_column("kind")

    with op.batch_alter_table("caes", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_caes_siren"), type_="unique")
        batch_op.drop_column("siren")
