"""places and alerts: coordinates of profiles, offers and tenders; alerts, match jobs, notices

Revision ID: d7a3f5c1e9b2
Revises: c5e8a2b4d7f9
Create Date: 2026-12-07 07:00:00.000000
"""

import sqlalchemy as sa
from alembic import op

import marketplace.dbtypes

# revision identifiers, used by Alembic.
revision = "d7a3f5c1e9b2"
down_revision = "c5e8a2b4d7f9"
branch_labels = None
depends_on = None

LOCATED = ("profiles", "offers", "tenders")


def _backfill(table):
    """The centre of each existing row's city (the same rule as on every write)."""
    from marketplace.places.gazetteer import locate

    bind = op.get_bind()
    rows = bind.execute(sa.text(f"SELECT id, city, department FROM {table}")).all()
    update = sa.text(f"UPDATE {table} SET latitude = :lat, longitude = :lon WHERE id = :id")
    values = []
    for row_id, city, department in rows:
        point = locate(city, department)
        if point is not None:
            values.append({"id": row_id, "lat": point[0], "lon": point[1]})
    for start in range(0, len(values), 1000):
        bind.execute(update, values[start : start + 1000])


def upgrade():
    for table in LOCATED:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column("latitude", sa.Float(), nullable=True))
            batch_op.add_column(sa.Column("longitude", sa.Float(), nullable=True))
            batch_op.create_index(batch_op.f(f"ix_{table}_latitude"), ["latitude"], unique=False)
        _backfill(table)

    op.create_table(
        "alerts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("q", sa.String(length=200), nullable=False),
        sa.Column("skill", sa.String(length=120), nullable=False),
        sa.Column("department", sa.String(length=3), nullable=True),
        sa.Column("near", sa.String(length=120), nullable=False),
        sa.Column("radius_km", sa.SmallInteger(), nullable=False),
        sa.Column("latitude", sa.Float(), nullable=True),
        sa.Column("longitude", sa.Float(), nullable=True),
        sa.Column("frequency", sa.String(length=8), nullable=False),
        sa.Column("created_at", marketplace.dbtypes.UTCDateTime(timezone=True), nullable=False),
        sa.Column("digest_sent_at", marketplace.dbtypes.UTCDateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "kind IN ('profiles', 'offers', 'tenders')", name=op.f("ck_alerts_kind")
        ),
        sa.CheckConstraint(
            "frequency IN ('instant', 'daily', 'weekly')", name=op.f("ck_alerts_frequency")
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_alerts_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_alerts")),
    )
    with op.batch_alter_table("alerts", schema=None) as batch_op:
        batch_op.create_index("ix_alerts_kind_id", ["kind", "id"], unique=False)
        batch_op.create_index(batch_op.f("ix_alerts_user_id"), ["user_id"], unique=False)

    op.create_table(
        "match_jobs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("object_type", sa.String(length=8), nullable=False),
        sa.Column("object_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=8), nullable=False),
        sa.Column("created_at", marketplace.dbtypes.UTCDateTime(timezone=True), nullable=False),
        sa.Column("done_at", marketplace.dbtypes.UTCDateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "object_type IN ('profile', 'offer', 'tender')", name=op.f("ck_match_jobs_object_type")
        ),
        sa.CheckConstraint("status IN ('queued', 'done')", name=op.f("ck_match_jobs_status")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_match_jobs")),
    )
    with op.batch_alter_table("match_jobs", schema=None) as batch_op:
        batch_op.create_index("ix_match_jobs_status_id", ["status", "id"], unique=False)

    op.create_table(
        "match_notices",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("object_type", sa.String(length=8), nullable=False),
        sa.Column("object_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("alert_id", sa.Integer(), nullable=True),
        sa.Column("reason", sa.String(length=10), nullable=False),
        sa.Column("created_at", marketplace.dbtypes.UTCDateTime(timezone=True), nullable=False),
        sa.Column("notified_at", marketplace.dbtypes.UTCDateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "object_type IN ('profile', 'offer', 'tender')",
            name=op.f("ck_match_notices_object_type"),
        ),
        sa.CheckConstraint(
            "reason IN ('alert', 'suggestion')", name=op.f("ck_match_notices_reason")
        ),
        sa.ForeignKeyConstraint(
            ["alert_id"],
            ["alerts.id"],
            name=op.f("fk_match_notices_alert_id_alerts"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_match_notices_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_match_notices")),
        sa.UniqueConstraint(
            "user_id", "object_type", "object_id", name=op.f("uq_match_notices_user_id_object_type_object_id")
        ),
    )
    with op.batch_alter_table("match_notices", schema=None) as batch_op:
        batch_op.create_index("ix_match_notices_alert_id_id", ["alert_id", "id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_match_notices_created_at"), ["created_at"], unique=False
        )

    op.create_table(
        "alert_settings",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("suggestions", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_alert_settings_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_alert_settings")),
    )


def downgrade():
    op.drop_table("alert_settings")
    with op.batch_alter_table("match_notices", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_match_notices_created_at"))
        batch_op.drop_index("ix_match_notices_alert_id_id")
    op.drop_table("match_notices")
    with op.batch_alter_table("match_jobs", schema=None) as batch_op:
        batch_op.drop_index("ix_match_jobs_status_id")
    op.drop_table("match_jobs")
    with op.batch_alter_table("alerts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_alerts_user_id"))
        batch_op.drop_index("ix_alerts_kind_id")
    op.drop_table("alerts")
    for table in reversed(LOCATED):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_index(batch_op.f(f"ix_{table}_latitude"))
            batch_op.drop_column("longitude")
            batch_op.drop_column("latitude")
