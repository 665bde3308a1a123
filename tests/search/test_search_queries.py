"""search_profiles(): matching in French, ranking, filters, facets, suggestions, robustness."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from marketplace.accounts.models import Anonymous
from marketplace.profiles.finder import search_profiles
from marketplace.profiles.operations import ProfileFilters

ANON = Anonymous()


def ids(q, viewer=ANON, **filters):
    result = search_profiles(viewer, q, ProfileFilters(**filters), per_page=100)
    return [hit.profile.id for hit in result.items]


@pytest.fixture
def person(make_user, make_cae):
    cae = make_cae("Coopérative Rhône", department="69")

    def make(headline="", skills=(), bio="", audience="public", **kw):
        user = make_user(
            kw.pop("cae", cae),
            audience=audience,
            headline=headline,
            bio=bio,
            skills=[{"name": n, "level": lvl} for n, lvl in skills],
            password=None,
            **kw,
        )
        return user.profile.id

    return make


@pytest.fixture
def renovation(person):
    target = person("Artisane du bâti ancien", [("Rénovation énergétique", 4)])
    person("Développeur Python", [("Django", 3)], bio="Sites web pour associations.")
    person("Photographe", [("Photographie", 3)], bio="Reportages et portraits.")
    return target


@pytest.mark.parametrize(
    "q",
    [
        "renovation energetique",
        "Rénovation énergétique",
        "RÉNOVATION",
        "rénovations",
        "renovations energetiques",
        "renovation energetiqe",
        "rénovaton énergétique",
        "réno",
        "energetiq",
    ],
)
def test_the_issue_examples_find_renovation_energetique(renovation, q):
    assert ids(q) == [renovation]


def test_synonyms_work_both_ways(person):
    plumber = person("Plombier chauffagiste", [("Plomberie", 3)])
    heat = person("Installatrice", [("Pompe à chaleur", 3)])
    pac = person("Énergies renouvelables", [("PAC air-eau", 2)])
    trainer = person("Formatrice en bureautique", [("Excel", 3)])
    training = person("Organisme", [("Formation professionnelle", 4)])
    person("Photographe", [("Photographie", 3)])

    assert set(ids("plomberie")) == {plumber}
    assert set(ids("plombiers")) == {plumber}
    assert set(ids("PAC")) == {heat, pac}
    assert set(ids("pompes à chaleur")) == {heat, pac}
    assert set(ids("formation")) == {trainer, training}
    assert set(ids("formateurs")) == {trainer, training}


def test_multi_word_synonym_expands_in_the_query(person):
    dpe = person("Diagnostiqueur immobilier", [("DPE", 4)])
    long = person("Thermicien", [("Diagnostic de performance énergétique", 3)])
    person("Diagnostic automobile", [("Mécanique", 3)])
    assert set(ids("diagnostic de performance énergétique")) == {dpe, long}
    assert set(ids("dpe")) == {dpe, long}


def test_declared_skill_outranks_a_word_in_a_bio(person):
    in_bio = person(
        "Graphiste", [("Graphisme", 3)], bio="Je travaille souvent avec une plombière, plomberie."
    )
    declared = person("Artisan", [("Plomberie", 1)])
    assert ids("plomberie") == [declared, in_bio]


def test_expert_level_outranks_beginner(person):
    beginner = person("Touche-à-tout", [("Menuiserie", 1)])
    expert = person("Touche-à-tout", [("Menuiserie", 4)])
    assert ids("menuiserie") == [expert, beginner]


def test_all_words_must_match_then_fallback_to_any(person):
    both = person("Menuisier", [("Menuiserie", 3)], city="Lyon")
    elsewhere = person("Menuisier", [("Menuiserie", 3)], city="Brest")
    # A town's name is no word to match: it ranks what lies near it first (places/).
    assert ids("menuisier lyon") == [both, elsewhere]
    assert ids("menuisier brest") == [elsewhere, both]
    result = search_profiles(ANON, "menuisier tombouctou")
    assert result.partial
    assert {h.profile.id for h in result.items} == {both, elsewhere}


def test_few_complete_matches_are_followed_by_those_with_the_rarer_words(person):
    """'peintre en bâtiment': the painter of buildings first, then the other painter (a rare
    word), never a profile that only mentions buildings (a common word)."""
    complete = person("Peintre en bâtiment", [("Peinture", 4)])
    painter = person("Peintre décoratrice", [("Trompe-l'œil", 3)])
    builders = [person(f"Maçon {i}", [("Maçonnerie", 3)], bio="Tout corps de bâtiment.")
                for i in range(3)]  # fmt: skip
    found = ids("peintre en bâtiment")
    assert found == [complete, painter]
    assert not set(builders) & set(found)
    result = search_profiles(ANON, "peintre en bâtiment")
    assert not result.partial and result.total == 2


def test_short_words_are_not_fuzzy(person):
    bim = person("Projeteur", [("BIM", 3)])
    person("Céramiste", [("Céramique", 3)], bio="Mon atelier au bord de la mer.")
    assert ids("bim") == [bim]
    assert ids("bom") == []  # 3 letters: no typo tolerance


def test_prefix_only_on_the_last_word(person):
    target = person("Menuisière", [("Ébénisterie", 3)], bio="Meubles sur mesure")
    assert ids("ébénist") == [target]
    assert ids("meubles ében") == [target]
    # A word followed by another is complete: not a prefix, so only "meubles" matches.
    assert search_profiles(ANON, "ében meubles").partial


def test_filters_restrict_results(person, make_cae):
    other_cae = make_cae("Oxalis", department="73")
    lyon = person("Plombier", [("Plomberie", 3)], department="69", availability="available")
    savoie = person(
        "Plombier", [("Plomberie", 3)], department="73", cae=other_cae, availability="partial"
    )
    assert set(ids("plombier")) == {lyon, savoie}
    assert ids("plombier", department="73") == [savoie]
    assert ids("plombier", region="Auvergne-Rhône-Alpes", availability="partial") == [savoie]
    assert ids("plombier", cae=other_cae.id) == [savoie]
    assert set(ids("", skill="PLOMBERIE")) == {lyon, savoie}
    assert ids("plombier", status="associate") == []


def test_facets_count_the_matches(person, make_cae):
    other_cae = make_cae("Oxalis", department="73")
    person("Plombier", [("Plomberie", 3), ("Chauffage", 2)], department="69")
    person("Plombier", [("Plomberie", 2)], department="73", cae=other_cae, status="associate")
    person("Graphiste", [("Graphisme", 2)], department="73", cae=other_cae)
    result = search_profiles(ANON, "plomberie")
    assert result.total == 2
    facets = result.facets
    assert {f["value"]: f["count"] for f in facets["department"]} == {"69": 1, "73": 1}
    assert {f["label"]: f["count"] for f in facets["cae"]} == {"Coopérative Rhône": 1, "Oxalis": 1}
    assert {f["label"]: f["count"] for f in facets["skill"]} == {"Plomberie": 2, "Chauffage": 1}
    assert {f["value"]: f["count"] for f in facets["status"]} == {"employee": 1, "associate": 1}
    assert facets["region"] == [
        {"value": "Auvergne-Rhône-Alpes", "label": "Auvergne-Rhône-Alpes", "count": 2}
    ]
    assert facets["department"][0]["label"] in ("Rhône (69)", "Savoie (73)")


def test_without_query_lists_latest_updated_first_with_facets(person):
    first = person("Plombier", [("Plomberie", 3)])
    second = person("Graphiste", [("Graphisme", 3)])
    result = search_profiles(ANON, "")
    assert [h.profile.id for h in result.items] == [second, first]
    assert result.total == 2 and result.items[0].highlights == {}
    assert sum(f["count"] for f in result.facets["status"]) == 2


def test_pagination(person):
    created = [person("Maraîcher", [("Maraîchage", 2)]) for _ in range(5)]
    page1 = search_profiles(ANON, "maraichage", page=1, per_page=2)
    page3 = search_profiles(ANON, "maraichage", page=3, per_page=2)
    beyond = search_profiles(ANON, "maraichage", page=9, per_page=2)
    assert page1.total == page3.total == beyond.total == 5
    assert len(page1.items) == 2 and len(page3.items) == 1 and beyond.items == []
    seen = {
        h.profile.id
        for p in (1, 2, 3)
        for h in search_profiles(ANON, "maraichage", page=p, per_page=2).items
    }
    assert seen == set(created)


def test_highlights_are_escaped_with_marks(person):
    person(
        "<script>alert(1)</script> Plombière",
        [("Plomberie", 3)],
        bio="Dépannage & <b>plomberie</b>",
    )
    (hit,) = search_profiles(ANON, "plomberie").items
    assert (
        hit.highlights["headline"] == "&lt;script&gt;alert(1)&lt;/script&gt; <mark>Plombière</mark>"
    )
    assert hit.highlights["bio"] == "Dépannage &amp; &lt;b&gt;<mark>plomberie</mark>&lt;/b&gt;"
    assert hit.highlights["skills"] == "<mark>Plomberie</mark>"
    assert hit.score > 0


def test_suggestion_when_a_query_finds_little(person):
    person("Apicultrice", [("Apiculture", 3)], bio="Miel de lavande")
    result = search_profiles(ANON, "lavandde")
    assert result.suggestion == "lavande"
    result = search_profiles(ANON, "apicultur miel")
    assert result.total == 1
    assert search_profiles(ANON, "xqzwv").suggestion is None


def test_suggestion_uses_the_synonym_vocabulary_accents(person):
    person("Menuisier", [("Menuiserie", 3)])
    assert search_profiles(ANON, "menuisrie").suggestion in ("menuiserie", "menuisier")


SYNTAX = st.sampled_from(
    ['"', "(", ")", "AND", "OR", "NOT", "*", "?", "~", "^", ":", "-", "\\", "'"]
)
WORDS = st.sampled_from(["plomberie", "réno", "pac", "énergétique", "lyon", "x", "é", "ÆŒ"])


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.lists(st.one_of(SYNTAX, WORDS, st.text(max_size=30)), max_size=40), st.integers(-5, 10**6)
)
def test_random_queries_never_fail(renovation, parts, page):
    result = search_profiles(ANON, " ".join(parts), page=page, per_page=5)
    assert result.total >= 0
    assert len(result.items) <= 5


def test_very_long_and_lone_wildcard_queries(renovation):
    assert search_profiles(ANON, "*").total == 3
    assert search_profiles(ANON, "?").total == 3
    assert search_profiles(ANON, '"(((').total == 3
    result = search_profiles(ANON, "rénovation " * 1000)
    assert [h.profile.id for h in result.items] == [renovation]
    assert len(result.query) <= 200


def test_search_documents_is_the_generic_form(person, make_user, make_cae):
    """search_documents() answers for any registered type with filter terms as index fields."""
    from marketplace.search.service import search_documents

    lyon = person("Plombière", [("Plomberie", 3)], department="69")
    person("Plombier", [("Plomberie", 2)], department="35")
    hidden = person("Plombier discret", [("Plomberie", 4)], audience="network")
    found = search_documents(ANON, "profile", "plomberies", {"department": "69"})
    assert [doc_id for doc_id, _ in found.ranked] == [lyon]
    assert found.total == 1 and found.query == "plomberies"
    assert found.counts["department"] == {"69": 1}
    assert "plomberie" in found.built.stems
    everyone = search_documents(ANON, "profile", "plomberie")
    assert hidden not in {doc_id for doc_id, _ in everyone.ranked}
    assert everyone.total == 2
    assert search_documents(ANON, "profile", "", page=0, per_page=10_000).total == 2
    with pytest.raises(KeyError):
        search_documents(ANON, "no-such-type", "x")
