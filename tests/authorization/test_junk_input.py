"""Junk at every write: random text (control characters, huge strings), wrong types, nested JSON.

Every API write and every HTML form of the URL map, as the person most likely to get past
authorization (owner, coordinator, manager), on the matrix world (requests never commit).
Never a 5xx; the API always answers its JSON error format.
"""

from __future__ import annotations

import pytest
from authz_world import world_in
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_authorization_matrix import CELLS, bodies, url_for_cell

WRITES = [c for c in CELLS if c[0] != "GET"]
FORMS_AND_QUERIES = [c for c in CELLS if c[0] == "GET" and not c[2].startswith("/api/")]
API_READS = [c for c in CELLS if c[0] == "GET" and c[2].startswith("/api/")]

#: Who posts to each write: the person the route is for.
ACTOR = {"collectives": "coordinator", "manage": "admin", "caes": "admin"}

JUNK_TEXT = st.one_of(
    st.text(max_size=60),
    st.text(st.characters(codec="utf-8", categories=("Cc", "Cf", "Zs", "Mn", "So")), max_size=40),
    st.sampled_from(["x" * 100_000, "é" * 5_000, "\x00", "<script>alert(1)</script>", "' OR 1=1 --",
                     "../../etc/passwd", "=cmd|' /C calc'!A0", "9" * 400, "-1", "1e309", "NaN",
                     "２０２６-１２-０１", "e\u0301", "\ud7ff\ufeff", "%00", "${7*7}"]),
)  # fmt: skip
JSON_SCALARS = st.one_of(
    st.none(), st.booleans(), st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True), JUNK_TEXT,
)  # fmt: skip
JSON = st.recursive(
    JSON_SCALARS,
    lambda inner: st.one_of(st.lists(inner, max_size=4),
                            st.dictionaries(st.text(max_size=10), inner, max_size=4)),
    max_leaves=12,
)  # fmt: skip

SETTINGS = settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    database=None,
)


@pytest.fixture(scope="module")
def junk_world(database_url, tmp_path_factory):
    with world_in(database_url, tmp_path_factory.mktemp("junk")) as app_and_world:
        yield app_and_world


def actor_for(endpoint: str) -> str:
    return ACTOR.get(endpoint.split(".")[0], "owner")


def signed_in(app, world, role: str):
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = world.users[role].get_id()
        session["_fresh"] = True
    return client


def api_body(world, endpoint: str):
    """Junk shaped like the real body (its keys with junk values), or any JSON at all."""
    keys = list(bodies(world).get(endpoint, {})) or ["name", "title", "message", "id"]
    shaped = st.fixed_dictionaries({}, optional={k: JSON for k in keys})
    return st.one_of(shaped, JSON)


def form_body(world, endpoint: str):
    keys = list(bodies(world).get(endpoint, {})) or ["name", "title", "message"]
    return st.dictionaries(st.sampled_from([*keys, "next", "q", "page"]), JUNK_TEXT, max_size=6)


def assert_json_error_format(response) -> None:
    assert response.status_code < 500, response.get_data(as_text=True)[:500]
    if response.status_code >= 400:
        body = response.get_json(silent=True)
        assert isinstance(body, dict) and isinstance(body.get("error"), dict), response.data[:300]
        assert isinstance(body["error"]["code"], str) and isinstance(body["error"]["message"], str)


@pytest.mark.parametrize(("method", "endpoint", "rule"), WRITES, ids=[c[1] for c in WRITES])
def test_writes_never_fail_on_junk(junk_world, method, endpoint, rule):
    app, world = junk_world
    url = url_for_cell(world, endpoint, rule)
    api = url.startswith("/api/")
    role = actor_for(endpoint)

    @SETTINGS
    @given(body=api_body(world, endpoint) if api else form_body(world, endpoint))
    def run(body):
        if api:
            headers = {"Authorization": f"Bearer {world.tokens[role]}"}
            response = app.test_client().open(url, method=method, json=body, headers=headers)
            assert_json_error_format(response)
        else:
            response = signed_in(app, world, role).open(url, method=method, data=body)
            assert response.status_code < 500, response.get_data(as_text=True)[:500]

    run()


@pytest.mark.parametrize("raw", [b"{", b"[1,2", b"\xff\xfe", b"null", b'"text"', b"1" * 10_000,
                                 b'{"a":' * 500 + b"1" + b"}" * 500])  # fmt: skip
@pytest.mark.parametrize(("method", "endpoint", "rule"),
                         [c for c in WRITES if c[2].startswith("/api/")],
                         ids=[c[1] for c in WRITES if c[2].startswith("/api/")])  # fmt: skip
def test_api_writes_refuse_malformed_json(junk_world, method, endpoint, rule, raw):
    app, world = junk_world
    headers = {"Authorization": f"Bearer {world.tokens[actor_for(endpoint)]}",
               "Content-Type": "application/json"}  # fmt: skip
    response = app.test_client().open(
        url_for_cell(world, endpoint, rule), method=method, data=raw, headers=headers
    )
    assert_json_error_format(response)


@pytest.mark.parametrize(("method", "endpoint", "rule"), FORMS_AND_QUERIES + API_READS,
                         ids=[c[1] for c in FORMS_AND_QUERIES + API_READS])  # fmt: skip
def test_pages_and_lists_never_fail_on_junk_query_strings(junk_world, method, endpoint, rule):
    app, world = junk_world
    url = url_for_cell(world, endpoint, rule)
    api = url.startswith("/api/")
    keys = ["q", "page", "per_page", "status", "department", "skill", "from", "to", "role",
            "region", "sector", "cae", "audience", "etat", "next", "deadline_after"]  # fmt: skip

    @settings(max_examples=6, deadline=None, database=None,
              suppress_health_check=[HealthCheck.too_slow])  # fmt: skip
    @given(args=st.dictionaries(st.sampled_from(keys), JUNK_TEXT.filter(lambda t: len(t) < 3000),
                                max_size=4))  # fmt: skip
    def run(args):
        if api:
            headers = {"Authorization": f"Bearer {world.tokens['owner']}"}
            assert_json_error_format(app.test_client().get(url, query_string=args, headers=headers))
        else:
            response = signed_in(app, world, "owner").get(url, query_string=args)
            assert response.status_code < 500, response.get_data(as_text=True)[:500]

    run()


@settings(max_examples=50, deadline=None, database=None)
@given(raw=st.one_of(st.none(), JUNK_TEXT))
def test_search_parser_never_fails(raw):
    from marketplace.search.query import parse

    parsed = parse(raw)
    assert parsed is not None


@pytest.mark.parametrize(
    "path", ["/profils", "/collectifs", "/appels-d-offres", "/offres", "/notifications", "/caes"]
)
def test_a_huge_page_number_is_not_found_rather_than_an_error(client, path):
    """Found by the property test on PostgreSQL: an offset beyond bigint made a 500."""
    response = client.get(path, query_string={"page": "9" * 40})
    assert response.status_code in (200, 302, 404)
