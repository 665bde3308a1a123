"""Sign-up, sign-in, sign-out, forgotten password, invitations, rate limits and CSRF (HTML)."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from flask_babel import gettext
from markupsafe import escape
from sqlalchemy import func, select

from marketplace import create_app
from marketplace.accounts import notify
from marketplace.accounts.models import MembershipEvent, User
from marketplace.extensions import db
from marketplace.profiles.models import Profile
from tests.conftest import PASSWORD, links_in

NEW_PASSWORD = "Ruche-Solidaire-2027"


def t(msgid: str, **values) -> str:
    """The message as the (French by default) page shows it, HTML-escaped."""
    return str(escape(gettext(msgid, **values)))


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def is_signed_in(client) -> bool:
    """The account page opens only for a signed-in person (others go to the sign-in form)."""
    return client.get("/compte").status_code == 200


def path_of(link: str) -> str:
    return urlsplit(link).path


# Sign-up -------------------------------------------------------------------------------------


@pytest.fixture
def signup_data(make_cae):
    cae = make_cae(name="Coopérative Oxalis", city="Annecy", department="74")

    def data(**changes) -> dict:
        values = {
            "first_name": "Léa",
            "last_name": "Fontaine",
            "email": "lea.fontaine@example.org",
            "password": NEW_PASSWORD,
            "password_confirm": NEW_PASSWORD,
            "cae": str(cae.id),
            "status": "project_holder",
        }
        values.update(changes)
        return values

    data.cae = cae
    return data


def test_signup_form_lists_caes_by_name_with_city_and_department(client, make_cae):
    make_cae(name="Zèbre Coop", city="Rennes", department="35")
    make_cae(name="Alpha CAE", city="Lyon", department="69")
    page = client.get("/inscription").get_data(as_text=True)
    assert page.index("Alpha CAE") < page.index("Zèbre Coop")
    assert "Lyon (69)" in page and "Rennes (35)" in page
    assert 'name="status"' in page and 'value="associate"' in page
    assert (
        t(
            "Essaim is open to the entrepreneur·es of the cooperatives of activity and "
            "employment (CAE). Choose your CAE: its support team will verify that you belong "
            "to it. Until then you only see public content."
        )
        in page
    )


def test_signup_creates_pending_account_signs_in_and_goes_to_profile(client, signup_data):
    response = client.post("/inscription", data=signup_data())
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/profils/moi")
    user = db.session.scalar(select(User).where(User.email == "lea.fontaine@example.org"))
    assert user is not None
    assert user.membership == "pending"
    assert user.cae_id == signup_data.cae.id
    assert user.profile.status == "project_holder"
    assert user.password_hash and NEW_PASSWORD not in user.password_hash
    assert count(MembershipEvent) == 1
    # Signed in: the account page opens and says the membership awaits verification.
    page = client.get("/compte").get_data(as_text=True)
    assert "lea.fontaine@example.org" in page
    assert t("awaiting verification") in page


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"password": "court", "password_confirm": "court"}, "password"),
        ({"password": "motdepasse123", "password_confirm": "motdepasse123"}, "password"),
        ({"password": "Fontaine-lea", "password_confirm": "Fontaine-lea"}, "password"),
        ({"password_confirm": "Autre-Chose-2027"}, "password_confirm"),
        ({"email": "pas-une-adresse"}, "email"),
        ({"email": ""}, "email"),
        ({"first_name": "  "}, "first_name"),
        ({"last_name": "x" * 81}, "last_name"),
        ({"cae": "999999"}, "cae"),
        ({"cae": ""}, "cae"),
        ({"cae": "abc"}, "cae"),
        ({"status": "boss"}, "status"),
    ],
)
def test_signup_bad_input_writes_nothing_and_keeps_values(client, signup_data, changes, field):
    response = client.post("/inscription", data=signup_data(**changes))
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert f'id="{field}-error"' in page
    assert count(User) == 0 and count(Profile) == 0 and count(MembershipEvent) == 0
    if field != "email":
        assert 'value="lea.fontaine@example.org"' in page
    assert NEW_PASSWORD not in page  # the password is never sent back
    assert not is_signed_in(client)


def test_signup_messages_are_the_domain_ones(client, signup_data):
    page = client.post(
        "/inscription", data=signup_data(password="court", password_confirm="autre")
    ).get_data(as_text=True)
    assert t("The password must be at least %(n)d characters long.", n=10) in page
    assert t("The two passwords are not the same.") in page


def test_signup_with_existing_email_is_refused(client, signup_data, make_user):
    make_user(email="lea.fontaine@example.org")
    before = count(User)
    response = client.post("/inscription", data=signup_data(email="Lea.Fontaine@Example.org"))
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert 'id="email-error"' in page
    assert t("An account already exists with this e-mail address.") in page
    assert count(User) == before


# Sign-in and sign-out -----------------------------------------------------------------------


def test_login_with_good_credentials_signs_in(client, make_user):
    user = make_user(email="ana@example.org")
    response = client.post("/connexion", data={"email": "ANA@example.org", "password": PASSWORD})
    assert response.status_code == 302
    assert urlsplit(response.headers["Location"]).path == "/"
    assert client.get("/compte").status_code == 200
    assert db.session.get(User, user.id).last_login_at is not None
    assert client.get_cookie("remember_token") is None


def test_login_refusals_all_say_the_same(client, make_user):
    make_user(email="ana@example.org")
    make_user(email="invited@example.org", password=None)
    pages = []
    for email, password in [
        ("ana@example.org", "Mauvais-mot-de-passe"),
        ("nobody@example.org", PASSWORD),
        ("invited@example.org", PASSWORD),
    ]:
        response = client.post("/connexion", data={"email": email, "password": password})
        assert response.status_code == 422
        page = response.get_data(as_text=True)
        assert t("Incorrect e-mail address or password.") in page
        # The form's CSRF token is signed with the time of each request: not part of the answer.
        page = re.sub(r'name="csrf_token" value="[^"]+"', 'name="csrf_token"', page)
        pages.append(page.replace(email, "EMAIL"))
    assert len(set(pages)) == 1
    assert not is_signed_in(client)


def test_login_requires_both_fields(client):
    response = client.post("/connexion", data={"email": "", "password": ""})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert 'id="email-error"' in page and 'id="password-error"' in page


def test_remember_me_sets_a_lasting_cookie(client, make_user):
    user = make_user()
    response = client.post(
        "/connexion", data={"email": user.email, "password": PASSWORD, "remember": "y"}
    )
    assert response.status_code == 302
    cookie = client.get_cookie("remember_token")
    assert cookie is not None and cookie.expires is not None


def test_logout_is_a_post_and_signs_out(client, make_user, login):
    login(make_user())
    assert client.get("/deconnexion").status_code == 405
    assert client.get("/compte").status_code == 200
    response = client.post("/deconnexion")
    assert response.status_code == 302
    assert client.get("/compte").status_code == 302


@pytest.mark.parametrize(
    "target",
    ["//evil.example", "https://evil.example", "https://evil.example/connexion", "/\\evil.example"],
)
def test_login_refuses_open_redirects(client, make_user, target):
    user = make_user()
    response = client.post(
        "/connexion", data={"email": user.email, "password": PASSWORD, "next": target}
    )
    assert response.status_code == 302
    location = response.headers["Location"]
    assert "evil" not in location
    assert urlsplit(location).path == "/"


def test_login_follows_a_local_next(client, make_user):
    user = make_user()
    page = client.get("/connexion?next=/compte/jetons").get_data(as_text=True)
    assert 'value="/compte/jetons"' in page
    response = client.post(
        "/connexion", data={"email": user.email, "password": PASSWORD, "next": "/compte/jetons"}
    )
    assert response.headers["Location"] == "/compte/jetons"


def test_protected_page_sends_to_login_with_next(client):
    response = client.get("/compte")
    assert response.status_code == 302
    assert "/connexion" in response.headers["Location"]
    assert "next=" in response.headers["Location"]


# Forgotten password, reset and invitation ---------------------------------------------------


def _without_csrf(page: str) -> str:
    return re.sub(r'name="csrf_token" value="[^"]*"', 'name="csrf_token" value=""', page)


def test_forgot_answers_the_same_for_known_and_unknown(client, make_user, outbox):
    make_user(email="ana@example.org")
    known = client.post(
        "/mot-de-passe-oublie", data={"email": "ana@example.org"}, follow_redirects=True
    )
    unknown = client.post(
        "/mot-de-passe-oublie", data={"email": "nobody@example.org"}, follow_redirects=True
    )
    assert known.status_code == unknown.status_code == 200
    # The CSRF tokens carry the second they were signed in: the pages differ by nothing else.
    assert _without_csrf(known.get_data(as_text=True)) == _without_csrf(
        unknown.get_data(as_text=True)
    )
    assert "nobody" not in unknown.get_data(as_text=True)
    mails = outbox()
    assert [to for to, _subject, _body in mails] == ["ana@example.org"]


def test_forgot_rejects_malformed_address(client, outbox):
    response = client.post("/mot-de-passe-oublie", data={"email": "pas une adresse"})
    assert response.status_code == 422
    assert 'id="email-error"' in response.get_data(as_text=True)
    assert outbox() == []


def _reset_link(client, outbox, email: str) -> str:
    client.post("/mot-de-passe-oublie", data={"email": email})
    (_to, _subject, body), *_ = outbox()
    link = next(link for link in links_in(body) if "/mot-de-passe/" in link)
    return path_of(link)


def test_reset_full_flow_and_link_works_once(client, make_user, outbox):
    user = make_user(email="ana@example.org")
    path = _reset_link(client, outbox, "ana@example.org")

    page = client.get(path)
    assert page.status_code == 200
    assert "ana@example.org" in page.get_data(as_text=True)

    bad = client.post(path, data={"password": "court", "password_confirm": "court"})
    assert bad.status_code == 422
    assert 'id="password-error"' in bad.get_data(as_text=True)
    assert db.session.get(User, user.id).password_hash == user.password_hash

    response = client.post(path, data={"password": NEW_PASSWORD, "password_confirm": NEW_PASSWORD})
    assert response.status_code == 302
    assert client.get("/compte").status_code == 200  # signed in

    # The link is used: refused now, with a way to ask for a new one.
    again = client.get(path)
    assert again.status_code == 400
    assert "/mot-de-passe-oublie" in again.get_data(as_text=True)
    assert (
        client.post(
            path, data={"password": "Encore-Une-Fois-99", "password_confirm": "Encore-Une-Fois-99"}
        ).status_code
        == 400
    )

    other = client.application.test_client()
    assert (
        other.post(
            "/connexion", data={"email": "ana@example.org", "password": PASSWORD}
        ).status_code
        == 422
    )
    assert (
        other.post(
            "/connexion", data={"email": "ana@example.org", "password": NEW_PASSWORD}
        ).status_code
        == 302
    )


def test_expired_or_garbage_reset_link_is_refused(app, client, make_user, outbox):
    make_user(email="ana@example.org")
    path = _reset_link(client, outbox, "ana@example.org")
    app.config["PASSWORD_RESET_MAX_AGE"] = -1
    response = client.get(path)
    assert response.status_code == 400
    assert t("This link no longer works") in response.get_data(as_text=True)
    assert client.get("/mot-de-passe/nimportequoi").status_code == 400
    assert (
        client.post(
            path, data={"password": NEW_PASSWORD, "password_confirm": NEW_PASSWORD}
        ).status_code
        == 400
    )
    assert client.get("/compte").status_code == 302


def test_invitation_link_lets_an_imported_member_choose_a_password(client, make_user, outbox):
    user = make_user(email="imported@example.org", password=None, first_name="Yannick")
    notify.send_invitation(user)
    db.session.commit()
    (_to, _subject, body), *_ = outbox()
    path = path_of(next(link for link in links_in(body) if "/invitation/" in link))

    page = client.get(path)
    assert page.status_code == 200
    assert "Yannick" in page.get_data(as_text=True)
    # A reset link is not an invitation link, and the reverse.
    assert client.get(path.replace("/invitation/", "/mot-de-passe/")).status_code == 400

    response = client.post(path, data={"password": NEW_PASSWORD, "password_confirm": NEW_PASSWORD})
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/profils/moi")
    assert client.get("/compte").status_code == 200
    assert db.session.get(User, user.id).password_hash
    assert client.get(path).status_code == 400  # used


# Rate limits and CSRF -----------------------------------------------------------------------


@pytest.fixture
def app_with(app_config):
    """Build another app on the same database with some settings changed (closed afterwards)."""
    built = []

    def build(**changes):
        other = create_app({**app_config, **changes})
        built.append(other)
        return other

    yield build
    for other in built:
        with other.app_context():
            db.session.remove()
            db.engine.dispose()


def test_sign_in_is_rate_limited(app_with, make_user):
    user = make_user()
    limited = app_with(RATELIMIT_ENABLED=True)
    client = limited.test_client()
    for _ in range(3):
        assert client.get("/connexion").status_code == 200  # GET does not count
    statuses = [
        client.post(
            "/connexion", data={"email": user.email, "password": "Mauvais-2027!"}
        ).status_code
        for _ in range(11)
    ]
    assert statuses[:10] == [422] * 10
    assert statuses[10] == 429
    page = client.post("/connexion", data={"email": user.email, "password": PASSWORD})
    assert page.status_code == 429  # even the right password waits
    assert t("Too many attempts") in page.get_data(as_text=True)


def test_sign_up_and_forgot_are_rate_limited(app_with):
    limited = app_with(RATELIMIT_ENABLED=True)
    client = limited.test_client()
    signups = [client.post("/inscription", data={}).status_code for _ in range(6)]
    assert signups == [422] * 5 + [429]
    forgots = [
        client.post("/mot-de-passe-oublie", data={"email": "x@example.org"}).status_code
        for _ in range(6)
    ]
    assert forgots == [302] * 5 + [429]


def test_sign_in_without_csrf_token_is_refused(app_with, make_user):
    user = make_user()
    protected = app_with(WTF_CSRF_ENABLED=True)
    client = protected.test_client()
    response = client.post("/connexion", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 400
    assert not is_signed_in(client)
    assert db.session.get(User, user.id).last_login_at is None
    # With the token of the form, the same sign-in works.
    page = client.get("/connexion").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    response = client.post(
        "/connexion", data={"email": user.email, "password": PASSWORD, "csrf_token": token}
    )
    assert response.status_code == 302
