"""Importing BOAMP notices from the command line: `flask tenders import-boamp FILE`.

The sample in tests/data/boamp/ is written for these tests in BOAMP's open-data format (see its
README): older and eForms notices, fields as strings or lists, lots or none, dates with or
without offset, no deadline, and bad records.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select

from marketplace.extensions import db
from marketplace.tenders.boamp import BadRecord, SkillMap, parse_record, values_of
from marketplace.tenders.boamp_import import import_records
from marketplace.tenders.models import Tender, TenderEvent

SAMPLE = Path(__file__).parent.parent / "data" / "boamp"
RECORDS = str(SAMPLE / "records.json")
UPDATES = str(SAMPLE / "updates.json")


def run(app, *args):
    return app.test_cli_runner().invoke(args=["tenders", *args])


def notice(idweb: str) -> Tender:
    db.session.expire_all()
    return db.session.scalars(select(Tender).where(Tender.source_id == idweb)).one()


def notices() -> int:
    return db.session.scalar(select(func.count(Tender.id)).where(Tender.source_name == "boamp"))


def test_import_prints_counts_and_reports_bad_records_by_idweb(app):
    result = run(app, "import-boamp", RECORDS)
    assert result.exit_code == 0, result.output
    assert "5 créé(s), 0 mis à jour, 0 fermé(s), 1 ignoré(s), 3 en erreur" in result.stdout
    for idweb in ("26-10007", "26-10008", "26-10009"):
        assert f"idweb {idweb}" in result.stderr
    assert "donnees" in result.stderr and "objet" in result.stderr
    assert notices() == 5  # the award (26-10006) and the bad records are not written
    assert (
        db.session.scalar(select(Tender).where(Tender.source_id.in_(["26-10006", "26-10007"])))
        is None
    )


def test_older_format_with_two_lots_and_an_offset(app):
    run(app, "import-boamp", RECORDS)
    t = notice("26-10001")
    assert t.owner is None and t.owner_profile_id is None
    assert (t.source_name, t.status, t.audience) == ("boamp", "open", "network")
    assert t.title == "Rénovation du groupe scolaire Jean-Moulin"
    assert t.buyer_name == "Ville de Villeurbanne" and t.buyer_kind == "public"
    assert t.reference == "2026-VLB-017"
    assert t.department == "69" and t.procedure == "Procédure adaptée"
    assert t.deadline == datetime(2031, 3, 15, 11, 0, tzinfo=UTC)  # 12:00 at +01:00
    assert t.published_on == date(2026, 12, 1)
    assert t.source_url.startswith("https://www.boamp.fr/")
    assert [(lot.number, lot.title) for lot in t.lots] == [
        (1, "Chauffage - pompe à chaleur"),
        (2, "Plomberie sanitaire"),
    ]
    # CPV codes map to competences through the federation's table (longest prefix).
    assert t.lots[0].skill_names == ["Chauffage", "Pompe à chaleur"]
    assert t.lots[1].skill_names == ["Plomberie"]
    assert "pompe à chaleur" in t.description and "travaux" in t.description


def test_eforms_lots_lists_and_a_deadline_without_offset(app):
    run(app, "import-boamp", RECORDS)
    t = notice("26-10002")
    assert t.department == "92"  # the first of a list
    assert t.reference == "DSI-2026-88"
    assert t.deadline == datetime(2031, 4, 1, 15, 0, tzinfo=UTC)  # 17:00 Paris (summer time)
    assert [(lot.number, lot.title) for lot in t.lots] == [
        (1, "Formation des agents"),
        (2, "Développement du portail"),
    ]
    assert t.lots[0].skill_names == ["Formation professionnelle"]
    assert t.lots[1].skill_names == ["Développement web", "Webdesign"]


def test_no_lots_a_date_alone_no_deadline_and_a_lot_object(app):
    run(app, "import-boamp", RECORDS)
    no_lots = notice("26-10003")
    assert no_lots.department == "2A"
    assert no_lots.deadline == datetime(2031, 5, 20, 10, 0, tzinfo=UTC)  # noon, Paris
    # A notice without lots is one lot, itself, with the descriptors' competences.
    assert [(lot.number, lot.title) for lot in no_lots.lots] == [(1, no_lots.title)]
    assert no_lots.lots[0].skill_names == ["Aménagement paysager", "Entretien d'espaces verts"]
    missing = notice("26-10004")
    assert missing.deadline is None and missing.department == "03"
    assert missing.lots[0].skill_names == ["Audit énergétique"]
    assert missing.source_url == "https://www.boamp.fr/pages/avis/?q=idweb:26-10004"
    object_lot = notice("26-10005")
    assert object_lot.deadline == datetime(2031, 6, 30, 10, 0, tzinfo=UTC)  # from donnees
    assert [lot.title for lot in object_lot.lots] == ["Isolation thermique par l'extérieur"]
    assert object_lot.lots[0].skill_names == ["Isolation thermique"]


def test_reimport_is_idempotent_and_later_notices_update_and_close(app):
    run(app, "import-boamp", RECORDS)
    first = notice("26-10001")
    lot_ids = [lot.id for lot in first.lots]
    again = run(app, "import-boamp", RECORDS)
    assert "0 créé(s), 5 mis à jour, 0 fermé(s)" in again.stdout
    assert notices() == 5
    assert [lot.id for lot in notice("26-10001").lots] == lot_ids  # lots kept, by number

    result = run(app, "import-boamp", UPDATES)
    assert result.exit_code == 0, result.output
    assert "1 créé(s), 2 mis à jour, 2 fermé(s), 0 ignoré(s), 0 en erreur" in result.stdout
    assert notice("26-10001").deadline == datetime(2031, 3, 22, 11, 0, tzinfo=UTC)
    corrected = notice("26-10002")  # the corrective notice 26-20001 names it in annonce_lie
    assert corrected.deadline == datetime(2031, 4, 15, 15, 0, tzinfo=UTC)
    assert corrected.title == "Formation au numérique et développement d'un portail"
    assert len(corrected.lots) == 2
    assert notice("26-10003").status == "cancelled"  # etat AVIS_ANNULE
    assert notice("26-10005").status == "cancelled"  # named by a cancellation notice
    assert db.session.scalar(select(Tender).where(Tender.source_id == "26-20001")) is None
    assert notice("26-20003").lots[0].skill_names == ["Graphisme", "Identité visuelle"]
    history = db.session.scalars(
        select(TenderEvent.to_state).where(TenderEvent.tender_id == notice("26-10003").id)
    ).all()
    assert history == ["open", "cancelled"]
    closed_again = run(app, "import-boamp", UPDATES)
    assert "0 fermé(s)" in closed_again.stdout  # a closed notice stays closed, counted once


def test_a_record_that_fails_in_the_database_leaves_nothing(app, monkeypatch):
    """One savepoint per record: the failing one is rolled back whole, the others kept."""
    records = json.loads(Path(RECORDS).read_text())["results"][:2]
    from marketplace.tenders import boamp_import

    original = boamp_import._Importer._set_lots

    def failing(self, tender, notice):
        original(self, tender, notice)
        if notice.idweb == "26-10002":
            tender.title = None  # NOT NULL: the flush fails after the lots were added

    monkeypatch.setattr(boamp_import._Importer, "_set_lots", failing)
    report = import_records(records)
    db.session.commit()
    assert (report.created, [i for i, _m in report.errors]) == (1, ["26-10002"])
    assert notices() == 1 and notice("26-10001").lots


def test_unreadable_file_is_refused(app, tmp_path):
    path = tmp_path / "x.json"
    path.write_text('{"results": 3}')
    result = run(app, "import-boamp", str(path))
    assert result.exit_code == 1 and "export BOAMP" in result.stderr
    path.write_text("not json")
    assert run(app, "import-boamp", str(path)).exit_code == 1


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (None, []),
        ("69", ["69"]),
        (["69", " 01 "], ["69", "01"]),
        ('["75", "92"]', ["75", "92"]),
        (75, ["75"]),
        ([{"#text": "Plomberie"}, ""], ["Plomberie"]),
    ],
)
def test_multi_valued_fields_come_in_every_shape(raw, expected):
    assert values_of(raw) == expected


def test_bad_records_name_their_idweb():
    with pytest.raises(BadRecord) as raised:
        parse_record({"objet": "x"}, 4)
    assert raised.value.idweb == "#4"
    with pytest.raises(BadRecord) as raised:
        parse_record("text", 2)
    assert raised.value.idweb == "#2"
    with pytest.raises(BadRecord) as raised:
        parse_record({"idweb": "26-1", "objet": "x", "dateparution": "hier"}, 1)
    assert raised.value.idweb == "26-1" and "dateparution" in raised.value.message


def test_the_federation_may_point_to_its_own_table(app, tmp_path):
    table = tmp_path / "skills.json"
    table.write_text(json.dumps({"descriptors": {"Plomberie": ["Plombier·e chauffagiste"]}}))
    record = json.loads(Path(RECORDS).read_text())["results"][0]
    record["donnees"] = None
    import_records([record], SkillMap.load(str(table)))
    assert notice("26-10001").lots[0].skill_names == ["Plombier·e chauffagiste"]
    app.config["BOAMP_SKILLS_FILE"] = str(table)
    record["idweb"] = "26-10099"
    path = tmp_path / "one.json"
    path.write_text(json.dumps([record]))
    assert run(app, "import-boamp", str(path)).exit_code == 0
    assert notice("26-10099").lots[0].skill_names == ["Plombier·e chauffagiste"]


def test_cancellations_said_by_label_or_state_close_what_they_name(app):
    records = json.loads(Path(RECORDS).read_text())["results"][:3]
    import_records(records)
    report = import_records([
        {"idweb": "26-30001", "objet": "Annulation", "nomacheteur": "Ville",
         "nature_libelle": "Avis d'annulation", "annonce_lie": "26-10001"},
        {"idweb": "26-30002", "objet": "Avis annulé", "nomacheteur": "Ville",
         "nature": "APPEL_OFFRE", "etat": "AVIS_ANNULE", "annonce_lie": ["26-10002"]},
        {"idweb": "26-30003", "objet": "Résultat", "nomacheteur": "Ville",
         "nature_libelle": "Résultat de marché", "annonce_lie": ["26-10003"]},
    ])  # fmt: skip
    db.session.commit()
    assert (report.created, report.closed, report.ignored) == (0, 2, 1)
    assert [notice(i).status for i in ("26-10001", "26-10002", "26-10003")] == [
        "cancelled",
        "cancelled",
        "open",
    ]


def test_a_competence_named_by_a_descriptor_and_a_cpv_code_is_held_once(app):
    """« Site internet » and CPV 72413 both give Développement web and Webdesign: the lot holds
    each once (the import failed on the lot's unique pair before)."""
    report = import_records([{
        "idweb": "26-40001", "objet": "Refonte du site internet", "nomacheteur": "Ville",
        "descripteur_libelle": ["Site internet"],
        "donnees": json.dumps({"OBJET": {"CPV": {"PRINCIPAL": "72413000-8"}}}),
    }])  # fmt: skip
    db.session.commit()
    assert report.errors == [] and report.created == 1
    assert sorted(notice("26-40001").lots[0].skill_names) == ["Développement web", "Webdesign"]


def test_a_notice_and_its_cancellation_in_one_file_keep_their_history_in_order(app):
    """The first history rows of new notices are written in one statement after the flush: a
    cancellation in the same file still comes after the notice's « open »."""
    records = json.loads(Path(RECORDS).read_text())["results"][:2]
    records.append({"idweb": "26-30009", "objet": "Annulation", "nomacheteur": "Ville",
                    "nature": "ANNULATION", "annonce_lie": ["26-10001"]})  # fmt: skip
    report = import_records(records)
    db.session.commit()
    assert (report.created, report.closed) == (2, 1)
    for idweb, states in (("26-10001", ["open", "cancelled"]), ("26-10002", ["open"])):
        history = db.session.execute(
            select(TenderEvent.from_state, TenderEvent.to_state, TenderEvent.actor_id)
            .where(TenderEvent.tender_id == notice(idweb).id)
            .order_by(TenderEvent.id)
        ).all()
        assert [to for _from, to, _actor in history] == states
        assert history[0][0] is None and all(actor is None for *_s, actor in history)
