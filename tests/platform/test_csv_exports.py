"""Every CSV export goes through the one writer (marketplace/csvexport.py): a text cell that a
spreadsheet would run as a formula is written with a leading apostrophe, whoever typed it;
the numbers the code writes stay numbers."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest

from marketplace.extensions import db
from marketplace.tenders.operations import create_tender
from marketplace.timeutil import utcnow

FORMULAS = [
    '=HYPERLINK("http://x","y")',
    "+HYPERLINK(1)",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)",
    "\t=1+1",
    "\r=1+1",
]


def rows_of(answer) -> list[list[str]]:
    assert answer.status_code == 200
    assert answer.mimetype == "text/csv"
    assert answer.data.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(answer.data.decode("utf-8-sig"), newline=""), delimiter=";"))


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@pytest.mark.parametrize("formula", FORMULAS)
def test_team_csv_guards_names_and_caes(client, login, make_cae, make_user, formula):
    cae = make_cae(formula)
    owner = make_user(cae, first_name=formula, last_name="Dupont", audience="network")
    tender = create_tender(
        owner,
        {
            "title": "Rénovation de la médiathèque",
            "buyer": {"name": "Ville de Lyon", "kind": "public"},
            "deadline": utcnow() + timedelta(days=5),
            "department": "69",
            "estimated_amount_cents": 5_000_000,
            "audience": "network",
            "lots": [{"number": 1, "title": formula, "skills": ["Isolation thermique"]}],
        },
    )
    db.session.commit()
    login(owner)
    rows = rows_of(client.get(f"/appels-d-offres/{tender.id}/equipe.csv"))
    member = rows[1]
    assert member[0] == "'" + owner.display_name
    assert member[1] == "'" + formula
    amounts = {row[0]: row[1] for row in rows if len(row) == 2}
    assert amounts["Montant estimé HT (€)"] == "50000,00"


@pytest.mark.parametrize("formula", FORMULAS)
def test_ledger_csv_guards_titles_names_and_caes(client, make_cae, make_user, api_token, formula):
    lyon, nantes = make_cae("Coop Lyon"), make_cae(formula, "44", "Nantes")
    client_user = make_user(lyon, first_name=formula, audience="network")
    sub = make_user(nantes, last_name=formula, audience="network")
    admin = make_user(role="admin")
    answer = client.post(
        "/api/v1/subcontracts",
        json={
            "title": formula,
            "amount_cents": 123_456,
            "vat_rate": "20",
            "subcontractor_profile_id": sub.profile.id,
            "starts_on": "2026-03-02",
        },
        headers=bearer(api_token(client_user)),
    )
    assert answer.status_code == 201, answer.get_json()
    rows = rows_of(
        client.get(
            f"/api/v1/caes/{lyon.id}/subcontracts.csv?from=2026-01-01&to=2026-12-31",
            headers=bearer(api_token(admin)),
        )
    )
    date, record, title, client_name, client_cae, sub_name, sub_cae, ht = rows[1][:8]
    assert title == "'" + formula.strip()  # the API trims the title
    assert client_name == "'" + client_user.display_name
    assert client_cae == "Coop Lyon"
    assert sub_name == sub.display_name  # starts with the first name: nothing to run
    assert sub_cae == "'" + formula
    # What the code writes itself stays a number or a date.
    assert record == str(answer.get_json()["id"])
    assert ht == "1234,56"
    assert date == "02/03/2026"


def test_the_writer_leaves_figures_alone_and_guards_text():
    from marketplace.csvexport import Figure, csv_document, decimal_comma

    text = csv_document([["-5", decimal_comma(-500), Figure("-1"), -3, None, "a;b"]])
    assert text == '\ufeff\'-5;-5,00;-1;-3;;"a;b"\r\n'
