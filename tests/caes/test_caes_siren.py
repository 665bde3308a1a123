"""A CAE's SIREN: 9 digits with a valid Luhn key, unique, set by its managers, admins, the CLI."""

from __future__ import annotations

import pytest

from marketplace.actors import SYSTEM
from marketplace.caes.models import Cae
from marketplace.caes.operations import create_cae, update_cae
from marketplace.errors import Conflict, ValidationError
from marketplace.extensions import db

VALID, OTHER = "732829320", "552100554"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("732 829 320", VALID), (VALID, VALID), ("", None), (None, None), ("  ", None)],
)
def test_siren_is_read_without_spaces(app, raw, expected):
    cae = create_cae(SYSTEM, {"name": "Alpha", "department": "69", "siren": raw})
    assert cae.siren == expected


@pytest.mark.parametrize(
    "raw", ["732829321", "12345678", "1234567890", "73282932a", "７３２８２９３２０", 732829320]
)
def test_a_siren_must_have_9_digits_and_a_valid_key(app, raw):
    with app.test_request_context("/", headers={"Accept-Language": "fr"}):
        with pytest.raises(ValidationError) as refused:
            create_cae(SYSTEM, {"name": "Alpha", "department": "69", "siren": raw})
        assert "siren" in refused.value.fields
        if isinstance(raw, str):
            assert "SIREN" in refused.value.fields["siren"][0]


def test_a_siren_belongs_to_one_cae(app, make_cae):
    make_cae("Alpha", siren=VALID)
    with pytest.raises(Conflict) as taken:
        create_cae(SYSTEM, {"name": "Bêta", "department": "69", "siren": "732 829 320"})
    assert "siren" in taken.value.fields
    beta = make_cae("Bêta")
    with pytest.raises(Conflict):
        update_cae(SYSTEM, beta, {"siren": VALID})


def test_managers_set_their_cae_siren_in_the_form_and_it_shows(client, login, make_cae, make_user):
    cae, other = make_cae("Alpha"), make_cae("Bêta", siren=OTHER)
    login(make_user(cae, role="manager"))
    form = client.get(f"/caes/{cae.id}/modifier").get_data(as_text=True)
    assert 'name="siren"' in form
    data = {"website": "", "sectors": "Arts", "description": "", "siren": "732 829 321"}
    bad = client.post(f"/caes/{cae.id}/modifier", data=data)
    assert bad.status_code == 422 and "SIREN" in bad.get_data(as_text=True)
    assert "732 829 321" in bad.get_data(as_text=True)  # what was typed is kept
    taken = client.post(f"/caes/{cae.id}/modifier", data=dict(data, siren=OTHER))
    assert taken.status_code == 422
    assert db.session.get(Cae, cae.id).siren is None
    assert client.post(f"/caes/{cae.id}/modifier", data=dict(data, siren=VALID)).status_code == 302
    assert db.session.get(Cae, cae.id).siren == VALID
    page = client.get(f"/caes/{cae.id}").get_data(as_text=True)
    assert "732\u00a0829\u00a0320" in page.replace("&nbsp;", "\u00a0")
    # Not another CAE's.
    assert client.post(f"/caes/{other.id}/modifier", data=data).status_code == 403
    listed = client.get("/api/v1/caes").get_json()["items"]
    assert {c["name"]: c["siren"] for c in listed} == {"Alpha": VALID, "Bêta": OTHER}


def test_cli_caes_add_takes_a_siren(app):
    runner = app.test_cli_runner()
    done = runner.invoke(args=["caes", "add", "Alpha", "--department", "69", "--siren", VALID])
    assert done.exit_code == 0, done.output
    assert db.session.get(Cae, int(done.stdout)).siren == VALID
    bad = runner.invoke(args=["caes", "add", "Bêta", "--department", "69", "--siren", "123"])
    assert bad.exit_code == 1 and "SIREN" in bad.stderr


def test_a_siren_taken_at_the_same_moment_is_a_conflict(app, make_cae, monkeypatch):
    """Two requests both find the SIREN free: the unique constraint decides, a 409, not a 500."""
    from marketplace.caes import operations

    make_cae("Alpha", siren=VALID)
    beta = make_cae("Bêta")
    monkeypatch.setattr(operations, "_siren_taken", lambda siren, exclude_id: False)
    with pytest.raises(Conflict):
        update_cae(SYSTEM, beta, {"siren": VALID})
    db.session.rollback()  # as the request's edge does after a refusal
    with pytest.raises(Conflict):
        create_cae(SYSTEM, {"name": "Gamma", "department": "69", "siren": VALID})
