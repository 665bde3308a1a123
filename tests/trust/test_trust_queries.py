"""The profile page that shows a photo, verified references and recommendations, its API
twin and the photo itself send as many statements for one reference as for four."""

from __future__ import annotations

import io

from PIL import Image

from marketplace.actors import SYSTEM
from marketplace.extensions import db
from marketplace.profiles.photos import set_photo


def _photo() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (300, 300), (30, 120, 200)).save(out, "JPEG")
    return out.getvalue()


def test_profile_with_photo_and_references_does_not_grow_with_them(
    client, people, delivered, login, count_queries
):
    users, h = people["users"], people["h"]
    sub = users["sub"].profile
    set_photo(SYSTEM, sub, _photo())
    db.session.commit()
    version = sub.photo_version

    def references(n: int) -> None:
        for i in range(n):
            record_id = delivered(title=f"Chantier {i}")
            for who in ("client", "sub"):
                answer = client.put(
                    f"/api/v1/subcontracts/{record_id}/reference",
                    json={"show": True, "show_amount": True},
                    headers=h[who],
                )
                assert answer.status_code == 200
            recommended = client.post(f"/api/v1/subcontracts/{record_id}/recommendation",
                                      json={"body": f"Du beau travail ({i})."},
                                      headers=h["client"])  # fmt: skip
            assert recommended.status_code == 201, recommended.get_json()

    paths = [
        (f"/profils/{sub.id}", None),
        (f"/profils/{sub.id}/photo/320?v={version}", None),
        (f"/api/v1/profiles/{sub.id}", h["stranger"]),
    ]

    def statements() -> list[int]:
        counts = []
        for path, headers in paths:
            client.get(path, headers=headers)
            with count_queries() as seen:
                response = client.get(path, headers=headers)
            assert response.status_code == 200, path
            counts.append(seen.count)
        return counts

    login(users["stranger"])
    references(1)
    few = statements()
    references(3)
    many = statements()
    shown = client.get(f"/api/v1/profiles/{sub.id}", headers=h["stranger"]).get_json()
    assert len(shown["verified_references"]) == 4
    page = client.get(f"/profils/{sub.id}").get_data(as_text=True)
    assert all(f"Du beau travail ({i})." in page for i in range(3))
    assert many == few, f"statements for 1 reference → 4: {few} → {many}"
