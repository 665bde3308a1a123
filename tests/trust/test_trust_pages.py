"""The pages: a party recommends the other from the record's page and agrees to show the work as
verified; the person recommended hides and shows the recommendation from their profile. Bad
input keeps what was typed (422), a second recommendation is refused with a French message."""

from __future__ import annotations

from marketplace.extensions import db
from marketplace.trust.models import Recommendation, ReferenceConsent
from tests.typography import fr


def test_recommend_from_the_record_page(client, people, delivered, login):
    users = people["users"]
    record_id = delivered()
    login(users["client"])
    page = client.get(f"/sous-traitances/{record_id}").get_data(as_text=True)
    assert f"Recommander {users['sub'].display_name}" in page

    empty = client.post(f"/sous-traitances/{record_id}/recommandation", data={"body": "  "})
    assert empty.status_code == 422
    assert "Ce champ est obligatoire." in empty.get_data(as_text=True)
    too_long = client.post(
        f"/sous-traitances/{record_id}/recommandation", data={"body": "é" * 1001}
    )
    assert too_long.status_code == 422 and "é" * 1001 in too_long.get_data(as_text=True)

    done = client.post(
        f"/sous-traitances/{record_id}/recommandation",
        data={"body": "Chantier propre, délais tenus."},
        follow_redirects=True,
    )
    assert done.status_code == 200
    assert "Votre recommandation figure sur son profil." in done.get_data(as_text=True)
    assert "Recommander" not in done.get_data(as_text=True)  # one per author and record
    again = client.post(
        f"/sous-traitances/{record_id}/recommandation",
        data={"body": "Encore"},
        follow_redirects=True,
    )
    assert fr("Vous avez déjà recommandé cette personne pour ce travail.") in again.get_data(
        as_text=True
    )
    assert db.session.query(Recommendation).count() == 1

    profile = client.get(f"/profils/{users['sub'].profile.id}").get_data(as_text=True)
    assert "Chantier propre, délais tenus." in profile
    assert fr("pour « Pose de VMC »") in profile and users["client"].display_name in profile
    assert "étoile" not in profile.lower()


def test_no_recommendation_before_delivery(client, people, delivered, login):
    record_id = delivered("in_progress")
    login(people["users"]["client"])
    page = client.get(f"/sous-traitances/{record_id}").get_data(as_text=True)
    assert "Recommander" not in page
    refused = client.post(
        f"/sous-traitances/{record_id}/recommandation",
        data={"body": "Trop tôt"},
        follow_redirects=True,
    )
    assert "Une recommandation peut être écrite une fois le travail livré." in refused.get_data(
        as_text=True
    )
    assert db.session.query(Recommendation).count() == 0


def test_consent_from_the_record_page(client, people, delivered, login):
    users = people["users"]
    record_id = delivered()
    login(users["sub"])
    answer = client.post(
        f"/sous-traitances/{record_id}/reference", data={"show": "y"}, follow_redirects=True
    )
    assert "Votre choix est enregistré." in answer.get_data(as_text=True)
    assert "L’autre partie n’a pas accepté de l’afficher." in answer.get_data(as_text=True)
    row = db.session.query(ReferenceConsent).one()
    assert row.profile_id == users["sub"].profile.id and row.show_amount is False
    client.post(f"/sous-traitances/{record_id}/reference", data={})  # unticked: withdrawn
    assert db.session.query(ReferenceConsent).count() == 0


def test_the_person_recommended_hides_and_shows_it(app, client, people, delivered, login):
    users, h = people["users"], people["h"]
    record_id = delivered()
    rec = client.post(
        f"/api/v1/subcontracts/{record_id}/recommendation",
        json={"body": "Une collaboration exemplaire."},
        headers=h["client"],
    ).get_json()
    author = login(users["client"], the_client=app.test_client())  # not theirs to hide: 404
    assert (
        author.post(f"/profils/moi/recommandations/{rec['id']}", data={"hidden": "1"}).status_code
        == 404
    )

    login(users["sub"])
    hid = client.post(
        f"/profils/moi/recommandations/{rec['id']}", data={"hidden": "1"}, follow_redirects=True
    )
    text = hid.get_data(as_text=True)
    assert "La recommandation est masquée sur votre profil." in text
    assert fr("masquée : vous seul·e la voyez") in text
    assert db.session.get(Recommendation, rec["id"]).hidden is True
    profile_id = users["sub"].profile.id
    assert "Une collaboration exemplaire." not in author.get(f"/profils/{profile_id}").get_data(
        as_text=True
    )

    client.post(f"/profils/moi/recommandations/{rec['id']}", data={"hidden": "0"})
    assert db.session.get(Recommendation, rec["id"]).hidden is False
    assert (
        client.post(f"/profils/moi/recommandations/{rec['id']}", data={"hidden": "x"}).status_code
        == 303
    )
