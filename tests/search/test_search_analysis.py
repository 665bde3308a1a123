"""French analysis, synonyms, query parsing and highlighting (no database needed)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from marketplace.search import analysis
from marketplace.search.analysis import fold, stem, stems, tokens
from marketplace.search.highlight import highlight
from marketplace.search.query import MAX_CHARS, MAX_WORDS, edit_distance, max_edits, parse
from marketplace.search.synonyms import SynonymTable, load


def folded(text: str) -> list[str]:
    return [t.folded for t in tokens(text)]


def test_case_and_accents_fold_including_ligatures():
    assert folded("RÉNOVATION Énergétique") == ["renovation", "energetique"]
    assert folded("Œuvre cœur ÆSTHÉTIQUE") == ["oeuvre", "coeur", "aesthetique"]
    assert folded("Maîtrise d'œuvre") == ["maitrise", "oeuvre"]
    assert fold("ÇA") == "ca"


@pytest.mark.parametrize(
    "text", ["l'électricité", "l’électricité", "L'ÉLECTRICITÉ", "d'électricité"]
)
def test_elisions_are_removed(text):
    assert folded(text) == ["electricite"]


def test_elisions_of_all_kinds_and_words_with_inner_apostrophe():
    assert folded("qu'une j'aime n'est s'isoler c'était m'appeler t'aider jusqu'au") == [
        "aime", "isoler", "appeler", "aider",
    ]  # fmt: skip
    assert folded("aujourd'hui") == ["aujourd'hui"]


def test_stop_words_are_dropped_but_trade_words_kept():
    assert folded("la pose de la pompe à chaleur et des panneaux") == [
        "pose", "pompe", "chaleur", "panneaux",
    ]  # fmt: skip
    # "son" (sound), "or" (gold), "bois" (wood), "été" (summer) are meaningful here.
    assert folded("ingénieur du son, dorure à l'or, bois, été") == [
        "ingenieur", "son", "dorure", "or", "bois", "ete",
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("words", "expected"),
    [
        (["rénovation", "rénovations", "RÉNOVATIONS"], "renovation"),
        (["plombier", "plombiers", "plombière", "plombières"], "plombier"),
        (["formateur", "formateurs", "formatrice", "formatrices"], "formateur"),
        (["coiffeur", "coiffeuse", "coiffeuses"], "coiffeur"),
        (["électricien", "électricienne", "électrique", "électriques"], "electric"),
        (["informatique", "informaticien", "informaticiennes"], "informatic"),
        (["graphiste", "graphistes", "graphisme"], "graphis"),
        (["journal", "journaux"], "journal"),
        (["bureau", "bureaux"], "bureau"),
        (["travail", "travaux"], "travail"),
        (["créatif", "créative", "créatives"], "creatif"),
        (["professionnel", "professionnelle", "professionnelles"], "professionnel"),
        (["maraîcher", "maraîchère", "maraîchères"], "maraicher"),
        (["diplômé", "diplômée", "diplômées"], "diplome"),
    ],
)
def test_light_stemming_conflates_plurals_and_feminine_forms(words, expected):
    assert {stem(fold(w)) for w in words} == {expected}


def test_stemming_is_light_short_words_and_codes_untouched():
    assert stem("gaz") == "gaz"
    assert stem("bim") == "bim"
    assert stem("3d") == "3d"
    assert stem("process") == "process"
    assert stem("prix") == "prix"
    assert stems("isolation isolant") == ["isolation", "isolant"]  # not merged by rule


def test_token_offsets_point_at_the_word_after_the_elision():
    text = "Pose de l'isolation"
    (pose, isolation) = tokens(text)
    assert text[pose.start : pose.end] == "Pose"
    assert text[isolation.start : isolation.end] == "isolation"


def test_synonym_table_matches_by_stem_longest_first():
    table = load()
    assert len(table.groups) >= 60
    for query, expected in [
        ("plombiers", "plomberie"),
        ("plomberie", "plombier"),
        ("formatrice", "formation"),
        ("pompes à chaleur", "PAC"),
        ("PAC", "pompe à chaleur"),
        ("DPE", "diagnostic de performance énergétique"),
        ("diagnostic de performance énergétique", "DPE"),
        ("dev", "développement"),
        ("maraîchère", "maraîchage"),
        ("comptable", "comptabilité"),
        ("menuisier", "menuiserie"),
        ("électricienne", "électricité"),
        ("graphiste", "design graphique"),
    ]:
        n, groups = table.match(stems(query), 0)
        assert n == len(stems(query)), query
        assert any(t.text == expected for g in groups for t in g.terms), query
    n, groups = table.match(stems("développeur web"), 0)
    assert n == 2 and any(t.text == "site internet" for g in groups for t in g.terms)


def test_synonym_file_format():
    table = SynonymTable.parse(
        "# comment\nAlpha | Beta gamma | alphas | le\n\nsingle\nxeno | yak # trailing comment\n"
    )
    # Duplicates by stem ("alphas") and terms made only of stop words ("le") are dropped.
    assert [[t.text for t in g.terms] for g in table.groups] == [
        ["Alpha", "Beta gamma"],
        ["xeno", "yak"],
    ]


def test_typos_tolerated_scale_with_word_length():
    assert [max_edits(w) for w in ("pac", "isol", "plombier", "renovation")] == [0, 1, 2, 2]
    assert max_edits("isolant") == 1
    assert edit_distance("energetiqe", "energetique") == 1
    assert edit_distance("isolatoin", "isolation") == 1  # a swap counts once
    assert edit_distance("", "abc") == 3


def test_parse_strips_syntax_and_caps_length():
    parsed = parse('"rénovation" AND (plomberie OR NOT *) ? ~ ^2 field:value')
    assert [w.folded for w in parsed.words] == ["renovation", "plomberie", "2", "field", "value"]
    long = parse(" ".join(f"mot{i}" for i in range(500)))
    assert len(long.text) <= MAX_CHARS
    assert len(long.words) == MAX_WORDS
    assert [w.folded for w in parse("Bois bois BOIS chêne bois").words] == ["bois", "chene"]
    assert parse(None).words == []
    assert parse("* ? ( ) \" ' -").words == []


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=600))
def test_parse_never_fails(text):
    parsed = parse(text)
    assert len(parsed.words) <= MAX_WORDS
    assert len(parsed.text) <= MAX_CHARS


def test_highlight_escapes_around_marks():
    marked = highlight("<b>Plomberie</b> & l'isolation", {"plomberie"}, {"isolation"})
    assert str(marked) == (
        "&lt;b&gt;<mark>Plomberie</mark>&lt;/b&gt; &amp; l&#39;<mark>isolation</mark>"
    )
    assert highlight("rien à voir", {"plomberie"}) is None


def test_highlight_fragment_keeps_a_window_around_the_first_match():
    text = "Début. " + "mot " * 100 + "plomberie sanitaire " + "fin " * 100
    marked = str(highlight(text, {"plomberie"}, fragment=120))
    assert marked.startswith("…") and marked.endswith("…")
    assert "<mark>plomberie</mark>" in marked
    assert len(marked) < 200


def test_whoosh_analyzers_agree_with_tokens():
    text = "Les Électriciennes d’Œuvre posent des PAC"
    exact = [t.text for t in analysis.exact_analyzer()(text)]
    stemmed = [t.text for t in analysis.stem_analyzer()(text)]
    assert exact == [t.folded for t in tokens(text)]
    assert stemmed == [t.stem for t in tokens(text)]


def test_sections_weigh_words_by_where_they_are_written():
    parts = [(7.0, "Plomberie"), (1.0, "J'aime la plomberie et le jardin"), (2, "")]
    text = analysis.sections(parts)

    tokens_ = [(t.text, t.boost) for t in analysis.stem_analyzer()(text, boosts=True)]
    assert tokens_ == [("plomberie", 7.0), ("aime", 1.0), ("plomberie", 1.0), ("jardin", 1.0)]
    # Control characters in people's text cannot forge a weight.
    forged = analysis.sections([(1.0, "\x0199\x02plomberie")])
    assert [t.boost for t in analysis.stem_analyzer()(forged, boosts=True)] == [1.0, 1.0]


def test_the_lean_lemma_dictionary_gives_the_default_dictionarys_lemmas_and_known_words():
    """lemma_stem and in_dictionary read simplemma's French data through a MARISA trie: on
    a broad French word list (every fourth word of the dictionary, capitalised, elided, with
    a letter added), the same answers as simplemma's default dictionary."""
    import simplemma
    from simplemma.strategies.dictionaries import TrieDictionaryFactory
    from simplemma.strategies.dictionaries.dictionary_factory import _load_dictionary_from_disk

    assert isinstance(analysis.LEMMA_DICTIONARY, TrieDictionaryFactory)
    words = [key.decode() for key in _load_dictionary_from_disk("fr")][::4]
    assert len(words) > 50_000
    words += [w.capitalize() for w in words[::10]] + [w + "x" for w in words[::10]]
    words += ["l'" + w for w in words[::50]] + ["Xyzzyq", "photographiez", "ruches"]
    lemmas, known = [], []
    for raw in words:
        word = analysis.strip_elision(raw).lower()
        lemma = fold(simplemma.lemmatize(word, lang="fr"))
        f = fold(raw)
        lemmas.append(stem(lemma) if lemma and lemma.isalpha() else stem(f))
        known.append(bool(word) and simplemma.is_known(word, lang="fr"))
    assert [analysis.lemma_stem(fold(w), w) for w in words] == lemmas
    assert [analysis.in_dictionary(w) for w in words] == known
    assert sum(known) > 50_000 and not all(known)
