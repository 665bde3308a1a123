"""The fictional CAEs of the demo: names, places, sectors, and how their members are spread.

None of them is a real cooperative; the web addresses use the reserved `.example` domain.
The table itself is data/caes.json.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from marketplace.demo.datafiles import read_json


@dataclass(frozen=True)
class DemoCae:
    name: str
    city: str
    department: str
    website: str
    sectors: tuple[str, ...]
    description: str
    #: Where its members live: (city, department code), the first ones more often.
    places: tuple[tuple[str, str], ...]
    #: Relative number of members.
    weight: int
    #: Relative share of each sector (keys of sectors.SECTORS) among its members.
    sector_weights: dict[str, int]
    #: Regional languages some members speak, with their probability.
    languages: dict[str, float] = field(default_factory=dict)
    #: A fictional SIREN (9 digits, valid Luhn key), printed in the subcontracting ledger.
    siren: str = ""
    #: Slug used in the e-mail of its support team's account.
    slug: str = ""
    #: The name with its article, for sentences: "la Ruche Atlantique", "Île Coop Services".
    the: str = ""
    #: Preceded by "de": "de la Ruche Atlantique", "d'Île Coop Services".
    of: str = ""


CAES: tuple[DemoCae, ...] = tuple(DemoCae(**row) for row in read_json("caes.json"))
