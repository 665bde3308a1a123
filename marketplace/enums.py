"""Value sets that carry their human label: one declaration gives the stored values, the
database constraint, the form choices, the OpenAPI enum and the words shown on the pages.

Declare the members as ``NAME = "value", _l("label")``::

    class Availability(LabelledEnum):
        AVAILABLE = "available", _l("available")

``Availability.values()`` gives the stored values in order, ``Availability.choices()`` the
(value, label) pairs of a WTForms field, ``Availability.labels()`` a dict value -> label and
``Availability.label_of(raw)`` the label of a raw value, or the value itself when it is unknown.
Labels are lazy strings: they are translated when they are rendered.

A status that people move a row to by a button also carries the button's words, third::

    class TenderStatus(LabelledEnum):
        WON = "won", _l("won"), _l("Won")

``TenderStatus.moves()`` gives them, value -> words, for the statuses that have one.
"""

from __future__ import annotations

from enum import IntEnum, StrEnum
from functools import cache
from typing import Any, Self


class _Labelled:
    """What both kinds of labelled enum share; the members set ``_label`` in ``__new__``."""

    _label: Any
    _move: Any = None

    @property
    def label(self) -> Any:
        return self._label

    @classmethod
    @cache  # a value set never changes; checking a 12,000-row import asks 36,000 times
    def values(cls) -> tuple:
        return tuple(member.value for member in cls)  # type: ignore[attr-defined]

    @classmethod
    def choices(cls) -> list[tuple[str, Any]]:
        """(value, label) pairs for a SelectField or RadioField (values as text)."""
        return [(str(member.value), member.label) for member in cls]  # type: ignore[attr-defined]

    @classmethod
    def labels(cls) -> dict:
        return {member.value: member.label for member in cls}  # type: ignore[attr-defined]

    @classmethod
    def moves(cls) -> dict:
        """value -> the words of the button that moves a row to it (statuses that have one)."""
        members = [m for m in cls if m._move is not None]  # type: ignore[attr-defined]
        return {member.value: member._move for member in members}

    @classmethod
    def label_of(cls, value: Any) -> Any:
        """The label of a raw value; an unknown value (or None) is given back as it is."""
        try:
            return cls(value).label  # type: ignore[call-arg]
        except (ValueError, TypeError):
            return value


class LabelledEnum(_Labelled, StrEnum):
    """A string value set whose members are declared as ``NAME = "value", _l("label")`` (and
    a status, ``NAME = "value", _l("label"), _l("move")``)."""

    def __new__(cls, value: str, label: Any = None, move: Any = None) -> Self:
        member = str.__new__(cls, value)
        member._value_ = value
        member._label = value if label is None else label
        member._move = move
        return member


class LabelledIntEnum(_Labelled, IntEnum):
    """An integer value set (skill levels) declared as ``NAME = 1, _l("label")``."""

    def __new__(cls, value: int, label: Any = None) -> Self:
        member = int.__new__(cls, value)
        member._value_ = value
        member._label = str(value) if label is None else label
        return member
