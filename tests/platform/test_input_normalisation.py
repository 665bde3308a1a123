"""Text is stored NFC without control characters, bounded in length, and escaped on pages."""

from __future__ import annotations

import unicodedata

import pytest
from sqlalchemy import String, Text

from marketplace.extensions import db
from marketplace.text import clean


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_every_short_text_column_has_a_length():
    """Long texts (bios, descriptions, messages) are Text, bounded by the operations (below)."""
    unbounded = [
        f"{table.name}.{column.name}"
        for table in db.metadata.sorted_tables
        for column in table.columns
        if isinstance(column.type, String)
        and not isinstance(column.type, Text)
        and column.type.length is None
    ]
    assert unbounded == []


def test_profile_text_is_nfc_without_control_characters_and_escaped(
    client, make_user, api_token, login
):
    user = make_user(audience="public")
    headline = "Re\u0301novation\x00 <script>alert(1)</script>\u200b"
    response = client.patch(
        "/api/v1/me/profile", json={"headline": headline}, headers=bearer(api_token(user))
    )
    assert response.status_code == 200, response.get_json()
    stored = db.session.get(type(user.profile), user.profile.id).headline
    assert stored == unicodedata.normalize("NFC", stored)
    assert "Rénovation" in stored and "\x00" not in stored and "\u200b" not in stored
    page = client.get(f"/profils/{user.profile.id}").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


@pytest.mark.parametrize(
    ("url", "body", "field"),
    [
        ("/api/v1/collectives", {"name": "Collectif", "description": "x" * 100_000}, "description"),
        ("/api/v1/collectives", {"name": "n" * 10_000}, "name"),
        ("/api/v1/me/profile", {"bio": "x" * 100_000}, "bio"),
        ("/api/v1/me/profile", {"headline": "x" * 10_000}, "headline"),
    ],
)
def test_overlong_text_is_refused_with_its_field(client, make_user, api_token, url, body, field):
    headers = bearer(api_token(make_user()))
    method = client.patch if url.endswith("/profile") else client.post
    response = method(url, json=body, headers=headers)
    assert response.status_code == 422
    assert field in response.get_json()["error"]["fields"]


def test_a_huge_body_is_refused_before_the_view(client, make_user, api_token):
    headers = bearer(api_token(make_user()))
    response = client.patch(
        "/api/v1/me/profile", data=b'{"bio": "' + b"x" * (6 * 1024 * 1024) + b'"}',
        headers={**headers, "Content-Type": "application/json"},
    )  # fmt: skip
    assert response.status_code == 413
    assert response.get_json()["error"]["code"] == "too_large"


@pytest.mark.parametrize(
    ("url", "field", "limit"),
    [
        ("/api/v1/collectives", "name", 120),
        ("/api/v1/me/profile", "headline", 160),
    ],
)
def test_the_limit_counts_text_as_typed(client, make_user, api_token, url, field, limit):
    """A field one character over its limit is refused even when a control character in it
    would be removed: the description's maxLength counts what the client sent."""
    headers = bearer(api_token(make_user()))
    value = "ÿ\x07Ë" + "*" * (limit - 2)
    assert len(value) == limit + 1 and len(clean(value)) == limit
    body = {field: value} if field != "name" else {"name": value, "audience": "cae"}
    method = client.patch if url.endswith("/profile") else client.post
    response = method(url, json=body, headers=headers)
    assert response.status_code == 422, response.get_json()
    assert field in response.get_json()["error"]["fields"]


def test_a_crlf_line_break_counts_once(client, make_user, api_token):
    headers = bearer(api_token(make_user()))
    bio = "a" * (5000 - 2) + "\r\nb"
    response = client.patch("/api/v1/me/profile", json={"bio": bio}, headers=headers)
    assert response.status_code == 200, response.get_json()
