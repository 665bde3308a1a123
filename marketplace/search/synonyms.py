"""The trade-vocabulary synonym table (data/synonyms.txt), expanded when searching."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from marketplace.search.analysis import Token, tokens

DEFAULT_PATH = Path(__file__).parent / "data" / "synonyms.txt"
#: Longest term, in words, that is looked up in a query.
MAX_WORDS = 6


@dataclass(frozen=True)
class Term:
    """One term of a group, analysed: its words' folded forms and stems."""

    text: str
    words: tuple[Token, ...]
    key: tuple[str, ...]  # the stems of the words


@dataclass(frozen=True)
class Group:
    terms: tuple[Term, ...]

    @property
    def label(self) -> str:
        return self.terms[0].text


class SynonymTable:
    """Groups of equivalent terms, found in a query by their stems (longest match first)."""

    def __init__(self, groups: list[Group]):
        self.groups = groups
        self._by_key: dict[tuple[str, ...], list[Group]] = {}
        for group in groups:
            for term in group.terms:
                if term.key:
                    self._by_key.setdefault(term.key, []).append(group)
        self.max_words = max((len(k) for k in self._by_key), default=1)

    @classmethod
    def parse(cls, text: str) -> SynonymTable:
        groups = []
        for line in text.splitlines():
            line = line.split("#", 1)[0].strip()
            if not line:
                continue
            terms: list[Term] = []
            for raw in line.split("|"):
                raw = raw.strip()
                words = tuple(tokens(raw))
                key = tuple(w.stem for w in words)
                if key and all(t.key != key for t in terms):
                    terms.append(Term(raw, words, key))
            if len(terms) > 1:
                groups.append(Group(tuple(terms)))
        return cls(groups)

    def match(self, stems: list[str], start: int) -> tuple[int, list[Group]]:
        """The longest term starting at stems[start]: (number of words, groups), or (0, [])."""
        longest = min(self.max_words, MAX_WORDS, len(stems) - start)
        for n in range(longest, 0, -1):
            groups = self._by_key.get(tuple(stems[start : start + n]))
            if groups:
                return n, groups
        return 0, []

    def vocabulary(self) -> set[str]:
        """Every folded word of the table (a source of spelling suggestions)."""
        return {w.folded for g in self.groups for t in g.terms for w in t.words}


@lru_cache(maxsize=4)
def load(path: str | None = None) -> SynonymTable:
    return SynonymTable.parse(Path(path or DEFAULT_PATH).read_text(encoding="utf-8"))
