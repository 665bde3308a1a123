"""The migration to internal work and invoices moves existing records to the new rules."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import MetaData, Table, insert, text
from sqlalchemy.exc import IntegrityError

from marketplace import create_app
from marketplace.extensions import db
from tests.migrations.test_migrations import _fresh_database_urls

BEFORE = "c4d9e1f2a7b5"
AFTER = "d7a3c5e9b2f4"


def _insert(conn, table_name: str, /, **values) -> None:
    """A row of the table as it stands at this revision, its other required columns filled."""
    table = Table(table_name, MetaData(), autoload_with=conn)
    for column in table.columns:
        if column.name in values or column.nullable or column.server_default is not None:
            continue
        if column.primary_key:
            continue
        python = column.type.python_type
        filler = {
            str: "x",
            int: 0,
            bool: True,
            date: date(2026, 3, 2),
            datetime: datetime(2026, 3, 2, tzinfo=UTC),
        }
        values[column.name] = filler.get(python, "x")
    conn.execute(insert(table).values(**values))


def _seed(conn) -> None:
    """Two CAEs, three people, and records as the old rules wrote them."""
    _insert(conn, "caes", id=1, name="Lyon", department="69")
    _insert(conn, "caes", id=2, name="Nantes", department="44")
    for uid, cae in ((1, 1), (2, 1), (3, 2)):
        _insert(conn, "users", id=uid, email=f"u{uid}@x.fr", cae_id=cae, role="member",
                membership="verified", session_token=f"t{uid}")  # fmt: skip
        _insert(conn, "profiles", id=uid, user_id=uid, status="employee",
                availability="available", audience="network")  # fmt: skip
    rows = [
        # id, client, sub, client CAE, sub CAE, rate, status
        (1, 1, 2, 1, 1, "20.0", "paid"),
        (2, 1, 2, 1, 1, "5.5", "in_progress"),
        (3, 1, 3, 1, 2, "10.0", "invoiced"),
        (4, 3, 1, 2, 1, "0.0", "delivered"),
    ]
    for rid, client, sub, ccae, scae, rate, status in rows:
        _insert(conn, "subcontracts", id=rid, client_profile_id=client,
                subcontractor_profile_id=sub, client_cae_id=ccae, subcontractor_cae_id=scae,
                title="T", amount_cents=1000, vat_rate=rate, status=status)  # fmt: skip
        _insert(conn, "subcontract_events", subcontract_id=rid, to_status="proposed")


def test_existing_records_become_internal_or_invoices(tmp_path):
    for url in _fresh_database_urls(tmp_path):
        app = create_app({"DATABASE_URL": url, "SECRET_KEY": "migrations", "TESTING": True})
        with app.app_context():
            upgrade(revision=BEFORE)
            with db.engine.begin() as conn:
                _seed(conn)
            upgrade(revision=AFTER)
            with db.engine.connect() as conn:
                rows = conn.execute(text(
                    "SELECT id, kind, vat_regime, vat_rate, status, invoice_number "
                    "FROM subcontracts ORDER BY id"
                )).all()  # fmt: skip
                moves = conn.execute(text(
                    "SELECT from_status, to_status FROM subcontract_events "
                    "WHERE subcontract_id = 1 ORDER BY id"
                )).all()  # fmt: skip
            assert [tuple(r) for r in rows] == [
                (1, "internal", None, None, "transferred", None),
                (2, "internal", None, None, "in_progress", None),
                (3, "invoice", "standard", "10.0", "invoiced", None),
                (4, "invoice", "exempt", None, "delivered", None),
            ]
            assert [tuple(m) for m in moves] == [(None, "proposed"), ("paid", "transferred")]
            # The database itself refuses VAT on internal work and a transferred invoice.
            for change in (
                "UPDATE subcontracts SET vat_rate = '20.0' WHERE id = 2",
                "UPDATE subcontracts SET status = 'transferred' WHERE id = 3",
                "UPDATE subcontracts SET vat_rate = NULL WHERE id = 3",
            ):
                with pytest.raises(IntegrityError), db.engine.begin() as conn:
                    conn.execute(text(change))
            downgrade(revision=BEFORE)
            with db.engine.connect() as conn:
                back = conn.execute(
                    text("SELECT id, vat_rate, status FROM subcontracts ORDER BY id")
                ).all()
            assert tuple(back[0]) == (1, "0.0", "paid")
            downgrade(revision="base")
            db.engine.dispose()
