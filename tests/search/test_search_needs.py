"""A need read without the index (search.needs), as saved alerts and tender lots read it:
sentences, filler words, lemmas, synonyms and the concept table."""

from __future__ import annotations

from marketplace.actors import SYSTEM
from marketplace.extensions import db
from marketplace.search import concepts
from marketplace.search.analysis import tokens
from marketplace.search.needs import read_need


def held(need: str, *texts: str) -> bool:
    stems = {t.stem for text in texts for t in tokens(text)}
    stems |= {t.folded for text in texts for t in tokens(text)}
    return read_need(need).held_by(stems)


def test_a_short_need_wants_every_word_its_synonyms_and_concepts_count(app):
    assert held("plombier", "Plomberie")  # a synonym
    assert not held("plombier", "Graphisme")
    assert held("affiches", "Graphisme")  # a concept: the competence that meets the need
    assert not held("affiches plombier", "Graphisme")  # every word of a short need
    assert not read_need("plombier").sentence


def test_a_sentence_wants_most_of_it_and_drops_its_filler_words(app):
    need_text = "nous cherchons quelqu'un pour carreler la douche de notre gîte"
    need = read_need(need_text)
    assert need.sentence
    assert "cherchons" not in [c.typed for c in need.clauses]
    assert held(need_text, "Pose de carrelage et faïence")  # carreler → carrelage
    assert held(need_text, "Plomberie", "Salles de bains")
    assert not held(need_text, "Création de sites internet")
    # A scene-setting word alone never meets a sentence.
    assert not held("refaire entièrement la toiture de notre maison", "Maison d'hôtes")


def test_a_concept_added_by_an_administrator_is_read_at_once(app):
    assert not held("nous voudrions une enseigne lumineuse pour la vitrine", "Graphisme")
    concepts.add_concept(SYSTEM, "enseigne lumineuse", "Graphisme")
    db.session.commit()
    assert held("nous voudrions une enseigne lumineuse pour la vitrine", "Graphisme")
