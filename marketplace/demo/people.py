"""Names of the demo's fictional people: as diverse as the people who work in French CAEs.

The tables are data/first_names.csv, data/last_names.csv and data/languages.csv.
"""

from __future__ import annotations

from marketplace.demo.datafiles import read_csv

#: (first name, "f" or "m"): the grammatical gender used for headlines and bios.
FIRST_NAMES: tuple[tuple[str, str], ...] = tuple(
    (row["first_name"], row["gender"]) for row in read_csv("first_names.csv")
)

LAST_NAMES: tuple[str, ...] = tuple(row["last_name"] for row in read_csv("last_names.csv"))

#: Languages besides French, with the probability that a member speaks them.
LANGUAGES: tuple[tuple[str, float], ...] = tuple(
    (row["language"], float(row["probability"])) for row in read_csv("languages.csv")
)
