"""Trades of the demo's profiles, sector by sector, in the vocabulary of the trades themselves."""

from __future__ import annotations

from marketplace.demo.model import Sector, Text, Trade
from marketplace.demo.sectors_hands import HANDS
from marketplace.demo.sectors_minds import MINDS

SECTORS: dict[str, Sector] = {**HANDS, **MINDS}

#: Backgrounds that suit any trade (people change careers).
COMMON_BACKGROUNDS: tuple[str, ...] = (
    "dans le secteur associatif",
    "dans une collectivité territoriale",
    "dans la fonction publique",
    "dans le commerce",
)

__all__ = ["COMMON_BACKGROUNDS", "SECTORS", "Sector", "Text", "Trade"]
