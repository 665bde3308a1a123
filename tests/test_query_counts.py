"""No query per row: list pages and API lists send as many statements for 3 rows as for 12."""

from __future__ import annotations

import pytest

from tests.querycount import count_queries

LISTS = [
    "/profils",
    "/recherche?q=menuiserie",
    "/recherche",
    "/caes",
    "/api/v1/profiles",
    "/api/v1/profiles?q=menuiserie",
    "/api/v1/caes",
    "/api/v1/skills",
    "/",
]


def statements(client, path: str) -> int:
    client.get(path)  # warm: index searchers, lazy imports, the first request's set-up
    with count_queries() as seen:
        response = client.get(path)
    assert response.status_code == 200, path
    return seen.count


@pytest.mark.parametrize("path", LISTS)
def test_list_queries_do_not_grow_with_rows(client, make_cae, make_user, path):
    caes = [make_cae(f"CAE {i}") for i in range(3)]

    def people(n: int, start: int) -> None:
        for i in range(start, start + n):
            make_user(
                caes[i % 3],
                password=None,
                audience="public",
                headline=f"Menuisière {i}",
                skills=[{"name": "Menuiserie", "level": 3}, {"name": f"Savoir {i}", "level": 2}],
                certifications=["RGE"],
                languages=["anglais"],
            )

    people(3, 0)
    few = statements(client, path)
    people(9, 3)
    many = statements(client, path)
    assert few > 0
    assert many == few, f"{path}: {few} statements for 3 rows, {many} for 12"
