"""French text analysis shared by indexing, querying and highlighting.

One pipeline, used everywhere so that the three always agree:
words (letters and digits, apostrophes kept inside a word) → elision removed (l', d', qu'…)
→ case and accent folding (œ → oe, æ → ae) → French stop words dropped → light stemming.

The stemmer is deliberately light and predictable: plurals, feminine forms and a few common
endings converge (plombiers → plombier, formatrice → formateur, informatique/informaticien →
informatic); related trade words that do not converge by rule go through the synonym table.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from functools import lru_cache
from typing import NamedTuple

from simplemma import Lemmatizer
from simplemma.strategies import DefaultStrategy, DictionaryLookupStrategy
from simplemma.strategies.dictionaries import TrieDictionaryFactory
from simplemma.utils import normalize_token
from whoosh.analysis import Filter, Tokenizer
from whoosh.analysis import Token as AnalysisToken

#: A word: letters or digits, with apostrophes inside (l'électricité, aujourd'hui).
WORD_PATTERN = r"[^\W_]+(?:['’][^\W_]+)*"
_WORD = re.compile(WORD_PATTERN)
_ELISION = re.compile(
    r"^(?:l|d|j|m|n|s|t|c|qu|jusqu|lorsqu|puisqu|quoiqu|presqu)['’](?=[^\W_])", re.IGNORECASE
)
_LIGATURES = str.maketrans({"œ": "oe", "Œ": "oe", "æ": "ae", "Æ": "ae", "ß": "ss", "’": "'"})

#: French stop words, folded. Words that are also trade vocabulary are left out on purpose
#: ("son" as in sound engineer, "or" the metal, "été" summer, "bois" wood, "fait").
_STOP_TEXT = """
    a afin ai aie aient aies ait alors as au aucun aussi aux avaient avais avait avec avez
    aviez avions avoir avons ayant c ca car ce ceci cela celle celles celui ces cet cette ceux
    chaque chez comme d dans de des donc dont du elle elles en encore entre es est et etaient
    etais etait etes etiez etions etre eu eux ici il ils j je l la le les leur leurs lors lui m
    ma mais me meme memes mes moi mon n ne ni nos notre nous ont ou par parce pas peu peut plus
    pour pourquoi qu quand que quel quelle quelles quels qui s sa sans se ses si soi soit
    sommes sont sous suis sur t ta te tes toi ton tous tout toute toutes tres tu un une unes
    uns vers via vos votre vous y
    and the of for to in with on at by an is are
"""
STOP_WORDS = frozenset(_STOP_TEXT.split())

#: Irregular plurals and forms the rules below would get wrong (folded → stem).
_EXCEPTIONS = {
    "travaux": "travail",
    "vitraux": "vitrail",
    "emaux": "email",
    "baux": "bail",
    "soupiraux": "soupirail",
    "yeux": "oeil",
    "cieux": "ciel",
    "festivals": "festival",
    "carnavals": "carnaval",
    "bals": "bal",
    "regals": "regal",
    "chacals": "chacal",
    "pneus": "pneu",
    "chaux": "chaux",
}

#: Endings replaced in order (after the plural is removed), first match wins:
#: (ending, replacement, minimum word length).
_ENDINGS = (
    ("icienne", "ic", 9),  # informaticienne → informatic (as informatique)
    ("icien", "ic", 7),  # électricien → electric (as électrique)
    ("ique", "ic", 6),
    ("trice", "teur", 7),  # formatrice → formateur
    ("euse", "eur", 6),  # coiffeuse → coiffeur
    ("ienne", "ien", 7),
    ("ive", "if", 5),  # créative → creatif
    ("elle", "el", 6),  # professionnelle → professionnel
    ("iere", "ier", 6),  # menuisière → menuisier
    ("ere", "er", 5),  # boulangère → boulanger
    ("iste", "is", 7),  # graphiste → graphis (as graphisme)
    ("isme", "is", 7),
    ("ee", "e", 5),  # diplômée → diplome
)


def fold(word: str) -> str:
    """Lower-case a word, remove accents and expand ligatures ('Œuvre' → 'oeuvre')."""
    if word.isascii():
        return word.lower()
    word = word.translate(_LIGATURES).lower()
    decomposed = unicodedata.normalize("NFKD", word)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).translate(_LIGATURES)


def strip_elision(word: str) -> str:
    """'l'électricité' → 'électricité'; 'aujourd'hui' is kept whole."""
    return _ELISION.sub("", word, count=1)


def _is_plural(word: str) -> bool:
    if word.endswith("x"):
        return word[-2] in "aeu" and len(word) > 4  # bureaux, jeux (not prix)
    return word.endswith("s") and not word.endswith("ss") and len(word) > 3


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """Light French stem of a folded word: plurals, feminine forms and a few endings."""
    if len(word) <= 3 or not word.isalpha():
        return word
    if word in _EXCEPTIONS:
        return _EXCEPTIONS[word]
    # Plurals: -aux → -al (journaux → journal), -eaux/-eux → drop x, -s → drop s.
    if word.endswith("aux") and not word.endswith("eaux") and len(word) > 4:
        word = word[:-3] + "al"
    elif _is_plural(word):
        word = word[:-1]
    for ending, replacement, minimum in _ENDINGS:
        if len(word) >= minimum and word.endswith(ending):
            return word[: -len(ending)] + replacement
    return word


class Token(NamedTuple):
    """A word of a text: where it is, its folded form and its stem."""

    start: int
    end: int
    folded: str
    stem: str


@lru_cache(maxsize=200_000)
def normalize_word(raw: str) -> str | None:
    """The folded form of one raw word, or None when it is a stop word or empty."""
    word = fold(strip_elision(raw))
    if not word or word in STOP_WORDS:
        return None
    return word


def tokens(text: str) -> Iterator[Token]:
    """The words of a text with their character offsets (for queries and highlighting)."""
    for match in _WORD.finditer(text or ""):
        raw = match.group()
        word = normalize_word(raw)
        if word is not None:
            elision = _ELISION.match(raw)
            start = match.start() + (elision.end() if elision else 0)
            yield Token(start, match.end(), word, stem(word))


def stems(text: str) -> list[str]:
    return [t.stem for t in tokens(text)]


# What a person types, beyond the indexed text ---------------------------------------------

#: Words of a request that carry no weight in a query (folded): filler verbs and politeness
#: around a need (« je cherche », « besoin de », « qui peut faire »). Dropped from a query,
#: never from the indexed text, unless the query holds nothing else.
_FILLER_TEXT = """
    cherche cherches cherchons cherchez chercher recherche recherchons recherchez rechercher
    besoin besoins faut falloir voudrais voudrions voulons veux veut vouloir souhaite
    souhaitons souhaiterais souhaiterions aimerais aimerions peux pouvez pourriez pourrait
    pouvoir puisse faire fais fait refaire quelqu'un quelqu'une quelque quelques personne
    svp stp merci bonjour bonsoir urgent urgence rapidement vite possible besoin idee
    trouver trouve prestataire prestataires professionnel professionnelle pro quoi comment
    aider mien mienne notre nos mon ma mes ai avons avez j'ai realiser realise
    propose proposer proposez cherchant capable capables sachant sait savoir
    dois doit devons devez doivent devoir devrions devrait
    need looking someone who can help please
    obtenir etablir mettre remettre installer mise placer place avoir
    un deux trois quatre cinq six dix premier premiere
    petit petite petits petites grand grande grands grandes nouveau nouvelle nouveaux
    vieux vieil vieille vieilles bon bonne bons bonnes mieux meilleur
    jour jours semaine semaines mois an ans annee annees hiver printemps automne
    avant apres bientot demain prochain prochaine prochains chaque entierement
"""
FILLER_WORDS = frozenset(_FILLER_TEXT.split())

#: Words that set the scene of a need rather than say it (« pour notre association », « dans
#: ma maison »): they count in a query, with CONTEXT_WEIGHT of a word's weight.
_CONTEXT_TEXT = """
    maison maisons appartement appartements logement logements domicile entreprise entreprises
    societe societes association associations structure structures projet projets client
    clients local locaux bureau bureaux equipe equipes activite activites famille
    particulier particuliers commune mairie ville village boutique magasin
"""
CONTEXT_WORDS = frozenset(_CONTEXT_TEXT.split())
CONTEXT_WEIGHT = 0.3


#: simplemma's French dictionary as a MARISA trie (about 2 MB once loaded, against 23 MB for
#: the dict of its default factory), read on first use from the user's cache folder, where the
#: first use builds it. The same lemmas and the same known words as the default dictionary
#: (tests/search/test_search_analysis.py).
LEMMA_DICTIONARY = TrieDictionaryFactory()
#: No cache of its own: lemma_stem and in_dictionary keep theirs.
_LEMMATIZER = Lemmatizer(
    cache_max_size=0, lemmatization_strategy=DefaultStrategy(dictionary_factory=LEMMA_DICTIONARY)
)
_LOOKUP = DictionaryLookupStrategy(LEMMA_DICTIONARY)


@lru_cache(maxsize=50_000)
def lemma_stem(folded: str, raw: str) -> str:
    """The stem of a word's dictionary form (« carrelons » → carreler, « taillées » →
    tailler), from simplemma's French data; the word's own stem when it knows no lemma."""
    word = strip_elision(raw).lower()
    try:
        lemma = _LEMMATIZER.lemmatize(word, "fr")
    except (ValueError, KeyError):  # pragma: no cover - a word simplemma cannot read
        return stem(folded)
    folded_lemma = fold(lemma)
    if not folded_lemma or not folded_lemma.isalpha():
        return stem(folded)
    return stem(folded_lemma)


@lru_cache(maxsize=50_000)
def in_dictionary(raw: str) -> bool:
    """Whether a word as typed is a French word of simplemma's data (« parc », « ruches »):
    not a typo, even when another word is within its edit distance."""
    word = strip_elision(raw).lower()
    try:
        return bool(word) and _LOOKUP.get_lemma(normalize_token(word), "fr") is not None
    except (ValueError, KeyError):  # pragma: no cover - a word simplemma cannot read
        return False


# Whoosh analyzers ---------------------------------------------------------------------------

_SECTION = re.compile("\x01([0-9.]+)\x02|" + WORD_PATTERN)


def sections(parts: list[tuple[float, str]]) -> str:
    """One indexable text of weighted parts: each word of a part counts ``weight`` times.

    A document's fields are indexed as one text, so that a query word is one term to look up
    (fast) while a declared skill still weighs more than the same word in a bio.
    """
    return "".join(
        f"\x01{weight:g}\x02{text.replace(chr(1), ' ').replace(chr(2), ' ')}\n"
        for weight, text in parts
        if text
    )


class SectionTokenizer(Tokenizer):
    """Words of a sections() text; each token's boost is the weight of its part."""

    def __eq__(self, other):
        return other is not None and self.__class__ is other.__class__

    def __call__(
        self,
        value,
        positions=False,
        chars=False,
        keeporiginal=False,
        removestops=True,
        start_pos=0,
        start_char=0,
        tokenize=True,
        mode="",
        **kwargs,
    ):
        t = AnalysisToken(positions, chars, removestops=removestops, mode=mode, **kwargs)
        boost = 1.0
        pos = start_pos
        for match in _SECTION.finditer(value):
            weight = match.group(1)
            if weight is not None:
                boost = float(weight)
                continue
            t.text = match.group()
            t.boost = boost
            t.stopped = False
            if keeporiginal:
                t.original = t.text
            if positions:
                t.pos = pos
                pos += 1
            if chars:
                t.startchar = start_char + match.start()
                t.endchar = start_char + match.end()
            yield t


class FrenchFilter(Filter):
    """Removes elisions, folds case and accents, drops stop words and (optionally) stems."""

    def __init__(self, stemming: bool = False):
        self.stemming = stemming

    def __eq__(self, other):
        return (
            other is not None
            and self.__class__ is other.__class__
            and self.stemming == other.stemming
        )

    def __call__(self, tokens):
        stemming = self.stemming
        for t in tokens:
            word = normalize_word(t.text)
            if word is None:
                continue
            t.text = stem(word) if stemming else word
            yield t


def exact_analyzer():
    """Folded words without stemming: for prefix, fuzzy matching and suggestions."""
    return SectionTokenizer() | FrenchFilter()


def stem_analyzer():
    """Folded and stemmed words: for ranking."""
    return SectionTokenizer() | FrenchFilter(stemming=True)


#: Bump when the analysis changes in a way that needs the index rebuilt.
ANALYSIS_VERSION = 2
