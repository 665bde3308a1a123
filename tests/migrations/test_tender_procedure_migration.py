"""Migration d7a3c5e9f1b2: existing tenders get their procedure's kind from its text, existing
lots 20 % VAT (the rate the product assumed before lots had a VAT of their own)."""

from __future__ import annotations

from flask_migrate import upgrade
from sqlalchemy import text

from marketplace import create_app
from marketplace.extensions import db

TENDER = (
    "INSERT INTO tenders (id, title, buyer_name, buyer_kind, reference, procedure, deadline, city, "
    "description, audience, status, owner_profile_id, created_at, updated_at) VALUES (:id, 't', "
    "'b', 'public', 'r', :procedure, '2030-01-01 10:00:00', '', '', 'network', 'open', 1, "
    "'2026-01-01 10:00:00', '2026-01-01 10:00:00')"
)


def test_existing_tenders_and_lots_are_migrated(tmp_path):
    url = "sqlite:///" + str(tmp_path / "data.sqlite3")
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "migrations", "TESTING": True})
    texts = {
        1: "Procédure adaptée (MAPA)",
        2: "Appel d'offres ouvert",
        3: "Appel d'offres restreint",
        4: "Procédure avec négociation",
        5: "",
    }
    with app.app_context():
        upgrade(revision="c4d9e1f2a7b5")
        with db.engine.begin() as conn:
            conn.execute(text("PRAGMA foreign_keys=OFF"))
            for tender_id, procedure in texts.items():
                conn.execute(text(TENDER), {"id": tender_id, "procedure": procedure})
            conn.execute(
                text("INSERT INTO tender_lots (tender_id, number, title) VALUES (1, 1, 'Lot')")
            )
        upgrade()
        with db.engine.connect() as conn:
            kinds = dict(conn.execute(text("SELECT id, procedure_kind FROM tenders")).all())
            lots = conn.execute(text("SELECT vat_regime, vat_rate FROM tender_lots")).all()
        db.engine.dispose()
    assert kinds == {1: "adapted", 2: "open", 3: "restricted", 4: "negotiated", 5: None}
    assert [tuple(row) for row in lots] == [("standard", "20.0")]
