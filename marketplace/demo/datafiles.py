"""The reader of the demo's tables, kept as data files in marketplace/demo/data/.

The files ship with the package (pyproject.toml, package-data) and are found through
importlib.resources. JSON arrays are read as tuples (the tables are fixed and their rows
hashable), or as lists for data that goes as it is to an input schema, which wants lists.
A CSV file gives one dict a row, keyed by its header, every value a string.
"""

from __future__ import annotations

import csv
import io
import json
from importlib.resources import files
from typing import Any

FOLDER = files(__package__).joinpath("data")


def _frozen(value: Any) -> Any:
    if isinstance(value, list):
        return tuple(_frozen(item) for item in value)
    if isinstance(value, dict):
        return {key: _frozen(item) for key, item in value.items()}
    return value


def read_json(name: str, *, tuples: bool = True) -> Any:
    """The content of data/<name>, its arrays as tuples (as lists if not `tuples`)."""
    content = json.loads(FOLDER.joinpath(name).read_text(encoding="utf-8"))
    return _frozen(content) if tuples else content


def read_csv(name: str) -> list[dict[str, str]]:
    """The rows of data/<name>, in the file's order."""
    text = FOLDER.joinpath(name).read_text(encoding="utf-8")
    return list(csv.DictReader(io.StringIO(text, newline="")))
