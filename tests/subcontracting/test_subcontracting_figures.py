"""A CAE's figures, the CSV ledger and one's ledger add up to the records, to the cent."""

from __future__ import annotations

import csv
import io
import re
from decimal import ROUND_HALF_UP, Decimal

import pytest

from tests import typography


def propose(client, headers, sub, amount, vat="20", starts_on="2026-03-02", **extra):
    body = {
        "title": extra.pop("title", "Travaux"),
        "amount_cents": amount,
        "vat_rate": vat,
        "subcontractor_profile_id": sub.profile.id,
        "starts_on": starts_on,
        **extra,
    }
    answer = client.post("/api/v1/subcontracts", json=body, headers=headers)
    assert answer.status_code == 201, answer.get_json()
    return answer.get_json()["id"]


def move(client, headers, record_id, *statuses):
    for to in statuses:
        body = {"to": to, "invoice_number": f"F-{record_id}"} if to == "invoiced" else {"to": to}
        answer = client.post(
            f"/api/v1/subcontracts/{record_id}/transition", json=body, headers=headers
        )
        assert answer.status_code == 200, answer.get_json()


@pytest.fixture
def ledger(client, people):
    """Records of Lyon: internal (no VAT, whatever was sent), to Nantes, from Nantes, declined,
    cancelled, out of period."""
    h, u = people["h"], people["users"]
    ids = {
        "internal": propose(client, h["client"], u["colleague"], 123_456, "5.5"),
        "to_nantes": propose(client, h["client"], u["sub"], 200_001, "20"),
        "from_nantes": propose(
            client, h["sub"], u["colleague"], 99_999, "10", starts_on="2026-06-30"
        ),
        "declined": propose(client, h["client"], u["sub"], 5_000),
        "cancelled": propose(client, h["client"], u["sub"], 7_000),
        "later": propose(client, h["client"], u["sub"], 1_000, starts_on="2027-01-15"),
        "paris": propose(client, h["stranger"], u["sub"], 3_333),
    }
    move(client, h["colleague"], ids["internal"], "accepted", "in_progress")
    move(client, h["sub"], ids["to_nantes"], "accepted", "in_progress", "delivered", "invoiced")
    move(client, h["client"], ids["to_nantes"], "paid")
    move(client, h["sub"], ids["declined"], "declined")
    move(client, h["client"], ids["cancelled"], "cancelled")
    return ids


def test_stats_add_up_to_the_records(client, people, ledger):
    h, caes = people["h"], people["caes"]
    lyon, nantes, paris = caes["lyon"].id, caes["nantes"].id, caes["paris"].id
    stats = client.get(
        f"/api/v1/caes/{lyon}/stats?from=2026-01-01&to=2026-12-31", headers=h["lyon_manager"]
    )
    assert stats.status_code == 200, stats.get_json()
    body = stats.get_json()
    assert body["subcontracts"] == {
        "count": 3,
        "amount_cents": 123_456 + 200_001 + 99_999,
        "internal_amount_cents": 123_456,
        "cross_cae_amount_cents": 200_001 + 99_999,
        "internal_transfer_cents": 123_456,
        "sales_to_other_caes_cents": 99_999,  # Lyon's member worked for Nantes' client
        "purchases_from_other_caes_cents": 200_001,
    }
    flows = {
        (f["from_cae_id"], f["to_cae_id"]): (f["count"], f["amount_cents"]) for f in body["flows"]
    }
    assert flows == {
        (lyon, lyon): (1, 123_456),
        (lyon, nantes): (1, 200_001),
        (nantes, lyon): (1, 99_999),
    }
    assert body["collectives"] == 0 and body["tenders"] == {"open": 0, "won": 0, "lost": 0}
    # Lyon: client, colleague, manager, pending (not verified).
    assert body["members"] == 4 and body["verified_members"] == 3
    assert body["profiles_by_status"] == {"project_holder": 0, "employee": 3, "associate": 0}
    everything = client.get(f"/api/v1/caes/{lyon}/stats", headers=h["admin"]).get_json()
    assert everything["subcontracts"]["count"] == 4
    paris_stats = client.get(f"/api/v1/caes/{paris}/stats", headers=h["paris_manager"]).get_json()
    assert paris_stats["subcontracts"]["amount_cents"] == 3_333
    assert paris_stats["subcontracts"]["cross_cae_amount_cents"] == 3_333


@pytest.mark.parametrize(
    ("who", "status"),
    [
        (None, 401),
        ("client", 403),
        ("pending", 403),
        ("nantes_manager", 403),
        ("lyon_manager", 200),
        ("admin", 200),
    ],
)
def test_only_managers_and_admins_see_the_figures(client, people, who, status):
    lyon = people["caes"]["lyon"].id
    headers = people["h"][who] if who else {}
    assert client.get(f"/api/v1/caes/{lyon}/stats", headers=headers).status_code == status
    csv_answer = client.get(f"/api/v1/caes/{lyon}/subcontracts.csv", headers=headers)
    assert csv_answer.status_code == status
    assert client.get("/api/v1/caes/99999/stats", headers=people["h"]["admin"]).status_code == 404


def test_period_must_be_valid(client, people):
    lyon, h = people["caes"]["lyon"].id, people["h"]["admin"]
    for query in ("from=2026-13-01", "to=demain", "from=2026-05-01&to=2026-04-01"):
        assert client.get(f"/api/v1/caes/{lyon}/stats?{query}", headers=h).status_code == 422


def _cents(text: str) -> int:
    return int((Decimal(text.replace(",", ".")) * 100).to_integral_value(ROUND_HALF_UP))


def test_csv_opens_in_a_french_spreadsheet_and_adds_up(client, people, ledger):
    h, lyon = people["h"], people["caes"]["lyon"].id
    answer = client.get(
        f"/api/v1/caes/{lyon}/subcontracts.csv?from=2026-01-01&to=2026-12-31",
        headers=h["lyon_manager"],
    )
    assert answer.status_code == 200
    assert answer.mimetype == "text/csv"
    assert "attachment" in answer.headers["Content-Disposition"]
    raw = answer.get_data()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    header, lines = rows[0], rows[1:]
    assert header[0] == "Date" and "TVA (€)" in header
    assert len(lines) == 3
    ht, tva, ttc = (
        header.index("Montant HT (€)"),
        header.index("TVA (€)"),
        header.index("Montant TTC (€)"),
    )
    assert sum(_cents(line[ht]) for line in lines) == 123_456 + 200_001 + 99_999
    internal = next(line for line in lines if line[ht] == "1234,56")
    assert internal[tva] == internal[ttc] == ""  # work inside one CAE carries no VAT
    assert internal[0] == "02/03/2026"
    for line in lines:
        assert "." not in line[ht]
        if line is not internal:
            assert _cents(line[ht]) + _cents(line[tva]) == _cents(line[ttc])
    from_nantes = next(line for line in lines if line[ht] == "999,99")
    assert from_nantes[tva] == "100,00"  # 10 % of 999,99 € = 99,999 → 100,00
    statuses = {line[header.index("Statut")] for line in lines}
    assert statuses == {"en cours", "payée", "proposée"}


def test_csv_cells_cannot_run_formulas(client, people):
    h, u = people["h"], people["users"]
    propose(client, h["client"], u["colleague"], 100, title='=HYPERLINK("http://x")')
    text = client.get(
        f"/api/v1/caes/{people['caes']['lyon'].id}/subcontracts.csv", headers=h["admin"]
    ).get_data(as_text=True)
    assert ";'=HYPERLINK" in text.replace('"', "")


def test_the_figures_page_lists_the_latest_records_and_counts_them_all(
    app, login, people, ledger, monkeypatch
):
    """The totals count every record; the table shows the newest ones with their parties and
    says where the others are (a CAE has hundreds at federation size)."""
    from marketplace.blueprints import subcontracts

    monkeypatch.setattr(subcontracts, "LATEST_RECORDS", 2)
    c = app.test_client()
    login(people["users"]["lyon_manager"], the_client=c)
    page = c.get(f"/caes/{people['caes']['lyon'].id}/chiffres")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert 'data-figure="count">4<' in text  # internal, to and from Nantes, and 2027
    listed = [int(i) for i in re.findall(r'href="/sous-traitances/(\d+)"', text)]
    assert listed == [ledger["later"], ledger["from_nantes"]]  # newest first
    assert (
        typography.fr("Les 2 dernières des 4 prestations ; le journal CSV les contient toutes.")
        in text
    )
