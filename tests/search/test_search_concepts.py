"""Sentences, concepts and misses: the analyzer's request words, the concept table (file,
page, command line), the count of searches that found nothing and its page."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from marketplace.actors import SYSTEM
from marketplace.errors import PermissionDenied, ValidationError
from marketplace.extensions import db
from marketplace.search import concepts, misses
from marketplace.search.analysis import lemma_stem
from marketplace.search.cli import register_search_cli
from marketplace.search.query import parse
from marketplace.search.service import related_competences, search_documents

# Analyzer ---------------------------------------------------------------------------------


def test_filler_words_of_a_request_are_kept_for_the_builder_to_drop():
    parsed = parse("Je cherche quelqu'un qui peut faire des enduits à la chaux")
    assert [w.folded for w in parsed.words] == [
        "cherche", "quelqu'un", "faire", "enduits", "chaux",
    ]  # fmt: skip
    assert parsed.typed == 12  # « quelqu’un » counts as two


@pytest.mark.parametrize(
    ("raw", "lemma"),
    [
        ("carrelons", "carreler"),
        ("taillées", "tailler"),
        ("peindrait", "peindre"),
        ("haies", "haie"),
        ("photographiez", "photographier"),
    ],
)
def test_lemmas_bring_a_word_to_its_dictionary_form(raw, lemma):
    from marketplace.search.analysis import fold

    assert lemma_stem(fold(raw), raw) == lemma


def test_the_concept_file_covers_every_competence_of_the_reference_list():
    from marketplace.demo.sectors import SECTORS
    from marketplace.text import fold

    table = concepts.load_file()
    covered = {fold(name) for name in table.skills().values()}
    reference = {fold(s) for sector in SECTORS.values() for t in sector.trades for s in t.skills}
    assert reference, "the reference list is empty"
    assert reference <= covered, sorted(reference - covered)


def test_concept_phrases_match_like_the_indexed_text():
    table = concepts.ConceptTable.parse("Comptabilité: liasse fiscale | TVA\n# comment\n")
    n, found = table.match(["liass", "fiscal"], 0)
    assert n == 0  # stems, not prefixes
    stems = [w.stem for w in parse("les LIASSES fiscales").words]
    n, found = table.match(stems, 0)
    assert n == 2 and found[0].skill == "Comptabilité"
    assert concepts.skill_stems("Référencement naturel (SEO)") == ("referencement", "naturel")


# Searching ----------------------------------------------------------------------------------


@pytest.fixture
def network(make_user, make_cae):
    cae = make_cae("Coop Sud")

    def person(headline, skills, bio=""):
        return make_user(
            cae,
            password=None,
            audience="public",
            headline=headline,
            bio=bio,
            skills=[{"name": s, "level": 3} for s in skills],
        ).profile.id

    return {
        "designer": person("Studio de création", ["Graphisme"]),
        "designer2": person("Création visuelle pour commerces", ["Graphisme", "Illustration"]),
        "accountant": person("Cabinet indépendant", ["Comptabilité"]),
        "tiler": person("Artisan", ["Carrelage"], "Pose de carrelage et faïence."),
        "gardener": person("Espaces verts", ["Entretien d'espaces verts"], "Tonte, haies."),
        "mason": person("Bâtisseur", ["Maçonnerie"], "Murs en pierre et dalles."),
    }


def ids(found):
    return [doc_id for doc_id, _score in found.ranked]


def api_ids(client, q: str) -> list[int]:
    """The ids of the profiles the public API finds for ``q``, in order."""
    response = client.get("/api/v1/profiles", query_string={"q": q})
    return [item["id"] for item in response.get_json()["items"]]


def someone(make_user, cae, headline: str, skill: str, level: int = 3) -> int:
    """A public profile of one competence; its id."""
    skills = [{"name": skill, "level": level}]
    user = make_user(cae, password=None, audience="public", headline=headline, skills=skills)
    return user.profile.id


def test_a_need_whose_words_nobody_writes_finds_the_competence_that_meets_it(network):
    found = search_documents(SYSTEM, "profile", "qui pourrait dessiner une affiche pour notre fête")
    assert set(ids(found)[:2]) == {network["designer"], network["designer2"]}
    assert ("Graphisme", "affiche") in found.built.concepts


def test_a_sentence_never_comes_back_empty_for_one_unknown_word(network):
    found = search_documents(SYSTEM, "profile", "je voudrais tondre la pelouse zorglubienne")
    assert ids(found)[0] == network["gardener"]


def test_a_conjugated_verb_finds_its_trade(network):
    assert ids(search_documents(SYSTEM, "profile", "carrelons"))[:1] == [network["tiler"]]
    found = search_documents(SYSTEM, "profile", "nous voulons maçonner un mur du jardin")
    assert ids(found)[0] == network["mason"]


def test_a_sentence_ranks_what_matches_most_of_it_first(make_user, make_cae, network):
    cae = make_cae()
    both = someone(make_user, cae, "Tonte et taille de haies", "Paysagisme")
    one = someone(make_user, cae, "Tonte et taille de pelouse", "Jardinage", 4)
    found = search_documents(SYSTEM, "profile", "quelqu'un pour la tonte et la taille des haies")
    # The gardener holds « taille de haies » through the concept table: all of the need.
    assert set(ids(found)[:2]) == {both, network["gardener"]}
    assert ids(found)[2] == one and network["designer"] not in ids(found)


def test_short_queries_still_need_every_word(network):
    assert ids(search_documents(SYSTEM, "profile", "carrelage faïence")) == [network["tiler"]]
    # When nobody holds every word, those holding some of them, said so.
    found = search_documents(SYSTEM, "profile", "carrelage dalles")
    assert found.partial and set(ids(found)) == {network["tiler"], network["mason"]}


def test_an_accent_typed_tells_apart_words_that_fold_alike(client, make_user, make_cae):
    cae = make_cae()
    stairs = someone(make_user, cae, "Atelier bois", "Escaliers")
    farmer = someone(make_user, cae, "Ferme des Prés", "Vente directe")

    # « marché » (a market) is not « marches » (of a staircase), though both fold to marche.
    assert api_ids(client, "vendre nos légumes au marché du samedi") == [farmer]
    assert api_ids(client, "refaire les marches de l'escalier en chêne") == [stairs]
    # Without accents, the word may be either.
    assert set(api_ids(client, "marche")) == {stairs, farmer}


def test_a_word_of_two_trades_alone_is_its_everyday_sense(client, make_user, make_cae):
    cae = make_cae()
    landscaper = someone(make_user, cae, "Jardins et extérieurs", "Aménagement paysager")
    accountant = someone(make_user, cae, "Cabinet indépendant", "Comptabilité")
    # « clôture » alone is a fence; the accountant's sense is said in full.
    assert api_ids(client, "poser une clôture au fond du terrain") == [landscaper]
    assert api_ids(client, "préparer la clôture de l'exercice") == [accountant]


def test_a_word_read_as_a_typo_keeps_its_own_concepts(client, make_user, make_cae):
    cae = make_cae()
    gardener = someone(make_user, cae, "Jardins", "Entretien d'espaces verts")
    binder = someone(make_user, cae, "Atelier Herve", "Reliure")
    # Nobody writes « herbe »: the typo tolerance reads it as the indexed « herve »; the
    # phrase « herbe trop haute » still calls the gardener.
    found = api_ids(client, "couper l'herbe trop haute derrière la maison avant l'été")
    assert found[:1] == [gardener] and binder not in found


def test_a_competence_is_found_by_the_abbreviation_it_is_known_by(client, make_user, make_cae):
    trainer = someone(make_user, make_cae(), "Formateur", "SST")
    response = client.get(
        "/api/v1/profiles", query_string={"q": "apprendre les premiers secours à nos salariés"}
    )
    items = response.get_json()["items"]
    assert [item["id"] for item in items] == [trainer]
    assert "<mark>SST</mark>" in items[0]["highlights"]["concepts"]


def test_a_word_inside_a_trade_phrase_does_not_call_its_own_concepts(make_user, make_cae):
    cae = make_cae()
    consultant = someone(make_user, cae, "Conseil", "Business plan")
    someone(make_user, cae, "Architecte DPLG", "Maîtrise d'œuvre")
    # « plans » alone is an architect's word; inside « business plan » it is not.
    found = search_documents(SYSTEM, "profile", "rédiger le business plan de notre coopérative")
    assert ids(found) == [consultant]


def test_results_say_which_concept_found_them(client, network):
    response = client.get("/api/v1/profiles", query_string={"q": "besoin d'un bilan comptable"})
    assert response.status_code == 200
    item = response.get_json()["items"][0]
    assert item["id"] == network["accountant"]
    why = "<mark>Comptabilité</mark>, pour «\xa0bilan comptable\xa0»"
    assert item["highlights"]["concepts"] == why
    html = client.get("/recherche", query_string={"q": "besoin d'un bilan comptable"}).get_data(
        as_text=True
    )
    assert why in html


# Concepts: command line and page -----------------------------------------------------------


@pytest.fixture
def cli(app):
    if "search" not in app.cli.commands:
        register_search_cli(app)
    runner = app.test_cli_runner()
    return lambda *args: runner.invoke(args=["search", *args])


def test_a_concept_added_on_the_command_line_is_used_at_once(cli, network):
    assert search_documents(SYSTEM, "profile", "zythologie").total == 0
    result = cli("concepts", "add", "Zythologie", "--skill", "comptabilite")
    assert result.exit_code == 0, result.output
    assert "« Zythologie » → Comptabilité" in result.output
    assert ids(search_documents(SYSTEM, "profile", "zythologie")) == [network["accountant"]]
    again = cli("concepts", "add", "zythologie", "--skill", "Comptabilité")
    assert "déjà dans la table" in again.output
    listing = cli("concepts", "list")
    assert "Comptabilité\tZythologie\tadministration" in listing.output
    assert "Graphisme\tlogo\tfichier" in listing.output


def test_a_concept_needs_a_known_competence_and_words(cli, app):
    result = cli("concepts", "add", "logo", "--skill", "Astrologie quantique")
    assert result.exit_code != 0
    assert "Aucune compétence ne porte ce nom" in result.output
    with pytest.raises(ValidationError) as error:
        concepts.add_concept(SYSTEM, "le la les", "Graphisme")
    assert "phrase" in error.value.fields


def test_only_administrators_edit_concepts(make_user):
    member = make_user()
    with pytest.raises(PermissionDenied):
        concepts.add_concept(member, "logo", "Graphisme")


def test_the_concept_page_adds_and_removes(client, login, make_user, network):
    admin = make_user(role="admin")
    login(admin)
    page = client.get("/gestion/recherche/concepts")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "logo" in html and 'list="skill-list"' in html
    response = client.post(
        "/gestion/recherche/concepts", data={"phrase": "enseigne lumineuse", "skill": "Peinture"}
    )
    assert response.status_code == 422  # no such competence: the form comes back, as typed
    assert 'value="enseigne lumineuse"' in response.get_data(as_text=True)
    response = client.post(
        "/gestion/recherche/concepts", data={"phrase": "enseigne lumineuse", "skill": "graphisme"}
    )
    assert response.status_code == 302
    row = db.session.scalar(select(concepts.SearchConcept))
    assert (row.phrase, row.skill, row.created_by_id) == (
        "enseigne lumineuse",
        "Graphisme",
        admin.id,
    )
    found = search_documents(SYSTEM, "profile", "enseigne lumineuse")
    assert set(ids(found)) == {network["designer"], network["designer2"]}
    response = client.post(f"/gestion/recherche/concepts/{row.id}/supprimer")
    assert response.status_code == 302
    assert db.session.scalar(select(func.count(concepts.SearchConcept.id))) == 0
    assert search_documents(SYSTEM, "profile", "enseigne lumineuse").total == 0


# Misses ---------------------------------------------------------------------------------------


def test_searches_that_find_nothing_are_counted_by_their_text_only(client, network, make_user):
    for q in ("Vitraux  anciens", "vitraux anciens", "vitraux ANCIENS!"):
        assert client.get("/recherche", query_string={"q": q}).status_code == 200
    client.get("/api/v1/profiles", query_string={"q": "graphisme"})  # found: not counted
    assert client.get("/api/v1/profiles", query_string={"q": "Vitraux anciens"}).status_code == 200
    client.get("/recherche", query_string={"q": "vitraux anciens", "department": "69"})
    rows = db.session.execute(select(misses.SearchMiss.query, misses.SearchMiss.count)).all()
    assert rows == [("vitraux anciens", 4)]
    columns = set(misses.SearchMiss.__table__.columns.keys())
    assert columns == {"id", "day", "query", "count"}  # never who typed it


def test_misses_are_counted_wherever_a_need_is_typed(client, network):
    for path in ("/offres", "/appels-d-offres", "/collectifs", "/profils"):
        assert client.get(path, query_string={"q": "zythologie"}).status_code == 200
    for path in ("/api/v1/offers", "/api/v1/tenders", "/api/v1/collectives"):
        assert client.get(path, query_string={"q": "zythologie"}).status_code == 200
    client.get("/appels-d-offres", query_string={"q": "zythologie", "page": 2})  # not a first page
    client.get("/offres", query_string={"q": "zythologie", "department": "69"})  # a filter
    rows = db.session.execute(select(misses.SearchMiss.query, misses.SearchMiss.count)).all()
    assert rows == [("zythologie", 7)]


def test_the_counts_beside_a_search_are_not_misses(client, network):
    # /recherche counts offers, tenders and collectives for the same words: one miss only.
    assert client.get("/recherche", query_string={"q": "zythologie"}).status_code == 200
    assert db.session.scalar(select(misses.SearchMiss.count)) == 1


def test_misses_older_than_90_days_are_purged_on_write(app):
    today = date(2026, 12, 7)
    misses.record_miss("ancienne", today - timedelta(days=91))
    misses.record_miss("récente", today - timedelta(days=89))
    misses.record_miss("aujourd'hui", today)
    db.session.commit()
    kept = set(db.session.scalars(select(misses.SearchMiss.query)))
    assert kept == {"récente", "aujourd'hui"}


def test_search_misses_prints_the_most_frequent_first(cli, app):
    today = date.today()
    for _ in range(3):
        misses.record_miss("nettoyage de panneaux", today)
    misses.record_miss("nettoyage de panneaux", today - timedelta(days=10))
    misses.record_miss("vannerie", today)
    misses.record_miss("vieux", today - timedelta(days=40))
    db.session.commit()
    result = cli("misses")
    assert result.exit_code == 0
    assert result.output.splitlines() == ["4\tnettoyage de panneaux", "1\tvannerie"]
    assert "vieux" in cli("misses", "--days", "60").output


def test_a_miss_becomes_a_concept_in_one_action(client, login, make_user, network):
    client.get("/recherche", query_string={"q": "vannerie en osier"})
    assert db.session.scalar(select(misses.SearchMiss.query)) == "vannerie en osier"
    admin = make_user(role="admin")
    login(admin)
    html = client.get("/gestion/recherche/sans-resultat").get_data(as_text=True)
    assert "vannerie en osier" in html and "Relier à une compétence" in html
    response = client.post(
        "/gestion/recherche/sans-resultat",
        data={"phrase": "vannerie en osier", "skill": "Graphisme"},
    )
    assert response.status_code == 302
    html = client.get("/gestion/recherche/sans-resultat").get_data(as_text=True)
    assert '<th scope="row">vannerie en osier</th>' not in html
    found = search_documents(SYSTEM, "profile", "vannerie en osier")
    assert set(ids(found)) == {network["designer"], network["designer2"]}


def test_the_misses_page_is_for_administrators(client, login, make_user):
    login(make_user(role="manager"))
    assert client.get("/gestion/recherche/sans-resultat").status_code == 403


def test_an_empty_result_offers_competences_and_an_offer(client, network):
    # Nobody writes « cartes »; « cartes de visite » is a concept phrase of Graphisme.
    html = client.get("/recherche", query_string={"q": "cartes"}).get_data(as_text=True)
    assert "Aucun profil ne correspond" in html
    assert "Vouliez-vous dire" in html
    assert "/recherche?q=Graphisme" in html
    assert "/offres/nouvelle" in html
    assert "Graphisme" in related_competences(SYSTEM, "logo")
    assert related_competences(SYSTEM, "ruches") == []  # nobody here holds Apiculture
    assert related_competences(SYSTEM, "graphisme") == []  # the query itself is no suggestion


def test_suggestions_rank_by_the_words_of_the_query_a_competence_holds(network):
    # Graphisme has three phrases holding « zorbul »; Comptabilité holds both words typed.
    for phrase, skill in [("zorbul", "Graphisme"), ("zorbul rouge", "Graphisme"),
                          ("zorbul bleu", "Graphisme"), ("zorbul", "Comptabilité"),
                          ("quilpa", "Comptabilité")]:  # fmt: skip
        concepts.add_concept(SYSTEM, phrase, skill)
    assert related_competences(SYSTEM, "zorbul quilpa")[:2] == ["Comptabilité", "Graphisme"]


def test_a_word_of_the_dictionary_is_no_typo_for_another_trade(client, make_user, make_cae):
    cae = make_cae()
    keeper = someone(make_user, cae, "Miel de la colline", "Apiculture")
    heating = someone(make_user, cae, "Chauffagiste PAC", "Pompe à chaleur")

    # « parc » is a word of its own, one edit from « PAC »: in a need, the bees decide.
    assert api_ids(client, "nous voulons installer des ruches dans le parc de la mairie") == [
        keeper
    ]
    # A typo is still read as the word it misses.
    assert api_ids(client, "installer une pompe a chaleru dans la maison") == [heating]


def test_a_part_of_a_hyphenated_word_is_not_a_concept_of_its_own(client, make_user, make_cae):
    cae = make_cae()
    tiler = someone(make_user, cae, "Artisan", "Carrelage")
    plasterer = someone(make_user, cae, "Cloisons et doublages", "Plâtrerie")

    # « sol » calls Carrelage; « sous-sol » is another word, the plaster decides.
    need = "doubler les murs du sous-sol avec des plaques de plâtre"
    assert api_ids(client, need) == [plasterer]
    # The word standing alone still calls the competence.
    assert tiler in api_ids(client, "poser un sol neuf dans la salle à manger du gîte")
    # Each word knows the parts of the hyphenated word it belongs to (stop words kept).
    assert [w.folded for w in parse("le sous-sol et le chauffe-eau").words] == [
        "sol", "chauffe", "eau",
    ]  # fmt: skip
    assert parse("le sous-sol et le chauffe-eau").compounds == [
        ("sou", "sol"), ("chauffe", "eau"), ("chauffe", "eau"),
    ]  # fmt: skip


def test_a_verb_is_not_read_as_a_noun_of_another_trade(client, make_user, make_cae):
    cae = make_cae()
    plumber = someone(make_user, cae, "Plombier", "Plomberie")
    analyst = make_user(
        cae, password=None, audience="public", headline="Analyse de données",
        skills=[{"name": "Data", "level": 3}],
    ).profile.id  # fmt: skip

    # The stemmer reads « données » as « donne »: the verb « donne » is not that word.
    assert api_ids(client, "changer le chauffe-eau qui ne donne plus d'eau chaude") == [plumber]
    # The noun itself still finds its trade, with or without its accents.
    assert api_ids(client, "analyser nos données de vente chaque mois") == [analyst]
    assert analyst in api_ids(client, "donnees")


def test_a_word_of_two_senses_calls_only_the_trade_of_the_sense_typed(client, make_user, make_cae):
    cae = make_cae()
    electrician = someone(make_user, cae, "Artisan", "Électricité")
    cook = someone(make_user, cae, "Chef à la carte", "Cuisinier")
    winemaker = someone(make_user, cae, "Domaine familial", "Viticulture")
    insulator = someone(make_user, cae, "Artisan", "Isolation des combles")
    facilitator = someone(make_user, cae, "Intervenante", "Animation d'ateliers")
    helper = someone(make_user, cae, "Auxiliaire de vie", "Aide à domicile")
    plumber = someone(make_user, cae, "Artisan", "Plomberie")

    # Rooms of a house name no trade: the kitchen is no cook's, the cellar no winemaker's,
    # the attic no insulator's, the workshop no facilitator's.
    need = "refaire l'électricité de la cuisine, de la cave, du grenier et de l'atelier"
    assert api_ids(client, need) == [electrician]
    assert cook not in api_ids(client, "poser des meubles dans la cuisine de la maison")
    assert cook in api_ids(client, "un cuisinier pour nos repas")
    assert winemaker in api_ids(client, "visiter une cave à vin")
    assert facilitator in api_ids(client, "animer un atelier pour nos bénévoles")
    assert insulator in api_ids(client, "isoler le grenier avant l'hiver")
    # « toilette » (washing) and « toilettes » stem alike; the form typed chooses.
    assert api_ids(client, "aider ma mère pour sa toilette chaque matin") == [helper]
    assert plumber in api_ids(client, "les toilettes du rez-de-chaussée sont bouchées")


def test_the_form_or_the_occasion_of_a_need_names_no_trade(client, make_user, make_cae):
    cae = make_cae()
    trainer = someone(make_user, cae, "Intervenant en entreprise", "Formation")
    facilitator = someone(make_user, cae, "Intervenante", "Facilitation")
    caterer = someone(make_user, cae, "Plats du jour", "Traiteur")

    # Lessons say how something is taught, not what: the subject decides.
    assert trainer not in api_ids(client, "des cours de piano pour ma fille le mercredi")
    assert trainer in api_ids(client, "un formateur pour nos salariés")
    # A meeting is the occasion; running it is the facilitator's need.
    need = "livrer des plateaux repas pour nos réunions du midi"
    assert api_ids(client, need) == [caterer]
    assert facilitator in api_ids(client, "animer une réunion de notre conseil")
