"""Forms report every invalid field in one pass, mark each bad competence row, refuse past
availability dates, and name choices by their labels (never by stored codes)."""

from __future__ import annotations

import re

from tests.profiles.test_profiles import form_data


def errors_of(html: str) -> dict[str, str]:
    return dict(re.findall(r'<p class="error[^"]*" id="([^"]+)-error">(.*?)</p>', html))


def test_the_tender_form_reports_every_field_at_once(client, login, make_user):
    login(make_user())
    response = client.post(
        "/appels-d-offres/nouveau",
        data={
            "title": "",
            "buyer_name": "",
            "source_url": "pas un lien",
            "deadline_date": "2020-01-01",
            "deadline_time": "12:00",
            "estimated_amount": "abc",
            "department": "999",
        },
    )
    assert response.status_code == 422
    errors = errors_of(response.get_data(as_text=True))
    # before: the amount alone, then the link, then the date, one submission each
    assert {"title", "buyer_name", "source_url", "deadline_date", "estimated_amount"} <= set(errors)
    assert "futur" in errors["deadline_date"]


def test_each_bad_competence_row_is_marked(client, login, make_user):
    user = make_user()
    login(user)
    data = form_data(
        **{
            "skills-0-name": "Plomberie",
            "skills-0-level": "9",
            "skills-1-name": "x" * 121,
            "skills-1-level": "2",
            "skills-2-name": "Menuiserie",
            "skills-2-level": "3",
        }
    )
    html = client.post("/profils/moi", data=data).get_data(as_text=True)
    errors = errors_of(html)
    assert "Plomberie" in errors["skills-0-name"] and "120" in errors["skills-1-name"]
    assert "skills-2-name" not in errors
    assert html.count("skill-row skill-row-invalid") == 2
    assert 'value="Plomberie"' in html  # what was typed is kept


def test_a_past_availability_date_is_refused(client, login, make_user):
    login(make_user())
    response = client.post("/profils/moi", data=form_data(available_from="2020-01-01"))
    assert response.status_code == 422
    assert "passé" in errors_of(response.get_data(as_text=True))["available_from"]


def test_choices_are_named_by_their_labels(client, login, make_user):
    login(make_user())
    data = form_data(status="nope", availability="nope", audience="nope")
    errors = errors_of(client.post("/profils/moi", data=data).get_data(as_text=True))
    assert "salarié·e" in errors["status"] and "project_holder" not in errors["status"]
    assert "disponible" in errors["availability"] and "unavailable" not in errors["availability"]
    assert "network" not in errors["audience"]
