"""The shape of the demo's trade data.

A text given as a pair is (masculine, feminine); a plain text suits everyone.
"""

from __future__ import annotations

from dataclasses import dataclass

Text = str | tuple[str, str]


@dataclass(frozen=True)
class Trade:
    headline: Text
    #: Follows "je développe mon activité …": "d'audit énergétique".
    activity: str
    #: Competences every person of the trade declares (a high level).
    skills: tuple[str, ...]
    #: Competences some of them add (any level).
    extra: tuple[str, ...]
    #: Certifications some of them hold.
    certifications: tuple[str, ...]
    #: Follows "Je travaille surtout sur …".
    focus: tuple[str, ...]


@dataclass(frozen=True)
class Sector:
    label: str
    trades: tuple[Trade, ...]
    #: Daily rate range in euros, excluding VAT.
    rate: tuple[int, int]
    #: Follows "pour …".
    clients: tuple[str, ...]
    #: Follows "Après N ans …".
    backgrounds: tuple[str, ...]
    #: Whole sentences about how they work.
    methods: tuple[Text, ...]
    #: Follows "Je cherche …".
    wishes: tuple[str, ...]
