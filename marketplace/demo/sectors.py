"""Trades of the demo's profiles, sector by sector, in the vocabulary of the trades themselves.

The table is data/sectors.json: the sectors of manual trades (building, renovation, crafts,
farming) first, then the others (digital, training, consulting, arts, services).
"""

from __future__ import annotations

from typing import Any

from marketplace.demo.datafiles import read_json
from marketplace.demo.model import Sector, Text, Trade


def _sector(data: dict[str, Any]) -> Sector:
    return Sector(**{**data, "trades": tuple(Trade(**trade) for trade in data["trades"])})


_TABLE = read_json("sectors.json")

SECTORS: dict[str, Sector] = {key: _sector(data) for key, data in _TABLE["sectors"].items()}

#: Backgrounds that suit any trade (people change careers).
COMMON_BACKGROUNDS: tuple[str, ...] = _TABLE["common_backgrounds"]

__all__ = ["COMMON_BACKGROUNDS", "SECTORS", "Sector", "Text", "Trade"]
