"""Joint tenders through the pages: post with lots, browse, apply, decide, visibility, exports,
reminders, suggestions at scale (constant queries) and the demo data."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from marketplace.extensions import db
from marketplace.tenders.models import Tender, TenderApplication
from marketplace.tenders.operations import apply, create_tender, decide, set_members
from marketplace.tenders.suggestions import complete_team, suggestions_by_lot
from marketplace.tenders.team import direct_payment, team_of
from marketplace.tenders.timing import countdown
from marketplace.timeutil import as_utc, utcnow
from tests import typography


def tender_data(**extra) -> dict:
    data = {
        "title": "Rénovation de la médiathèque",
        "buyer": {"name": "Ville de Lyon", "kind": "public"},
        "deadline": utcnow() + timedelta(days=5, hours=2),
        "department": "69",
        "city": "Lyon",
        "estimated_amount_cents": 5_000_000,
        "audience": "network",
        "lots": [
            {"number": 1, "title": "Isolation", "skills": ["Isolation thermique"]},
            {"number": 2, "title": "Électricité", "skills": ["Électricité", "Domotique"]},
        ],
    }
    data.update(extra)
    return data


def post_tender(user, **extra) -> Tender:
    tender = create_tender(user, tender_data(**extra))
    db.session.commit()
    return tender


FORM = {
    "title": "Aménagement du parc",
    "buyer_name": "Commune de Bron",
    "buyer_kind": "public",
    "deadline_time": "12:00",
    "department": "69",
    "estimated_amount": "45 000",
    "audience": "network",
    "lots-0-number": "1",
    "lots-0-title": "Paysage",
    "lots-0-skills": "Paysagisme; Élagage",
    "lots-0-amount": "30000",
    "lots-1-number": "2",
    "lots-1-title": "Mobilier",
    "lots-1-skills": "Menuiserie",
    "lots-1-amount": "",
}


def form(**extra) -> dict:
    data = dict(FORM, deadline_date=(utcnow() + timedelta(days=10)).date().isoformat())
    data.update(extra)
    return data


def test_post_a_tender_with_lots_through_the_form(client, make_user, login):
    user = make_user()
    login(user)
    assert client.get("/appels-d-offres/nouveau").status_code == 200
    response = client.post("/appels-d-offres/nouveau", data=form())
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    tender = db.session.scalar(select(Tender))
    assert [lot.skill_names for lot in tender.lots] == [["Élagage", "Paysagisme"], ["Menuiserie"]]
    assert tender.estimated_amount_cents == 4_500_000
    assert tender.deadline.hour in (10, 11)  # 12:00 in Paris is 10:00 or 11:00 UTC
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Aménagement du parc" in page and "clôture dans" in page


def test_add_rows_without_javascript_keeps_what_was_typed(client, make_user, login):
    login(make_user())
    response = client.post("/appels-d-offres/nouveau", data=form(add_rows="1"))
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and 'name="lots-3-title"' in html
    assert "Paysagisme; Élagage" in html
    assert db.session.scalar(select(Tender)) is None


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"deadline_date": "2020-01-01"}, "futur"),
        ({"lots-0-skills": ""}, "compétence"),
        ({"title": ""}, "obligatoire"),
        ({"estimated_amount": "beaucoup"}, "euros"),
    ],
)
def test_bad_form_input_is_refused_and_kept(client, make_user, login, change, message):
    login(make_user())
    response = client.post("/appels-d-offres/nouveau", data=form(**change))
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert message in html and "Commune de Bron" in html
    assert db.session.scalar(select(Tender)) is None


def test_edit_is_for_the_owner(client, make_user, login):
    owner, other = make_user(), make_user()
    tender = post_tender(owner)
    login(other)
    assert client.get(f"/appels-d-offres/{tender.id}/modifier").status_code == 403
    client.post("/deconnexion")
    login(owner)
    assert client.get(f"/appels-d-offres/{tender.id}/modifier").status_code == 200
    r = client.post(f"/appels-d-offres/{tender.id}/modifier", data=form(title="Nouveau titre"))
    assert r.status_code == 302
    db.session.expire_all()
    assert db.session.get(Tender, tender.id).title == "Nouveau titre"


def test_apply_and_decide_through_the_pages(client, make_cae, make_user, login, outbox):
    owner = make_user(make_cae("Coop A"))
    applicant = make_user(make_cae("Coop B"), skills=[{"name": "Électricité", "level": 3}])
    tender = post_tender(owner)
    login(applicant)
    page = client.get(f"/appels-d-offres/{tender.id}").get_data(as_text=True)
    assert "Candidater" in page or "candidature" in page.lower()
    lot = tender.lots[1]
    r = client.post(
        f"/appels-d-offres/{tender.id}/candidature",
        data={"lot_ids": [str(lot.id)], "role": "subcontractor", "message": "Prêt"},
    )
    assert r.status_code == 302
    assert outbox()[-1][0] == owner.email
    again = client.post(
        f"/appels-d-offres/{tender.id}/candidature",
        data={"lot_ids": [str(lot.id)], "role": "cotraitant"},
    )
    assert again.status_code == 303
    application = db.session.scalar(select(TenderApplication))
    forged = client.post(
        f"/appels-d-offres/{tender.id}/candidatures/{application.id}/decision",
        data={"accept": "1", "share": "100"},
    )
    assert forged.status_code == 403
    client.post("/deconnexion")
    login(owner)
    r = client.post(
        f"/appels-d-offres/{tender.id}/candidatures/{application.id}/decision",
        data={"accept": "1", "share": "1 000"},
    )
    assert r.status_code == 302
    assert outbox()[-1][0] == applicant.email
    db.session.expire_all()
    team = team_of(db.session.get(Tender, tender.id))
    assert [m.role for m in team.members] == ["lead", "subcontractor"]
    assert team.members[1].share_cents == 100_000 and team.members[1].direct_payment
    html = client.get(f"/appels-d-offres/{tender.id}").get_data(as_text=True)
    assert "DC4" in html and "paiement direct" in html and typography.fr("TVA à 20 %") in html


def test_status_buttons_move_the_tender(client, make_user, login):
    owner = make_user()
    tender = post_tender(owner)
    login(owner)
    url = f"/appels-d-offres/{tender.id}/statut"
    assert client.post(url, data={"to": "won"}).status_code == 303
    assert (
        client.post(f"/appels-d-offres/{tender.id}/statut", data={"to": "team_formed"}).status_code
        == 302
    )
    db.session.expire_all()
    assert db.session.get(Tender, tender.id).status == "team_formed"
    html = client.get(f"/appels-d-offres/{tender.id}").get_data(as_text=True)
    assert "Historique du statut" in html and "ouvert → équipe constituée" in html


ROLES = ["anonymous", "pending", "other_cae", "same_cae", "owner", "manager", "admin"]


@pytest.fixture
def cae_tender(make_cae, make_user):
    home, away = make_cae("Coop Maison"), make_cae("Coop Ailleurs")
    owner = make_user(home)
    users = {
        "anonymous": None,
        "pending": make_user(home, verified=False),
        "other_cae": make_user(away),
        "same_cae": make_user(home),
        "owner": owner,
        "manager": make_user(home, role="manager"),
        "admin": make_user(role="admin"),
    }
    return post_tender(owner, audience="cae"), users


@pytest.mark.parametrize("role", ROLES)
def test_a_cae_tender_is_seen_by_its_cae_only(client, login, cae_tender, role):
    tender, users = cae_tender
    if users[role] is not None:
        login(users[role])
    visible = role in ("same_cae", "owner", "manager", "admin")
    for url in (
        f"/appels-d-offres/{tender.id}",
        f"/appels-d-offres/{tender.id}/fiche-equipe",
        f"/appels-d-offres/{tender.id}/equipe.csv",
        f"/api/v1/tenders/{tender.id}/calendar.ics",
    ):
        assert client.get(url).status_code == (200 if visible else 404), url
    listing = client.get("/appels-d-offres").get_data(as_text=True)
    assert (tender.title in listing) is visible
    found = client.get("/appels-d-offres?q=médiathèque").get_data(as_text=True)
    assert (tender.title in found) is visible


def test_suggestions_rank_and_cover(app, make_cae, make_user):
    a, b = make_cae("Coop A", department="69"), make_cae("Coop B", department="13")
    owner = make_user(a, department="69")
    near = make_user(
        b, first_name="Near", department="69", skills=[{"name": "Électricité", "level": 3}]
    )
    both = make_user(
        b,
        first_name="Both",
        department="13",
        skills=[{"name": "Électricité", "level": 4}, {"name": "Domotique", "level": 4}],
    )
    insul = make_user(
        a,
        first_name="Insul",
        department="38",
        availability="partial",
        skills=[{"name": "Isolation thermique", "level": 2}],
    )
    make_user(b, first_name="Hidden", audience="cae", skills=[{"name": "Domotique", "level": 4}])
    tender = post_tender(owner)
    by_lot = suggestions_by_lot(owner, tender)
    lot1, lot2 = tender.lots
    assert [s.candidate.profile_id for s in by_lot[lot1.id]] == [insul.profile.id]
    ranked = by_lot[lot2.id]
    assert [s.candidate.profile_id for s in ranked] == [both.profile.id, near.profile.id]
    assert ranked[1].missing == ["Domotique"] and ranked[1].matched == ["Électricité"]
    cover = complete_team(owner, tender)
    assert {s.candidate.profile_id for s in cover.people} == {both.profile.id, insul.profile.id}
    assert cover.uncovered == []
    # Accepted people leave the suggestions.
    application = apply(both, tender, {"lot_ids": [lot2.id], "role": "cotraitant"})
    decide(owner, application, True, 0)
    db.session.commit()
    ids = [s.candidate.profile_id for s in suggestions_by_lot(owner, tender)[lot2.id]]
    assert both.profile.id not in ids
    assert [s.candidate.profile_id for s in complete_team(owner, tender).people] == [
        insul.profile.id
    ]


def test_suggestions_leave_out_accounts_that_cannot_join(app, make_cae, make_user):
    """Only active, verified people are suggested, and for a CAE-only tender only the owner's
    CAE (these conditions are checked on the rows read by primary key)."""
    a, b = make_cae("Coop A"), make_cae("Coop B")
    owner = make_user(a)
    skill = [{"name": "Isolation thermique", "level": 3}]
    colleague = make_user(a, first_name="Colleague", audience="public", skills=skill)
    other = make_user(b, first_name="Other", audience="public", skills=skill)
    make_user(a, first_name="Pending", verified=False, audience="public", skills=skill)
    gone = make_user(a, first_name="Gone", audience="public", skills=skill)
    gone.is_active = False
    db.session.commit()

    def suggested(tender) -> set[int]:
        lot = tender.lots[0]
        return {s.candidate.profile_id for s in suggestions_by_lot(owner, tender)[lot.id]}

    assert suggested(post_tender(owner)) == {colleague.profile.id, other.profile.id}
    assert suggested(post_tender(owner, audience="cae")) == {colleague.profile.id}


def test_suggestions_take_a_constant_number_of_queries(app, count_queries, make_cae, make_user):
    cae = make_cae()
    owner = make_user(cae)
    tender = post_tender(owner)

    def queries_of(fn) -> int:
        with count_queries() as seen:
            fn()
        return seen.count

    def run():
        db.session.expire_all()
        t = db.session.get(Tender, tender.id)
        suggestions_by_lot(owner, t)
        complete_team(owner, t)

    for n in range(3):
        make_user(make_cae(), skills=[{"name": "Électricité", "level": 1 + n}])
    few = queries_of(run)
    for _n in range(12):
        make_user(make_cae(), skills=[{"name": "Domotique", "level": 2}])
    assert queries_of(run) == few


def test_direct_payment_threshold_is_600_euros_incl_vat():
    assert direct_payment("subcontractor", 50_000)  # 500 € HT = 600 € TTC at 20 %
    assert not direct_payment("subcontractor", 49_999)
    assert not direct_payment("cotraitant", 1_000_000)
    assert direct_payment("subcontractor", 54_546, "10.0")  # 600,01 € TTC at 10 %
    assert not direct_payment("subcontractor", 54_544, "10.0")  # 599,98 €
    assert direct_payment("subcontractor", 60_000, "0")  # reverse charge: TTC = HT, ≥ 600
    assert not direct_payment("subcontractor", 59_999, "0")


def test_countdown_in_words(app):
    now = utcnow()
    assert countdown(now + timedelta(days=3, hours=1), now) == "clôture dans 3 jours"
    assert countdown(now + timedelta(hours=5, minutes=1), now) == "clôture dans 5 heures"
    assert countdown(now + timedelta(minutes=1, seconds=5), now) == "clôture dans 1 minute"
    assert countdown(now - timedelta(minutes=1), now).startswith("clôturé le")


def test_notify_due_reminds_the_team_once(app, make_cae, make_user, outbox):
    owner, member = make_user(make_cae()), make_user(make_cae())
    soon = post_tender(owner, deadline=utcnow() + timedelta(days=2))
    post_tender(owner, title="Plus tard", deadline=utcnow() + timedelta(days=20))
    application = apply(member, soon, {"lot_ids": [soon.lots[0].id], "role": "cotraitant"})
    decide(owner, application, True, None)
    db.session.commit()
    before = len(outbox())
    runner = app.test_cli_runner()
    result = runner.invoke(args=["notify", "due"])
    assert result.exit_code == 0, result.output
    sent = outbox()[before:]
    assert sorted(to for to, _s, _b in sent) == sorted([owner.email, member.email])
    assert all("Rénovation de la médiathèque" in subject for _to, subject, _b in sent)
    again = runner.invoke(args=["notify", "due", "--days", "30"])
    assert again.exit_code == 0
    assert len(outbox()) == before + 2 + 1  # "Plus tard": the owner only, once


def test_demo_tenders_are_loaded_once(app, outbox):
    from marketplace.demo import load_demo

    load_demo(count=120)
    db.session.commit()
    posted = select(Tender).where(Tender.source_name.is_(None), Tender.notice_id.is_(None))
    tenders = list(db.session.scalars(posted.order_by(Tender.id)))  # not the public notices
    assert [t.status for t in tenders] == ["open", "open", "won", "open", "open"]
    teams = [team_of(t) for t in tenders]
    assert teams[0].kind == "multi_cae" and teams[1].kind == "single_cae"
    assert any(a.state == "pending" for a in tenders[0].applications)
    # The law's cases: lots with the VAT of their trade, an internal split inside one CAE, a
    # subcontractor working for a cotraitant, a private buyer, a restricted procedure.
    assert [lot.vat_regime for lot in tenders[0].lots] == [
        "standard",
        "reverse_charge",
        "reverse_charge",
    ]
    assert tenders[1].lots[0].vat_regime == "exempt"
    assert any(m.internal_split for m in teams[1].subcontractors)
    won = teams[2]
    assert all(m.works_for_profile_id != won.lead_profile_id for m in won.subcontractors)
    assert tenders[3].buyer_kind == "private" and "75-1334" in " ".join(teams[3].explanation)
    assert tenders[4].procedure_kind == "restricted" and tenders[4].applications_deadline
    assert as_utc(tenders[4].team_fixed_at) < as_utc(tenders[4].deadline)
    load_demo(count=120)
    db.session.commit()
    assert len(db.session.scalars(posted).all()) == 5
    assert outbox() == []


def test_pages_have_one_title_and_no_inline_code(client, make_user, login):
    owner = make_user()
    tender = post_tender(owner, audience="public")
    anonymous_page = client.get(f"/appels-d-offres/{tender.id}").get_data(as_text=True)
    assert "Connectez-vous pour candidater" in anonymous_page
    login(owner)
    for url in (
        "/appels-d-offres",
        "/appels-d-offres/nouveau",
        f"/appels-d-offres/{tender.id}",
        f"/appels-d-offres/{tender.id}/modifier",
        f"/appels-d-offres/{tender.id}/fiche-equipe",
    ):
        html = client.get(url).get_data(as_text=True)
        assert html.count("<h1") == 1, url
        assert "<script>" not in html and "style=" not in html, url
        assert "<label" in html or url.endswith("fiche-equipe"), url


def test_owner_sets_lots_and_share_of_a_member(client, make_user, login):
    owner = make_user()
    tender = post_tender(owner)
    login(owner)
    lot = tender.lots[1]
    r = client.post(
        f"/appels-d-offres/{tender.id}/part",
        data={"profile_id": str(owner.profile.id), "share": "2 000,50", "lot_ids": [str(lot.id)]},
    )
    assert r.status_code == 302
    db.session.expire_all()
    member = db.session.get(Tender, tender.id).members[0]
    assert member.share_cents == 200_050 and [x.id for x in member.lots] == [lot.id]
    over = client.post(
        f"/appels-d-offres/{tender.id}/part",
        data={"profile_id": str(owner.profile.id), "share": "60 000"},
    )
    assert over.status_code == 302  # above the estimate: saved, with a warning on the page
    db.session.expire_all()
    assert db.session.get(Tender, tender.id).members[0].share_cents == 6_000_000
    page = client.get(f"/appels-d-offres/{tender.id}").get_data(as_text=True)
    assert "À vérifier" in page and "L2152-3" in page


@pytest.mark.parametrize("role", ["manager", "admin", "same_cae"])
def test_only_the_owner_decides(client, login, cae_tender, make_user, role):
    tender, users = cae_tender
    applicant = users["same_cae"] if role != "same_cae" else make_user(tender.owner.user.cae)
    application = apply(applicant, tender, {"lot_ids": [tender.lots[0].id], "role": "cotraitant"})
    db.session.commit()
    login(users[role])
    url = f"/appels-d-offres/{tender.id}/candidatures/{application.id}/decision"
    assert client.post(url, data={"accept": "1"}).status_code == 403
    assert (
        client.post(f"/appels-d-offres/{tender.id}/statut", data={"to": "cancelled"}).status_code
        == 403
    )
    db.session.expire_all()
    assert db.session.get(TenderApplication, application.id).state == "pending"


def test_cancelling_tells_the_team_and_the_calendar(client, make_user, login, outbox):
    owner, member, waiting = make_user(), make_user(), make_user()
    tender = post_tender(owner)
    decide(
        owner,
        apply(member, tender, {"lot_ids": [tender.lots[0].id], "role": "cotraitant"}),
        True,
        None,
    )
    apply(waiting, tender, {"lot_ids": [tender.lots[1].id], "role": "subcontractor"})
    db.session.commit()
    login(owner)
    before = len(outbox())
    cancel = {"to": "cancelled", "confirmed": "1"}
    assert client.post(f"/appels-d-offres/{tender.id}/statut", data=cancel).status_code == 302
    told = sorted(to for to, _s, _b in outbox()[before:])
    assert told == sorted([member.email, waiting.email])
    ics = client.get(f"/api/v1/tenders/{tender.id}/calendar.ics").get_data(as_text=True)
    assert "STATUS:CANCELLED\r\n" in ics


def test_an_application_without_a_lot_is_refused_on_the_page(client, make_user, login):
    owner, applicant = make_user(), make_user()
    tender = post_tender(owner)
    login(applicant)
    r = client.post(
        f"/appels-d-offres/{tender.id}/candidature",
        data={"role": "cotraitant", "message": "Mon message"},
    )
    assert r.status_code == 422
    html = r.get_data(as_text=True)
    assert "Choisissez au moins un lot." in html and "Mon message" in html
    assert db.session.scalar(select(TenderApplication)) is None


@pytest.mark.parametrize(
    "path", ["/appels-d-offres", "/api/v1/tenders", "/api/v1/tenders?q=médiathèque"]
)
def test_tender_lists_make_no_query_per_row(client, count_queries, make_cae, make_user, path):
    owners = [make_user(make_cae(), department="69") for _ in range(3)]

    def tenders(n: int) -> None:
        for i in range(n):
            owner = owners[i % 3]
            tender = post_tender(owner, audience="public")
            member = make_user(make_cae())
            application = apply(
                member, tender, {"lot_ids": [tender.lots[0].id], "role": "subcontractor"}
            )
            decide(owner, application, True, 1000)
            db.session.commit()

    def statements() -> int:
        client.get(path)
        with count_queries() as seen:
            assert client.get(path).status_code == 200
        return seen.count

    tenders(3)
    few = statements()
    tenders(9)
    assert statements() == few


def test_a_lot_described_only_in_words_is_offered_the_competences_its_words_name(
    app, make_cae, make_user
):
    a, b = make_cae("Coop A", department="69"), make_cae("Coop B", department="69")
    owner = make_user(a, department="69")
    gardener = make_user(
        b,
        first_name="Gardener",
        department="69",
        skills=[{"name": "Entretien d'espaces verts", "level": 3}],
    )
    roofer = make_user(b, first_name="Roofer", skills=[{"name": "Couverture", "level": 3}])
    make_user(b, first_name="Painter", skills=[{"name": "Peinture", "level": 4}])
    tender = post_tender(
        owner,
        lots=[
            {"number": 1, "title": "Tonte des pelouses et taille des haies", "skills": ["X"]},
            {"number": 2, "title": "Lot 2 : couverture", "skills": ["X"]},  # a competence
            {"number": 3, "title": "Divers", "skills": ["X"]},  # words that name nothing
        ],
    )
    lot1, lot2, lot3 = tender.lots
    for lot in tender.lots:  # as a public notice whose codes name no competence
        lot.skills = []
    db.session.commit()
    by_lot = suggestions_by_lot(owner, tender)
    assert [s.candidate.profile_id for s in by_lot[lot1.id]] == [gardener.profile.id]
    assert by_lot[lot1.id][0].matched == ["Entretien d'espaces verts"]
    assert [s.candidate.profile_id for s in by_lot[lot2.id]] == [roofer.profile.id]
    assert by_lot[lot3.id] == []
    cover = complete_team(owner, tender)
    assert {s.candidate.profile_id for s in cover.people} == {
        gardener.profile.id,
        roofer.profile.id,
    }
    assert cover.uncovered == []


def test_a_settled_tender_shows_its_status_not_a_countdown(client, make_user, login):
    owner = make_user()
    tender = post_tender(owner)
    login(owner)
    url = f"/appels-d-offres/{tender.id}"
    assert "clôture dans" in client.get(url).get_data(as_text=True)
    tender.status = "won"
    db.session.commit()
    html = client.get(url).get_data(as_text=True)
    assert "gagné" in html and "clôture dans" not in html
    listed = client.get("/appels-d-offres?status=won").get_data(as_text=True)
    assert "clôture dans" not in listed


def test_the_team_sheet_flags_a_lot_with_nobody(client, make_user, login):
    owner = make_user()
    tender = post_tender(owner)
    first = tender.lots[0]
    set_members(owner, tender, [{"profile_id": owner.profile.id, "lot_ids": [first.id]}])
    db.session.commit()
    login(owner)
    html = client.get(f"/appels-d-offres/{tender.id}/fiche-equipe").get_data(as_text=True)
    assert re.findall(r'<li class="lot-empty">Lot (\d+)', html) == [str(tender.lots[1].number)]
    assert "Personne sur ce lot pour l’instant" in html
