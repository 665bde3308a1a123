"""The law of a tender's team, through the API and the pages: the buyer's kind decides the texts,
direct payment from 600 € incl. VAT at the lot's VAT, each lot its own contract, no groupement
words for one CAE, subcontractors attached to a cotraitant, warnings instead of refusals,
two-phase procedures, the forms' help and the procurement thresholds."""

from __future__ import annotations

import html
import re
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

import pytest
import tender_helpers
from sqlalchemy import update
from tender_helpers import bearer, future, post, two_lots

from marketplace.extensions import db
from marketplace.tenders.models import Tender
from marketplace.tenders.thresholds import thresholds_in_force
from marketplace.timeutil import utcnow
from tests import typography

world = tender_helpers.world  # the fixture

#: The points of the law of 1975 (a private buyer's), never on a public buyer's team.
PRIVATE_LAW_WORDS = re.compile(r"1975|action directe|maître d.ouvrage|\(art\. 1[24]\)")
#: Words that say a groupement, in French and in English.
GROUPEMENT_WORDS = re.compile(
    r"groupement|mandataire|co-?traitant|consortium|lead member|the group\b"
)


def join(client, world, tender, who, lot_ids, role, share):
    """``who`` applies for the lots with the role; the owner accepts with the share."""
    url = f"/api/v1/tenders/{tender['id']}/applications"
    applied = client.post(
        url, json={"lot_ids": lot_ids, "role": role, "message": "Oui"},
        headers=bearer(world["tokens"][who]),
    )  # fmt: skip
    assert applied.status_code == 201, applied.get_json()
    decided = client.post(
        f"{url}/{applied.get_json()['id']}/decision",
        json={"accept": True, "share_cents": share},
        headers=bearer(world["tokens"]["owner"]),
    )
    assert decided.status_code == 200, decided.get_json()
    return decided.get_json()


def read(client, world, tender) -> dict:
    url = f"/api/v1/tenders/{tender['id']}"
    return client.get(url, headers=bearer(world["tokens"]["owner"])).get_json()


def patch(client, world, tender, body):
    url = f"/api/v1/tenders/{tender['id']}"
    return client.patch(url, json=body, headers=bearer(world["tokens"]["owner"]))


def rival_team(client, world, make_user, api_token, body) -> dict:
    """Another team of the first CAE for the same contract, with the joiner on its first lot."""
    rival = make_user(world["caes"][0], first_name="Rita", skills=[{"name": "Audit", "level": 3}])
    world["tokens"]["rival"] = api_token(rival)
    second = post(client, world["tokens"]["rival"], body)
    url = f"/api/v1/tenders/{second['id']}/applications"
    applied = client.post(url, json={"lot_ids": [second["lots"][0]["id"]], "role": "cotraitant"},
                          headers=bearer(world["tokens"]["joiner"])).get_json()  # fmt: skip
    client.post(f"{url}/{applied['id']}/decision", json={"accept": True, "share_cents": 1},
                headers=bearer(world["tokens"]["rival"]))  # fmt: skip
    return second


def words(page: str) -> str:
    """The text people read in a piece of page, lowered (tags and attribute values dropped)."""
    return html.unescape(re.sub(r"<[^>]*>", " ", page)).lower()


def money_fr(cents: int) -> str:
    """1234567 → '12 345,67 €' (typography.fr adds the no-break spaces)."""
    euros, rest = divmod(cents, 100)
    return f"{euros:,}".replace(",", " ") + f",{rest:02d} €"


def member_of(body, user) -> dict:
    return next(m for m in body["team"]["members"] if m["profile_id"] == user.profile.id)


# ---------------------------------------------------------------------------------------------
# The buyer's kind decides the law


def test_public_buyer_gets_the_procurement_code(client, world, login):
    tender = post(client, world["tokens"]["owner"], two_lots())
    lot1 = tender["lots"][0]["id"]
    join(client, world, tender, "insulator", [lot1], "subcontractor", 100_000)
    text = " ".join(read(client, world, tender)["team"]["explanation"])
    assert "L2193-4" in text and "DC4" in text and "R2193-10" in text
    assert "75-1334 du 31 décembre 1975" not in text
    login(world["owner"])
    page = client.get(f"/appels-d-offres/{tender['id']}").get_data(as_text=True)
    assert "Les formulaires DC1, DC2, DC4 et le DUME" in page
    # one candidate (a subcontractor does not make a groupement): the forms of one CAE
    assert "Signée par le représentant légal de la CAE" in page
    assert "peut remplacer DC1 et DC2" in page and "Signée par chaque membre" not in page
    csv = client.get(f"/appels-d-offres/{tender['id']}/equipe.csv").get_data(as_text=True)
    assert "Code de la commande publique" in csv and "R2193-10" in csv
    sheet = client.get(f"/appels-d-offres/{tender['id']}/fiche-equipe").get_data(as_text=True)
    for text in (page, sheet, csv):  # the law of 1975 is a private buyer's
        assert not PRIVATE_LAW_WORDS.search(text), PRIVATE_LAW_WORDS.search(text)


def test_private_buyer_gets_the_law_of_1975(client, world, login):
    body = two_lots(buyer={"name": "SCI Les Canuts", "kind": "private"})
    tender = post(client, world["tokens"]["owner"], body)
    lot1 = tender["lots"][0]["id"]
    join(client, world, tender, "insulator", [lot1], "subcontractor", 1_000_000)
    got = read(client, world, tender)
    text = " ".join(got["team"]["explanation"])
    assert "loi n° 75-1334 du 31 décembre 1975" in text
    assert "(art. 3)" in text and "(art. 12)" in text and "(art. 14)" in text
    assert "R2193-10" not in text and "L2193-4" not in text
    assert member_of(got, world["insulator"])["direct_payment"] is False  # public law only
    login(world["owner"])
    sheet = client.get(f"/appels-d-offres/{tender['id']}/fiche-equipe").get_data(as_text=True)
    assert "Loi n° 75-1334" in sheet and "(DC4)" not in sheet
    page = client.get(f"/appels-d-offres/{tender['id']}").get_data(as_text=True)
    assert "la loi du 31 décembre 1975" in page
    csv = client.get(f"/appels-d-offres/{tender['id']}/equipe.csv").get_data(as_text=True)
    assert "Loi n° 75-1334" in csv


def test_a_private_buyers_team_reads_no_procurement_code(
    client, world, make_user, api_token, login
):
    """A groupement, a subcontractor, shares above the estimate and another team for the same
    contract: for a private buyer, none of it cites the Code de la commande publique."""
    body = two_lots(buyer={"name": "SCI Les Canuts", "kind": "private"},
                    estimated_amount_cents=100_000)  # fmt: skip
    tender = post(client, world["tokens"]["owner"], body)
    lot1 = tender["lots"][0]["id"]
    alone = post(client, world["tokens"]["owner"], {**body, "reference": "SEUL"})
    join(client, world, tender, "joiner", [lot1], "cotraitant", 300_000)
    join(client, world, tender, "insulator", [lot1], "subcontractor", 100_000)
    rival_team(client, world, make_user, api_token, body)
    got = read(client, world, tender)
    assert {w["code"] for w in got["warnings"]} == {
        "shares_above_estimate", "subcontracted_above_share", "cae_in_two_teams",
        "mandataire_of_two_groupements"}  # fmt: skip
    assert got["team"]["lots"][0]["shape"] == "groupement"
    login(world["owner"])
    page_url = f"/appels-d-offres/{tender['id']}"
    texts = {
        "api": " ".join(got["team"]["explanation"] + [w["message"] for w in got["warnings"]]),
        "page": client.get(page_url).get_data(as_text=True),
        "sheet": client.get(f"{page_url}/fiche-equipe").get_data(as_text=True),
        "csv": client.get(f"{page_url}/equipe.csv").get_data(as_text=True),
    }
    for where, text in texts.items():
        code = re.search(r"commande publique|\b[LR]\d{4}-\d+", text)
        assert code is None, (where, text[max(0, code.start() - 200) : code.end() + 50])
        assert "(art. 3)" in text and "(art. 14)" in text and "action directe" in text, where
    # the sheet states the law of 1975 even before any subcontractor joins
    sheet = client.get(f"/appels-d-offres/{alone['id']}/fiche-equipe").get_data(as_text=True)
    assert "action directe" in sheet and "(art. 14)" in sheet and "caution" in sheet


# ---------------------------------------------------------------------------------------------
# Direct payment: from 600 € incl. VAT, at the VAT of the lot


@pytest.mark.parametrize(
    ("vat", "share", "expected"),
    [
        ({"vat_rate": "10.0"}, 54_546, True),  # 600,01 € TTC
        ({"vat_rate": "10.0"}, 54_544, False),  # 599,98 € TTC
        ({"vat_rate": "20.0"}, 50_000, True),  # exactly 600 € TTC: « à partir de »
        ({"vat_rate": "5.5"}, 56_872, True),  # 568,72 € HT + 31,28 € = exactly 600,00 € TTC
        ({"vat_rate": "5.5"}, 56_871, False),  # 599,99 € TTC (a flat 20 % would say 682,45 €)
        ({"vat_regime": "reverse_charge"}, 60_000, True),  # paid excl. VAT: TTC = HT
        ({"vat_regime": "reverse_charge"}, 59_999, False),
        ({"vat_regime": "exempt"}, 59_999, False),
    ],
)
def test_direct_payment_from_600_euros_at_the_lots_vat(client, world, vat, share, expected):
    lots = two_lots()["lots"]
    lots[0] = {**lots[0], **vat}
    tender = post(client, world["tokens"]["owner"], two_lots(lots=lots))
    join(client, world, tender, "insulator", [tender["lots"][0]["id"]], "subcontractor", share)
    got = read(client, world, tender)
    assert {k: got["lots"][0][k] for k in vat} == vat
    mine = member_of(got, world["insulator"])
    assert mine["direct_payment"] is expected
    standard = vat.get("vat_regime", "standard") == "standard"
    rate = Decimal(vat["vat_rate"]) if standard else Decimal(0)  # reverse charge, exempt: HT
    ttc = share + int((share * rate / 100).quantize(Decimal(1), ROUND_HALF_UP))
    assert mine["share_incl_vat_cents"] == ttc
    assert ttc >= 60_000 if expected else ttc < 60_000
    text = " ".join(got["team"]["explanation"])
    assert ("atteint 600" in text) is expected and ("inférieure à 600" in text) is not expected
    said = typography.fr(f"{money_fr(share)} HT, {money_fr(ttc)} TTC")
    assert said in text


def test_lot_vat_is_checked_and_kept_when_lots_come_back_without_it(client, world):
    lots = two_lots()["lots"]
    lots[0] = {**lots[0], "vat_rate": 5.5}
    lots[1] = {**lots[1], "vat_regime": "reverse_charge", "vat_rate": "20.0"}
    tender = post(client, world["tokens"]["owner"], two_lots(lots=lots))
    assert [(x["vat_regime"], x["vat_rate"]) for x in tender["lots"]] == [
        ("standard", "5.5"),
        ("reverse_charge", None),
    ]
    again = patch(client, world, tender, {"lots": two_lots()["lots"]}).get_json()
    assert [x["vat_regime"] for x in again["lots"]] == ["standard", "reverse_charge"]
    assert again["lots"][0]["vat_rate"] == "5.5"
    bad = two_lots()["lots"]
    bad[0] = {**bad[0], "vat_rate": "7"}
    refused = patch(client, world, tender, {"lots": bad})
    assert refused.status_code == 422 and "lots" in refused.get_json()["error"]["fields"]


# ---------------------------------------------------------------------------------------------
# Each lot is its own contract; one CAE uses no groupement words


def test_two_caes_on_two_lots_do_not_form_a_groupement(client, world, login):
    tender = post(client, world["tokens"]["owner"], two_lots())
    lot1, lot2 = (x["id"] for x in tender["lots"])
    patch(client, world, tender, {"team": {"members": [
        {"profile_id": world["owner"].profile.id, "lot_ids": [lot1]}]}})  # fmt: skip
    join(client, world, tender, "joiner", [lot2], "cotraitant", 100_000)
    team = read(client, world, tender)["team"]
    assert team["kind"] == "multi_cae"
    assert [x["shape"] for x in team["lots"]] == ["single_candidate", "single_candidate"]
    said = " ".join(team["explanation"])
    assert "ne forment pas, de ce seul fait, un groupement" in said
    assert "chaque CAE candidate seule pour ses propres lots" in said and "mandataire" not in said
    join(client, world, tender, "insulator", [lot2], "cotraitant", 100_000)
    team = read(client, world, tender)["team"]
    assert [x["shape"] for x in team["lots"]] == ["single_candidate", "groupement"]
    assert len(team["lots"][1]["cae_ids"]) == 2
    login(world["owner"])
    page = client.get(f"/appels-d-offres/{tender['id']}").get_data(as_text=True)
    assert "Signée par chaque membre" in page and "un par membre d’un groupement" in page


def test_a_single_cae_team_uses_no_groupement_words(client, world, make_user, api_token, login):
    a = world["caes"][0]
    colleague = make_user(a, first_name="Colette", skills=[{"name": "Menuiserie", "level": 3}])
    helper = make_user(a, first_name="Hélène", skills=[{"name": "Audit", "level": 3}])
    world["tokens"]["colleague"] = api_token(colleague)
    world["tokens"]["helper"] = api_token(helper)
    tender = post(client, world["tokens"]["owner"], two_lots())
    lot1, lot2 = (x["id"] for x in tender["lots"])
    join(client, world, tender, "colleague", [lot2], "cotraitant", 1_000_000)
    join(client, world, tender, "helper", [lot1], "subcontractor", 2_000_000)
    got = read(client, world, tender)
    assert got["team"]["kind"] == "single_cae"
    split = member_of(got, helper)
    assert split["internal_split"] is True and split["direct_payment"] is False
    assert split["works_for_profile_id"] == world["owner"].profile.id
    assert "pas une sous-traitance" in " ".join(got["team"]["explanation"])
    login(world["owner"])
    url = f"/appels-d-offres/{tender['id']}"
    page = client.get(url).get_data(as_text=True)
    sheet = client.get(f"{url}/fiche-equipe").get_data(as_text=True)
    csv = client.get(f"{url}/equipe.csv").get_data(as_text=True)
    for text in (page, sheet, csv):  # the whole of each, the forms' help included
        lowered = text.lower()
        assert not GROUPEMENT_WORDS.search(lowered), GROUPEMENT_WORDS.search(lowered)
        assert "responsable du dossier" in lowered and "partage interne" in lowered
    assert "(DC4)" not in sheet
    assert "Signée par le représentant légal de la CAE" in page and "celle de la CAE" in sheet
    applications = page.split('id="candidatures"')[1].split("</section>")[0].lower()
    assert "partage interne" in applications and "cotraitant" not in applications
    world["owner"].locale = "en"
    db.session.commit()
    for path in ("", "/fiche-equipe", "/equipe.csv"):
        english = client.get(f"{url}{path}").get_data(as_text=True).lower()
        assert "person in charge of the bid" in english or path == "/equipe.csv"
        assert not GROUPEMENT_WORDS.search(english), (path, GROUPEMENT_WORDS.search(english))


def test_people_of_the_leads_cae_join_without_groupement_words(
    client, world, make_user, api_token, login
):
    """Someone of the owner's CAE applying, or invited, joins the CAE's own bid: « entrepreneur·e
    de la CAE » or « partage interne », not cotraitant or subcontractor."""
    rita = make_user(world["caes"][0], first_name="Rita", skills=[{"name": "Audit", "level": 3}])
    tender = post(client, world["tokens"]["owner"], two_lots())
    url = f"/appels-d-offres/{tender['id']}"
    login(rita)
    apply_part = client.get(url).get_data(as_text=True).split('id="candidater"')[1]
    apply_part = words(apply_part.split("</section>")[0])
    assert "entrepreneur·e de la cae" in apply_part and "partage interne" in apply_part
    assert not GROUPEMENT_WORDS.search(apply_part), GROUPEMENT_WORDS.search(apply_part)
    client.post("/deconnexion")
    login(world["insulator"])  # another CAE: joining as cotraitant may make a groupement
    other = client.get(url).get_data(as_text=True).split('id="candidater"')[1].lower()
    assert "cotraitant" in other
    client.post("/deconnexion")
    login(world["owner"])
    invite = client.get(f"{url}/inviter?profil={rita.profile.id}").get_data(as_text=True)
    form = words(invite.split('<form method="post"')[1].split("</form>")[0])
    assert "entrepreneur·e de la cae" in form and not GROUPEMENT_WORDS.search(form)
    lot1 = tender["lots"][0]["id"]
    sent = client.post(
        f"{url}/inviter?profil={rita.profile.id}",
        data={"lot_ids": [lot1], "role": "subcontractor", "message": "Avec moi ?"},
    )
    assert sent.status_code in (302, 303), sent.get_data(as_text=True)[:2000]
    invited = client.get(url).get_data(as_text=True).split('id="invitations"')[1]
    invited = words(invited.split("</section>")[0])
    assert "partage interne" in invited and "sous-traitant" not in invited


# ---------------------------------------------------------------------------------------------
# Subcontractors work for a cotraitant; shares are warnings, not refusals


def test_a_subcontractor_works_for_a_cotraitant(client, world):
    tender = post(client, world["tokens"]["owner"], two_lots(estimated_amount_cents=1_000_000))
    _lot1, lot2 = (x["id"] for x in tender["lots"])
    join(client, world, tender, "joiner", [lot2], "cotraitant", 300_000)
    join(client, world, tender, "insulator", [lot2], "subcontractor", 200_000)
    got = read(client, world, tender)
    assert member_of(got, world["insulator"])["works_for_profile_id"] == world["owner"].profile.id
    assert got["team"]["shares_total_cents"] == 300_000  # the subcontractor counts inside
    jules = world["joiner"].profile.id
    moved = patch(client, world, tender, {"team": {"members": [
        {"profile_id": world["insulator"].profile.id, "works_for_profile_id": jules,
         "share_cents": 400_000}]}})  # fmt: skip
    assert moved.status_code == 200, moved.get_json()
    body = moved.get_json()
    assert member_of(body, world["insulator"])["works_for_profile_id"] == jules
    assert [w["code"] for w in body["warnings"]] == ["subcontracted_above_share"]
    wrong = patch(client, world, tender, {"team": {"members": [
        {"profile_id": jules, "works_for_profile_id": world["owner"].profile.id}]}})  # fmt: skip
    assert wrong.status_code == 422
    to_sub = patch(client, world, tender, {"team": {"members": [
        {"profile_id": world["insulator"].profile.id,
         "works_for_profile_id": world["insulator"].profile.id}]}})  # fmt: skip
    assert to_sub.status_code == 422


def test_cae_in_two_teams_and_mandataire_of_two_groupements_are_warned(
    client, world, make_user, api_token
):
    first = post(client, world["tokens"]["owner"], two_lots())
    join(client, world, first, "insulator", [first["lots"][0]["id"]], "cotraitant", 100_000)
    rival_team(client, world, make_user, api_token, two_lots())
    got = read(client, world, first)
    codes = [w["code"] for w in got["warnings"]]
    assert "cae_in_two_teams" in codes and "mandataire_of_two_groupements" in codes
    assert any("R2142-23" in w["message"] for w in got["warnings"])
    listed = client.get("/api/v1/tenders", headers=bearer(world["tokens"]["owner"])).get_json()
    assert any(w["code"] == "cae_in_two_teams" for i in listed["items"] for w in i["warnings"])
    other = post(client, world["tokens"]["owner"], two_lots(reference="AUTRE-REF"))
    assert read(client, world, other)["warnings"] == []


# ---------------------------------------------------------------------------------------------
# Two-phase procedures: the team is fixed at the applications' deadline


def test_restricted_procedure_fixes_the_team_at_the_applications_deadline(client, world, login):
    body = two_lots(procedure_kind="restricted", applications_deadline=future(3),
                    deadline=future(30))  # fmt: skip
    tender = post(client, world["tokens"]["owner"], body)
    assert tender["procedure_kind"] == "restricted"
    assert tender["team_fixed_at"] == tender["applications_deadline"] != tender["deadline"]
    lot1 = tender["lots"][0]["id"]
    url = f"/api/v1/tenders/{tender['id']}/applications"
    pending = client.post(url, json={"lot_ids": [lot1], "role": "cotraitant"},
                          headers=bearer(world["tokens"]["insulator"])).get_json()  # fmt: skip
    db.session.execute(
        update(Tender)
        .where(Tender.id == tender["id"])
        .values(applications_deadline=utcnow() - timedelta(minutes=1))
    )
    db.session.commit()
    late = client.post(url, json={"lot_ids": [lot1], "role": "cotraitant"},
                       headers=bearer(world["tokens"]["joiner"]))  # fmt: skip
    assert late.status_code == 409 and "candidatures sont remises" in late.get_json()["error"][
        "message"]  # fmt: skip
    decided = client.post(f"{url}/{pending['id']}/decision", json={"accept": True},
                          headers=bearer(world["tokens"]["owner"]))  # fmt: skip
    assert decided.status_code == 409
    share = patch(client, world, tender, {"team": {"members": [
        {"profile_id": world["owner"].profile.id, "share_cents": 5}]}})  # fmt: skip
    assert share.status_code == 409
    reopened = patch(client, world, tender, {"procedure_kind": "open"})
    assert reopened.status_code == 409
    assert patch(client, world, tender, {"title": "Nouveau titre"}).status_code == 200
    login(world["owner"])
    page = client.get(f"/appels-d-offres/{tender['id']}").get_data(as_text=True)
    assert "procédure en deux phases" in page.lower() and "L’équipe est arrêtée" in page


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"procedure_kind": "open", "applications_deadline": "2099-01-01T10:00:00+01:00"},
         "applications_deadline"),
        ({"procedure_kind": "restricted", "applications_deadline": "2020-01-01T10:00:00+01:00"},
         "applications_deadline"),
        ({"procedure_kind": "restricted", "applications_deadline": "2099-01-01T10:00:00+01:00"},
         "applications_deadline"),  # after the offers' deadline
        ({"procedure_kind": "auction"}, "procedure_kind"),
    ],
)  # fmt: skip
def test_bad_procedure_input_is_refused(client, world, extra, field):
    r = client.post("/api/v1/tenders", json=two_lots(**extra),
                    headers=bearer(world["tokens"]["owner"]))  # fmt: skip
    assert r.status_code == 422, r.get_json()
    assert field in r.get_json()["error"]["fields"]


def test_the_form_takes_the_procedure_and_the_lots_vat(client, make_user, login):
    login(make_user())
    day = (utcnow() + timedelta(days=20)).date().isoformat()
    early = (utcnow() + timedelta(days=5)).date().isoformat()
    page = client.get("/appels-d-offres/nouveau").get_data(as_text=True)
    assert (
        typography.money("216 000 €") in page
        and typography.money("5 404 000 €") in page
        and "décret n° 2025-1386" in page
    )
    response = client.post("/appels-d-offres/nouveau", data={
        "title": "Accompagnement", "buyer_name": "Métropole", "buyer_kind": "public",
        "procedure_kind": "restricted", "applications_date": early, "applications_time": "12:00",
        "deadline_date": day, "deadline_time": "12:00", "audience": "network",
        "lots-0-number": "1", "lots-0-title": "Ateliers", "lots-0-skills": "Formation",
        "lots-0-vat": "exempt", "lots-1-number": "2", "lots-1-title": "Peinture",
        "lots-1-skills": "Peinture", "lots-1-vat": "reverse_charge",
    })  # fmt: skip
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    tender = db.session.scalars(db.select(Tender)).one()
    assert tender.procedure_kind == "restricted" and tender.applications_deadline is not None
    assert [lot.vat_regime for lot in tender.lots] == ["exempt", "reverse_charge"]


# ---------------------------------------------------------------------------------------------
# Thresholds: one data file, the values in force on a day


def test_thresholds_in_force_follow_their_dates(app):
    def amounts(day):
        return {t.key: t.amount_cents for t in thresholds_in_force(day)}

    assert amounts(date(2026, 3, 31))["no_publicity_supplies_services"] == 4_000_000
    on_the_day = amounts(date(2026, 12, 7))
    assert on_the_day["no_publicity_supplies_services"] == 6_000_000
    assert on_the_day["no_publicity_works"] == 10_000_000
    assert on_the_day["formalised_supplies_services_other"] == 21_600_000
    assert on_the_day["formalised_supplies_services_central"] == 14_000_000
    assert on_the_day["formalised_works"] == 540_400_000
    assert "formalised_works" not in amounts(date(2028, 1, 1))  # the next values are not known


def test_direct_payment_says_the_same_in_french_and_english(client, world):
    """« à partir de 600 € TTC » (≥), never "above": the two languages agree."""
    tender = post(client, world["tokens"]["owner"], two_lots())
    join(client, world, tender, "insulator", [tender["lots"][0]["id"]], "subcontractor", 50_000)
    french = " ".join(read(client, world, tender)["team"]["explanation"])
    assert typography.fr("atteint 600 € TTC (500,00 € HT, 600,00 € TTC") in french
    world["owner"].locale = "en"
    db.session.commit()
    english = " ".join(read(client, world, tender)["team"]["explanation"])
    assert "reaches 600 € incl. VAT (€500.00 excl. VAT, €600.00 incl. VAT" in english
    for text in (french, english):
        assert "R2193-10" in text and "L2193-4" in text
