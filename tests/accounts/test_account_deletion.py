"""Delete my account: personal data goes, what others depend on stays with « Compte supprimé »."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from marketplace.accounts.models import ApiToken, User
from marketplace.collectives import decisions
from marketplace.collectives import operations as ops
from marketplace.collectives.models import CollectiveMember
from marketplace.extensions import db
from marketplace.subcontracting.records import propose_subcontract
from marketplace.timeutil import utcnow

PASSWORD = "Abeilles-Coop-2026"


def world(make_cae, make_user, api_token):
    cae = make_cae()
    me = make_user(cae, first_name="Lucie", headline="Charpentière", audience="network",
                   skills=[{"name": "Charpente", "level": 4}])  # fmt: skip
    partner = make_user(cae, first_name="Paul", audience="network")
    collective = ops.create_collective(me, {"name": "Charpentes", "join_policy": "open"})
    ops.join(partner, collective)
    decision = decisions.open_decision(me, collective, {
        "title": "Un vote", "closes_at": (utcnow() + timedelta(days=3)).isoformat()})  # fmt: skip
    decisions.vote(partner, decision, "yes")
    record = propose_subcontract(me, {
        "title": "Charpente du hangar", "subcontractor_profile_id": partner.profile.id,
        "amount_cents": 100_000, "vat_rate": "20.0", "starts_on": utcnow().date()})  # fmt: skip
    db.session.commit()
    api_token(me)
    return me, partner, collective, record


def test_deleting_my_account_anonymises_me_and_keeps_shared_records(
    client, make_cae, make_user, api_token, login
):
    me, partner, collective, record = world(make_cae, make_user, api_token)
    me_id, email = me.id, me.email
    login(me)
    wrong = client.post("/compte/supprimer", data={"password": "pas le bon mot de passe"})
    assert wrong.status_code == 422
    assert db.session.get(User, me_id).email == email
    response = client.post("/compte/supprimer", data={"password": PASSWORD})
    assert response.status_code == 302
    db.session.expire_all()
    gone = db.session.get(User, me_id)
    assert (gone.first_name, gone.last_name, gone.is_active) == ("Compte", "supprimé", False)
    assert email not in gone.email and gone.profile.headline == "" and gone.profile.skills == []
    assert db.session.scalar(select(func.count(ApiToken.id)).where(ApiToken.user_id == me_id)) == 0
    # Signed out, and the old password no longer opens anything.
    assert client.get("/compte").status_code == 302
    assert client.post("/connexion", data={"email": email, "password": PASSWORD}).status_code == 422
    # The collective keeps a coordinator; the record stays for the other party, anonymised.
    members = select(CollectiveMember.user_id, CollectiveMember.role).where(
        CollectiveMember.collective_id == collective.id
    )
    roles = dict(db.session.execute(members).all())
    assert roles == {partner.id: "coordinator"}
    login(partner)
    page = client.get(f"/sous-traitances/{record.id}")
    assert page.status_code == 200
    assert "Compte supprimé" in page.get_data(as_text=True)
    assert "Lucie" not in page.get_data(as_text=True)


def test_the_settings_page_has_the_deletion_form(client, make_user, login):
    login(make_user())
    html = client.get("/compte").get_data(as_text=True)
    assert 'action="/compte/supprimer"' in html and 'name="password"' in html
