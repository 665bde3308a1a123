"""Skill profiles in HTML: the edit page, the profile page and the filtered list."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
from babel.messages.mofile import read_mo
from sqlalchemy import func, select

from marketplace.extensions import db
from marketplace.profiles.models import Profile, ProfileSkill
from marketplace.skills.models import Skill
from tests import typography
from tests.conftest import PASSWORD

ROOT = Path(__file__).resolve().parents[2]
CATALOG = ROOT / "translations/fr/LC_MESSAGES/messages.mo"


def _french_catalog() -> dict[str, str]:
    if not CATALOG.exists():
        return {}
    found: dict[str, str] = {}
    with CATALOG.open("rb") as f:
        for message in read_mo(f):
            ids = message.id if isinstance(message.id, list | tuple) else (message.id,)
            strings = (
                message.string if isinstance(message.string, list | tuple) else (message.string,)
            )
            for msgid, string in zip(ids, strings, strict=False):
                if msgid and string:
                    found[msgid] = string
    return found


FRENCH = _french_catalog()


def said(en: str, fr: str, **values) -> str:
    """The text the French interface shows: French once the catalogs are compiled with it."""
    fr = typography.fr(fr)
    text = fr if en in FRENCH else en
    if en in FRENCH:
        assert FRENCH[en] == fr, f"catalog says {FRENCH[en]!r}"
    text = text % values if values else text
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def form_data(**overrides) -> dict[str, str]:
    data = {
        "headline": "Thermicienne, audit et rénovation énergétique",
        "bio": "Dix ans de bureau d'études.\nJ'aime les chantiers partagés.",
        "status": "associate",
        "skills-0-name": "RÉNOVATION ÉNERGÉTIQUE",
        "skills-0-level": "4",
        "skills-1-name": "Audit thermique",
        "skills-1-level": "3",
        "skills-2-name": "",
        "skills-2-level": "",
        "certifications": "RGE; Qualiopi\nQualiBAT",
        "languages": "Français, anglais",
        "city": "Villeurbanne",
        "department": "69",
        "availability": "partial",
        "available_from": "2030-03-01",
        "daily_rate": "1 234,50",
        "audience": "network",
        "submit": "Enregistrer",
    }
    data.update(overrides)
    return data


def snapshot(user) -> tuple:
    """What is stored for this person's profile, read fresh from the database."""
    db.session.expire_all()
    profile = db.session.scalar(select(Profile).where(Profile.user_id == user.id))
    return (
        profile.headline,
        profile.department,
        profile.daily_rate_cents,
        profile.audience,
        [(ps.name, ps.level) for ps in profile.skills],
        profile.certification_names,
        profile.updated_at,
    )


# The edit page -------------------------------------------------------------------------------


def test_edit_requires_login(client):
    response = client.get("/profils/moi")
    assert response.status_code == 302
    assert "/connexion" in response.headers["Location"]


def test_edit_page_shows_existing_skills_and_three_empty_rows(client, make_user, login):
    user = make_user(skills=[{"name": "Menuiserie", "level": 3}], daily_rate_cents=45050)
    login(user)
    page = client.get("/profils/moi").get_data(as_text=True)
    assert 'value="Menuiserie"' in page
    assert 'id="skills-3-name"' in page and 'id="skills-4-name"' not in page
    assert 'value="450,50"' in page
    assert '<option value="2A">Corse-du-Sud (2A)</option>' in page
    assert '<option value="974">La Réunion (974)</option>' in page
    assert 'name="add_rows"' in page
    assert "<script src=" in page and "js/skills.js" in page
    assert "<script>" not in page  # the CSP forbids inline scripts


def test_edit_happy_path_saves_and_normalises(client, make_user, login):
    other = make_user(skills=[{"name": "renovation energetique", "level": 2}])
    user = make_user(verified=False)  # pending members may build their profile too
    login(user)
    response = client.post("/profils/moi", data=form_data())
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/profils/{user.profile.id}")

    db.session.expire_all()
    profile = db.session.get(Profile, user.profile.id)
    assert profile.headline == "Thermicienne, audit et rénovation énergétique"
    # A member proposes a status; it is confirmed by the CAE's managers (approvals/statuses.py).
    assert (profile.status, profile.status_proposed) == ("employee", "associate")
    assert [(ps.skill.key, ps.level) for ps in profile.skills] == [
        ("renovation energetique", 4),
        ("audit thermique", 3),
    ]
    assert profile.certification_names == ["QualiBAT", "Qualiopi", "RGE"]
    assert profile.language_names == ["Français", "anglais"]
    assert (profile.city, profile.department, profile.region) == (
        "Villeurbanne",
        "69",
        "Auvergne-Rhône-Alpes",
    )
    assert profile.availability == "partial"
    assert profile.available_from == date(2030, 3, 1)
    assert profile.daily_rate_cents == 123450
    assert profile.audience == "network"
    # One shared record for both spellings.
    keys = db.session.scalars(select(Skill.key).where(Skill.key == "renovation energetique"))
    assert len(list(keys)) == 1
    shared = db.session.scalar(select(Skill).where(Skill.key == "renovation energetique"))
    holders = db.session.scalars(
        select(ProfileSkill.profile_id).where(ProfileSkill.skill_id == shared.id)
    )
    assert sorted(holders) == sorted([other.profile.id, user.profile.id])

    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert said("Your profile is saved.", "Votre profil est enregistré.") in page


def test_same_competence_twice_in_the_form_is_one_row(client, make_user, login):
    user = make_user()
    login(user)
    data = form_data(**{"skills-2-name": "rénovation  énergétique", "skills-2-level": "2"})
    assert client.post("/profils/moi", data=data).status_code == 302
    profile = db.session.get(Profile, user.profile.id)
    db.session.refresh(profile)
    assert [ps.skill.key for ps in profile.skills].count("renovation energetique") == 1


def test_emptying_a_row_removes_the_competence_and_rate(client, make_user, login):
    user = make_user(skills=[{"name": "Menuiserie", "level": 3}], daily_rate_cents=40000)
    login(user)
    data = form_data(**{"skills-0-name": "", "skills-1-name": "", "daily_rate": ""})
    assert client.post("/profils/moi", data=data).status_code == 302
    profile = db.session.get(Profile, user.profile.id)
    db.session.refresh(profile)
    assert profile.skills == [] and profile.daily_rate_cents is None


def test_add_rows_keeps_typed_data_without_saving(client, make_user, login):
    user = make_user(headline="Avant")
    login(user)
    before = snapshot(user)
    data = form_data(headline="Tapé mais pas enregistré", daily_rate="abc", add_rows="1")
    data.pop("submit")
    response = client.post("/profils/moi", data=data)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert 'value="Tapé mais pas enregistré"' in page
    assert 'value="RÉNOVATION ÉNERGÉTIQUE"' in page
    assert 'value="abc"' in page
    assert "Villeurbanne" in page
    # three rows typed (0..2) and three more
    assert 'id="skills-5-name"' in page and 'id="skills-6-name"' not in page
    assert 'class="error"' not in page
    assert snapshot(user) == before


BAD_INPUTS = [
    ("department", {"department": "99"}, "department",
     "Unknown French department code (e.g. 69, 2A, 974).",
     "Code de département français inconnu (par exemple 69, 2A, 974)."),
    ("level 5", {"skills-1-level": "5"}, "skills",
     "The level of “%(name)s” must be between 1 and 4.",
     "Le niveau de « %(name)s » doit être compris entre 1 et 4."),
    ("missing level", {"skills-1-level": ""}, "skills",
     "The level of “%(name)s” must be between 1 and 4.",
     "Le niveau de « %(name)s » doit être compris entre 1 et 4."),
    ("rate abc", {"daily_rate": "abc"}, "daily_rate",
     "Enter an amount in euros, e.g. 450 or 450,50.",
     "Indiquez un montant en euros, par exemple 450 ou 450,50."),
    ("rate negative", {"daily_rate": "-5"}, "daily_rate",
     "The daily rate must be between 0 and 10 000 €.",
     "Le tarif journalier doit être compris entre 0 et 10 000 €."),
    ("rate too high", {"daily_rate": "25000"}, "daily_rate",
     "The daily rate must be between 0 and 10 000 €.",
     "Le tarif journalier doit être compris entre 0 et 10 000 €."),
    ("headline too long", {"headline": "x" * 161}, "headline",
     "At most %(n)d characters.", "%(n)d caractères au maximum."),
    ("bad date", {"available_from": "2026-13-45"}, "available_from", None, None),
]  # fmt: skip


@pytest.mark.parametrize(
    ("overrides", "field", "en", "fr"),
    [case[1:] for case in BAD_INPUTS],
    ids=[case[0] for case in BAD_INPUTS],
)
def test_bad_input_is_refused_in_french_and_nothing_is_written(
    client, make_user, login, overrides, field, en, fr
):
    user = make_user(headline="Avant", skills=[{"name": "Menuiserie", "level": 3}])
    login(user)
    before = snapshot(user)
    skills_before = db.session.scalar(select(func.count(Skill.id)))
    response = client.post("/profils/moi", data=form_data(**overrides))
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    if field == "skills":
        assert 'id="skills-error"' in page
    else:
        assert f'id="{field}-error"' in page
        assert re.search(
            rf'id="{field}"[^>]*aria-invalid="true"|aria-invalid="true"[^>]*id="{field}"', page
        )
    if en:
        values = {"name": "Audit thermique", "n": 160}
        assert said(en, fr, **values) in page
    # everything typed is kept
    for key in ("city", "languages"):
        assert form_data()[key] in page
    assert 'value="RÉNOVATION ÉNERGÉTIQUE"' in page
    assert snapshot(user) == before
    assert db.session.scalar(select(func.count(Skill.id))) == skills_before


def test_several_errors_are_shown_together(client, make_user, login):
    user = make_user()
    login(user)
    data = form_data(daily_rate="abc", department="99", headline="x" * 200)
    page = client.post("/profils/moi", data=data).get_data(as_text=True)
    for field in ("daily_rate", "department", "headline"):
        assert f'id="{field}-error"' in page


def test_unknown_audience_or_status_is_refused(client, make_user, login):
    user = make_user()
    login(user)
    before = snapshot(user)
    for overrides in ({"audience": "everyone"}, {"status": "boss"}, {"availability": "soon"}):
        response = client.post("/profils/moi", data=form_data(**overrides))
        assert response.status_code == 422
        field = next(iter(overrides))
        assert f'id="{field}-error"' in response.get_data(as_text=True)
    assert snapshot(user) == before


def test_too_many_rows_in_a_crafted_post_are_capped(client, make_user, login):
    user = make_user()
    login(user)
    data = form_data()
    for i in range(3, 60):
        data[f"skills-{i}-name"] = f"Compétence {i}"
        data[f"skills-{i}-level"] = "2"
    response = client.post("/profils/moi", data=data)
    assert response.status_code == 422  # at most 40 competences
    assert snapshot(user)[4] == []


def test_edit_without_csrf_token_is_refused(app, client, make_user, monkeypatch):
    user = make_user(headline="Avant")
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)  # read at each request
    page = client.get("/connexion").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)
    client.post(
        "/connexion", data={"email": user.email, "password": PASSWORD, "csrf_token": token[1]}
    )
    response = client.post("/profils/moi", data=form_data(headline="Pirate"))
    assert response.status_code in (400, 422)
    assert snapshot(user)[0] == "Avant"
    # the edit form carries its own token, and with it the profile is saved
    page = client.get("/profils/moi").get_data(as_text=True)
    token = re.search(r'id="csrf_token" name="csrf_token" type="hidden" value="([^"]+)"', page)
    response = client.post("/profils/moi", data=form_data(headline="Moi", csrf_token=token[1]))
    assert response.status_code == 302
    assert snapshot(user)[0] == "Moi"


# The list -------------------------------------------------------------------------------------


def names_on(page: str) -> set[str]:
    return set(re.findall(r'<h3 class="card-title"><a href="/profils/\d+">([^<]+)</a>', page))


def total_on(page: str) -> int:
    return int(re.search(r'data-total="(\d+)"', page)[1])


@pytest.fixture
def people(make_cae, make_user):
    lyon = make_cae("Coopérative Rhône", department="69")
    rennes = make_cae("Coop Bretagne", department="35", city="Rennes")
    public = {"password": None, "audience": "public"}
    make_user(
        lyon, first_name="Alice", last_name="Renov", headline="Rénovation de maisons",
        skills=[{"name": "Rénovation énergétique", "level": 4}], department="69",
        city="Villeurbanne", status="associate", availability="available", **public,
    )  # fmt: skip
    make_user(
        lyon, first_name="Bruno", last_name="Web", headline="Sites web",
        skills=[{"name": "Développement web", "level": 3}], department="38",
        city="Grenoble", status="employee", availability="partial", **public,
    )  # fmt: skip
    make_user(
        rennes, first_name="Chloé", last_name="Forme", headline="Formatrice",
        skills=[{"name": "Formation d'adultes", "level": 4},
                {"name": "renovation energetique", "level": 1}],
        department="35", city="Rennes", status="project_holder", availability="unavailable",
        **public,
    )  # fmt: skip
    return {"lyon": lyon, "rennes": rennes}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", {"Alice Renov", "Bruno Web", "Chloé Forme"}),
        ("skill=RENOVATION+%C3%89nerg%C3%A9tique", {"Alice Renov", "Chloé Forme"}),
        ("skill=renovation", set()),  # the competence filter is an exact (folded) name
        ("department=38", {"Bruno Web"}),
        ("region=Bretagne", {"Chloé Forme"}),
        ("region=Auvergne-Rh%C3%B4ne-Alpes", {"Alice Renov", "Bruno Web"}),
        ("status=associate", {"Alice Renov"}),
        ("availability=partial", {"Bruno Web"}),
        ("availability=unavailable&status=project_holder", {"Chloé Forme"}),
        ("q=renovation", {"Alice Renov", "Chloé Forme"}),
        ("q=R%C3%89NOV", {"Alice Renov", "Chloé Forme"}),
        ("q=grenoble", {"Bruno Web"}),
        ("q=chlo%C3%A9", {"Chloé Forme"}),
        ("q=sites+web", {"Bruno Web"}),
        ("q=renovation&department=35", {"Chloé Forme"}),
        ("q=introuvable", set()),
        ("q=100%25", set()),
        ("department=99&status=boss", {"Alice Renov", "Bruno Web", "Chloé Forme"}),  # ignored
    ],
)
def test_list_filters(client, people, query, expected):
    response = client.get("/profils?" + query)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert names_on(page) == expected
    assert total_on(page) == len(expected)


def test_list_filter_by_cae(client, people):
    page = client.get(f"/profils?cae={people['rennes'].id}").get_data(as_text=True)
    assert names_on(page) == {"Chloé Forme"}
    page = client.get("/profils?cae=abc").get_data(as_text=True)
    assert len(names_on(page)) == 3


def test_list_keeps_filters_in_the_form_and_shows_empty_state(client, people):
    page = client.get("/profils?q=introuvable&department=35").get_data(as_text=True)
    assert 'value="introuvable"' in page
    assert '<option selected value="35">' in page
    assert 'class="empty-state"' in page
    assert (
        said("No profile matches these criteria.", "Aucun profil ne correspond à ces critères.")
        in page
    )


def test_list_count_text(client, people):
    page = client.get("/profils").get_data(as_text=True)
    assert said("%(num)s profiles", "%(num)s profils", num=3) in page


def test_list_pagination_keeps_filters(client, make_cae, make_user):
    cae = make_cae()
    for i in range(23):
        make_user(
            cae, last_name=f"Personne{i:02d}", department="69", audience="public", password=None
        )
    make_user(cae, last_name="Ailleurs", department="75", audience="public", password=None)
    page = client.get("/profils?department=69").get_data(as_text=True)
    assert len(names_on(page)) == 20 and total_on(page) == 23
    assert "department=69" in re.search(r'<a rel="next" href="([^"]+)"', page)[1]
    page2 = client.get("/profils?department=69&page=2").get_data(as_text=True)
    assert len(names_on(page2)) == 3
    assert names_on(page).isdisjoint(names_on(page2))
    assert client.get("/profils?department=69&page=3").status_code == 404
    assert client.get("/profils?page=0").status_code == 404
    assert client.get("/profils?page=abc").status_code == 200


def count_statements(client, count_queries, url: str) -> int:
    """The statements of one request once the process's caches are warm (the search's concept
    table is read once and then only checked)."""
    client.get(url)
    with count_queries() as seen:
        response = client.get(url)
    assert response.status_code == 200
    return seen.count


def _add_people(make_cae, make_user, n: int, start: int) -> None:
    cae = make_cae()
    for i in range(start, start + n):
        make_user(
            cae,
            password=None,
            headline=f"Profil {i}",
            department="69",
            audience="network",
            skills=[{"name": f"Skill {i}", "level": 2}, {"name": "Commun", "level": 3}],
            certifications=["RGE", f"Cert {i}"],
            languages=["Français", "Anglais"],
        )


@pytest.mark.parametrize("url", ["/profils", "/profils?q=profil&department=69", "/"])
def test_list_queries_do_not_grow_with_the_number_of_profiles(
    client, count_queries, make_cae, make_user, login, url
):
    viewer = make_user()
    login(viewer)
    _add_people(make_cae, make_user, 2, 0)
    few = count_statements(client, count_queries, url)
    _add_people(make_cae, make_user, 15, 2)
    many = count_statements(client, count_queries, url)
    assert many == few, (few, many)
    # The signed-in home page also reads « Pour vous » (the member's competences and place,
    # open offers and tenders), the header's unread counts, and the newest profiles of each
    # department before the chosen ones (profiles from several regions).
    assert few <= (16 if url == "/" else 12)


def test_the_home_page_shows_profiles_from_several_regions(client, make_cae, make_user):
    """The latest updates all come from one CAE (it has just brought its members in): the home
    page still shows the network, the newest of each region first, and fills up with the
    newest others."""
    from sqlalchemy import update

    from marketplace.timeutil import utcnow

    lyon, paris, reunion = make_cae("Coop Lyon"), make_cae("Coop Paris"), make_cae("Coop Réunion")
    older = [
        make_user(paris, last_name="Parisienne", department="75", audience="public", password=None),
        make_user(
            reunion, last_name="Dionysienne", department="974", audience="public", password=None
        ),
    ]
    db.session.execute(
        update(Profile)
        .where(Profile.id.in_([u.profile.id for u in older]))
        .values(updated_at=utcnow().replace(year=2025))
    )
    db.session.commit()
    newest = [
        make_user(
            lyon, last_name=f"Lyonnaise{i}", department="69", audience="public", password=None
        )
        for i in range(8)
    ]
    page = client.get("/").get_data(as_text=True)
    shown = re.findall(r"(Parisienne|Dionysienne|Lyonnaise\d)", page)
    assert "Parisienne" in shown and "Dionysienne" in shown
    assert len(set(shown)) == 6  # the newest Lyon profiles fill the other places
    assert f"Lyonnaise{len(newest) - 1}" in shown
