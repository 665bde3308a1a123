"""The directory of CAEs, the CAE pages, and their creation and edition."""

from __future__ import annotations

import pytest
from flask_babel import gettext, ngettext
from markupsafe import escape
from sqlalchemy import func, select

from marketplace.actors import SYSTEM
from marketplace.caes.models import Cae
from marketplace.caes.operations import create_cae, list_caes, update_cae
from marketplace.errors import Conflict, PermissionDenied, ValidationError
from marketplace.extensions import db


def t(msgid: str, **values) -> str:
    return str(escape(gettext(msgid, **values)))


def cae_count() -> int:
    return db.session.scalar(select(func.count(Cae.id)))


VALID = {
    "name": "Oxalis",
    "city": "Annecy",
    "department": "74",
    "website": "https://www.oxalis-scop.fr",
    "sectors": "Conseil; Formation ; Numérique",
    "description": "Une CAE multi-activités.\nFondée en 1997.",
}


# Operations -----------------------------------------------------------------------------------


def test_create_cae_from_the_command_line(app):
    cae = create_cae(SYSTEM, {**VALID, "department": "2a", "website": "www.oxalis-scop.fr"})
    db.session.commit()
    assert cae.id
    assert cae.department == "2A"
    assert cae.region == "Corse"
    assert cae.website == "https://www.oxalis-scop.fr"
    assert cae.sector_list == ["Conseil", "Formation", "Numérique"]
    assert cae.description == "Une CAE multi-activités.\nFondée en 1997."


def test_create_cae_takes_sectors_as_a_list_and_drops_duplicates(app):
    cae = create_cae(
        SYSTEM,
        {"name": "Coopaname", "department": "75", "sectors": ["Bâtiment", "BATIMENT", " ", "Arts"]},
    )
    assert cae.sector_list == ["Bâtiment", "Arts"]
    assert cae.city == "" and cae.website is None


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"name": ""}, "name"),
        ({"name": "x" * 161}, "name"),
        ({"city": "x" * 121}, "city"),
        ({"department": "99"}, "department"),
        ({"department": ""}, "department"),
        ({"website": "javascript:alert(1)"}, "website"),
        ({"website": "ftp://example.org"}, "website"),
        ({"website": "pas une adresse"}, "website"),
        ({"website": "https://" + "a" * 250 + ".fr"}, "website"),
        ({"sectors": "; ".join(f"Secteur {i}" for i in range(16))}, "sectors"),
        ({"sectors": "x" * 61}, "sectors"),
        ({"sectors": 12}, "sectors"),
        ({"description": "x" * 5001}, "description"),
        ({"colour": "blue"}, "colour"),
    ],
)
def test_create_cae_validation(app, data, field):
    with pytest.raises(ValidationError) as raised:
        create_cae(SYSTEM, {**VALID, **data})
    assert field in raised.value.fields
    assert cae_count() == 0


def test_names_are_unique_ignoring_case_and_accents(app, make_cae):
    make_cae(name="Élan Créatif")
    with pytest.raises(Conflict) as raised:
        create_cae(SYSTEM, {**VALID, "name": "ELAN CREATIF"})
    assert raised.value.fields["name"] == [gettext("A CAE with this name already exists.")]
    assert cae_count() == 1


def test_only_admins_create(app, make_user):
    member = make_user(role="manager")
    with pytest.raises(PermissionDenied):
        create_cae(member, VALID)


def test_managers_edit_only_website_sectors_and_description(app, make_cae, make_user):
    cae = make_cae(name="Alpha")
    other = make_cae(name="Bêta")
    manager = make_user(cae, role="manager")
    update_cae(manager, cae, {"description": "Nouvelle description", "sectors": "Arts"})
    assert cae.description == "Nouvelle description"
    with pytest.raises(PermissionDenied):
        update_cae(manager, cae, {"name": "Gamma"})
    with pytest.raises(PermissionDenied):
        update_cae(manager, other, {"description": "Pas la mienne"})
    with pytest.raises(PermissionDenied):
        update_cae(make_user(cae), cae, {"description": "Simple membre"})


def test_list_caes_counts_verified_members_in_few_queries(app, count_queries, make_cae, make_user):
    alpha = make_cae(name="Alpha")
    beta = make_cae(name="Bêta")
    make_cae(name="Gamma")
    for _ in range(3):
        make_user(alpha)
    make_user(alpha, verified=False)
    make_user(alpha, role="manager")
    make_user(beta)
    with count_queries() as statements:
        rows = list_caes()
    assert [(row.cae.name, row.member_count) for row in rows] == [
        ("Alpha", 4),
        ("Bêta", 1),
        ("Gamma", 0),
    ]
    assert len(statements) <= 2


# Directory -----------------------------------------------------------------------------------


@pytest.fixture
def directory(make_cae):
    return {
        "oxalis": make_cae(
            name="Oxalis", city="Annecy", department="74", sectors="Conseil;Numérique"
        ),
        "coopaname": make_cae(
            name="Coopaname", city="Paris", department="75", sectors="Formation;Arts"
        ),
        "batir": make_cae(
            name="Bâtir Ensemble",
            city="Rennes",
            department="35",
            sectors="Bâtiment;Rénovation énergétique",
        ),
    }


def test_directory_lists_caes_with_their_members(client, directory, make_user):
    make_user(directory["oxalis"])
    make_user(directory["oxalis"])
    make_user(directory["oxalis"], verified=False)
    response = client.get("/caes")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    for name in (
        "Oxalis",
        "Coopaname",
        "Bâtir Ensemble",
        "Annecy",
        "Haute-Savoie (74)",
        "Bretagne",
    ):
        assert name in page
    assert "Rénovation énergétique" in page
    oxalis = page[page.index("Oxalis</a>") :]
    oxalis = oxalis[: oxalis.index("</article>")]
    assert str(escape(ngettext("%(num)s verified member", "%(num)s verified members", 2))) in oxalis


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("region=Bretagne", {"Bâtir Ensemble"}),
        ("region=%C3%8Ele-de-France", {"Coopaname"}),
        ("sector=renovation", {"Bâtir Ensemble"}),
        ("sector=NUMÉRIQUE", {"Oxalis"}),
        ("q=annecy", {"Oxalis"}),
        ("q=batir", {"Bâtir Ensemble"}),
        ("q=coop&region=Bretagne", set()),
        ("department=75", {"Coopaname"}),
        ("", {"Oxalis", "Coopaname", "Bâtir Ensemble"}),
    ],
)
def test_directory_filters(client, directory, query, expected):
    page = client.get("/caes?" + query).get_data(as_text=True)
    shown = {name for name in ("Oxalis", "Coopaname", "Bâtir Ensemble") if f">{name}</a>" in page}
    assert shown == expected
    if not expected:
        assert t("No CAE matches these filters.") in page


def test_directory_empty_state(client):
    page = client.get("/caes").get_data(as_text=True)
    assert t("The directory is still empty.") in page


# CAE page ------------------------------------------------------------------------------------


def test_cae_page_shows_details(client, make_cae, make_user):
    cae = make_cae(name="Oxalis", city="Annecy", department="74", website="https://oxalis.example",
                   sectors="Conseil;Formation", description="Coopérative depuis 1997")  # fmt: skip
    make_user(cae)
    page = client.get(f"/caes/{cae.id}").get_data(as_text=True)
    expected = ("Oxalis", "Annecy", "Haute-Savoie (74)", "Auvergne-Rhône-Alpes",
                "https://oxalis.example", "Conseil", "Formation",
                "Coopérative depuis 1997")  # fmt: skip
    for text in expected:
        assert text in page
    assert client.get("/caes/999999").status_code == 404


def test_cae_page_lists_only_the_profiles_the_viewer_may_see(
    app, client, login, make_cae, make_user
):
    alpha = make_cae(name="Alpha")
    beta = make_cae(name="Bêta")
    make_user(alpha, headline="Profil réservé à Alpha", audience="cae")
    make_user(alpha, headline="Profil pour le réseau", audience="network")
    make_user(alpha, headline="Profil public", audience="public")
    make_user(alpha, headline="Profil en attente", audience="public", verified=False)
    make_user(beta, headline="Profil de Bêta", audience="public")

    def seen(page: str) -> set[str]:
        names = ("Profil réservé à Alpha", "Profil pour le réseau", "Profil public",
                 "Profil en attente", "Profil de Bêta")  # fmt: skip
        return {name for name in names if name in page}

    anonymous = client.get(f"/caes/{alpha.id}").get_data(as_text=True)
    assert seen(anonymous) == {"Profil public"}

    member_b = app.test_client()
    login(make_user(beta), the_client=member_b)
    assert seen(member_b.get(f"/caes/{alpha.id}").get_data(as_text=True)) == {
        "Profil pour le réseau",
        "Profil public",
    }

    member_a = app.test_client()
    login(make_user(alpha), the_client=member_a)
    assert seen(member_a.get(f"/caes/{alpha.id}").get_data(as_text=True)) == {
        "Profil réservé à Alpha",
        "Profil pour le réseau",
        "Profil public",
    }
    pending_a = app.test_client()
    login(make_user(alpha, verified=False), the_client=pending_a)
    assert seen(pending_a.get(f"/caes/{alpha.id}").get_data(as_text=True)) == {"Profil public"}

    manager_a = app.test_client()
    login(make_user(alpha, role="manager"), the_client=manager_a)
    page = manager_a.get(f"/caes/{alpha.id}").get_data(as_text=True)
    assert "Profil en attente" in page  # the CAE's managers see the people they must verify
    assert f"/gestion/caes/{alpha.id}/membres" in page
    assert f"/caes/{alpha.id}/modifier" in page
    assert f"/gestion/caes/{alpha.id}/membres" not in member_a.get(f"/caes/{alpha.id}").get_data(
        as_text=True
    )


def test_cae_page_paginates_profiles(client, make_cae, make_user):
    cae = make_cae(name="Grande CAE")
    for i in range(23):
        make_user(cae, headline=f"Titre {i:02d}", audience="public")
    first = client.get(f"/caes/{cae.id}").get_data(as_text=True)
    second = client.get(f"/caes/{cae.id}?page=2").get_data(as_text=True)
    assert first.count("profile-card") == 20
    assert second.count("profile-card") == 3


# Create and edit forms -----------------------------------------------------------------------


@pytest.mark.parametrize("role", ["anonymous", "member", "manager", "admin"])
def test_new_cae_form_is_for_admins(role, client, login, make_user):
    if role != "anonymous":
        login(make_user(None, role=role) if role == "admin" else make_user(role=role))
    before = cae_count()
    response = client.get("/caes/nouvelle")
    expected = {"anonymous": 302, "member": 403, "manager": 403, "admin": 200}[role]
    assert response.status_code == expected
    response = client.post("/caes/nouvelle", data=VALID)
    assert response.status_code == (302 if role in ("anonymous", "admin") else 403)
    assert cae_count() == before + (1 if role == "admin" else 0)


def test_admin_creates_a_cae(client, login, make_user):
    login(make_user(None, role="admin"))
    response = client.post("/caes/nouvelle", data=VALID)
    assert response.status_code == 302
    cae = db.session.scalars(select(Cae)).one()
    assert response.headers["Location"].endswith(f"/caes/{cae.id}")
    assert cae.sector_list == ["Conseil", "Formation", "Numérique"]
    page = client.get(f"/caes/{cae.id}").get_data(as_text=True)
    assert "Oxalis" in page


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"name": "oxalis"}, "name", "A CAE with this name already exists."),
        ({"department": "00"}, "department", "Unknown French department code (e.g. 69, 2A, 974)."),
        ({"website": "htp:/oxalis"}, "website", "Enter a web address starting with http:// or https://."),
        ({"name": ""}, "name", "This field is required."),
    ],
)  # fmt: skip
def test_create_form_errors(client, login, make_user, make_cae, data, field, message):
    make_cae(name="Oxalis")
    login(make_user(None, role="admin"))
    response = client.post("/caes/nouvelle", data={**VALID, "name": "Nouvelle CAE", **data})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert f'id="{field}-error"' in page
    assert t(message) in page
    assert cae_count() == 1
    typed = {**VALID, **data}
    if typed["description"]:
        assert "Fondée en 1997." in page  # what was typed is kept


def test_admin_edits_everything(client, login, make_user, make_cae):
    cae = make_cae(name="Alpha", department="69")
    login(make_user(None, role="admin"))
    form = client.get(f"/caes/{cae.id}/modifier").get_data(as_text=True)
    assert 'name="name"' in form and 'value="Alpha"' in form
    response = client.post(f"/caes/{cae.id}/modifier", data={**VALID, "name": "Alpha Coop"})
    assert response.status_code == 302
    cae = db.session.get(Cae, cae.id)
    assert (cae.name, cae.department, cae.city) == ("Alpha Coop", "74", "Annecy")


def test_renaming_to_an_existing_name_is_refused(client, login, make_user, make_cae):
    alpha = make_cae(name="Alpha")
    make_cae(name="Bêta")
    login(make_user(None, role="admin"))
    response = client.post(f"/caes/{alpha.id}/modifier", data={**VALID, "name": "BETA"})
    assert response.status_code == 422
    assert db.session.get(Cae, alpha.id).name == "Alpha"
    # keeping its own name (in another case) is fine
    response = client.post(f"/caes/{alpha.id}/modifier", data={**VALID, "name": "ALPHA"})
    assert response.status_code == 302


def test_manager_edits_the_limited_fields(client, login, make_user, make_cae):
    cae = make_cae(name="Alpha", department="69", city="Lyon")
    login(make_user(cae, role="manager"))
    form = client.get(f"/caes/{cae.id}/modifier").get_data(as_text=True)
    assert 'name="description"' in form and 'name="name"' not in form
    response = client.post(
        f"/caes/{cae.id}/modifier",
        data={"name": "Piratée", "department": "75", "website": "alpha.coop",
              "sectors": "Arts; Artisanat", "description": "Notre CAE"},
    )  # fmt: skip
    assert response.status_code == 302
    cae = db.session.get(Cae, cae.id)
    assert (cae.name, cae.department) == ("Alpha", "69")  # ignored: not in the manager's form
    assert cae.website == "https://alpha.coop"
    assert cae.sector_list == ["Arts", "Artisanat"]
    assert cae.description == "Notre CAE"

    response = client.post(f"/caes/{cae.id}/modifier", data={"website": "javascript:alert(1)"})
    assert response.status_code == 422
    assert db.session.get(Cae, cae.id).website == "https://alpha.coop"


@pytest.mark.parametrize("role", ["anonymous", "member_same", "manager_other"])
def test_edit_is_refused_to_others(role, client, login, make_user, make_cae):
    cae = make_cae(name="Alpha", description="Originale")
    if role == "member_same":
        login(make_user(cae))
    elif role == "manager_other":
        login(make_user(make_cae(name="Bêta"), role="manager"))
    get = client.get(f"/caes/{cae.id}/modifier")
    post = client.post(f"/caes/{cae.id}/modifier", data={"description": "Modifiée"})
    expected = 302 if role == "anonymous" else 403
    assert (get.status_code, post.status_code) == (expected, expected)
    assert db.session.get(Cae, cae.id).description == "Originale"
    assert client.get("/caes/999999/modifier").status_code in (302, 404)
