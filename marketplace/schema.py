"""One declaration per field: the base of every schema (input checks, output shape, OpenAPI).

A domain declares its resources in ``<domain>/schemas.py`` as subclasses of :class:`Schema`
(pydantic v2). The same class

- checks what a client or a form sends (:meth:`Schema.load`: a domain ``ValidationError`` whose
  ``fields`` map each field to its messages in the reader's language, never pydantic's English);
- shapes what the API answers (:meth:`Schema.dump`, checked against the declaration);
- describes itself in the OpenAPI 3.1 document (``blueprints/api/spec.py`` reads the JSON Schema).

The field types below carry the house rules once: text is cleaned and its limit counts what was
typed (:func:`marketplace.text.over_limit`), ids fit the database, money is whole cents, a boolean
is never a number.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import date, datetime
from enum import Enum
from functools import cache
from typing import Annotated, Any, ClassVar, Self

from flask_babel import gettext as _
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    WithJsonSchema,
    create_model,
)
from pydantic import ValidationError as PydanticError
from pydantic.fields import FieldInfo
from pydantic.json_schema import GenerateJsonSchema

from marketplace.enums import LabelledEnum
from marketplace.errors import ValidationError
from marketplace.ids import MAX_ID, is_id
from marketplace.text import clean, clean_multiline, fold, over_limit
from marketplace.timeutil import PARIS, as_utc

__all__ = [
    "ID",
    "ID_OUT",
    "MAX_AMOUNT_CENTS",
    "Cents",
    "DateOut",
    "DateTimeOut",
    "Field",
    "FieldError",
    "Id",
    "IdOut",
    "OptionalDate",
    "Schema",
    "fail",
    "text",
]

#: One billion euros in cents: the ceiling of every amount.
MAX_AMOUNT_CENTS = 100_000_000_000

#: An id sent by the client (a path segment or a field of a body).
ID: dict[str, Any] = {"type": "integer", "format": "int64", "minimum": 1, "maximum": MAX_ID}
#: An id in a response.
ID_OUT: dict[str, Any] = {"type": "integer", "format": "int64", "minimum": 1}


class FieldError(ValueError):
    """Raised by a validator: its message (already translated) is the field's message."""


def fail(message: str) -> FieldError:
    """``raise fail(_("…"))`` inside a validator: the message reaches the client as it is."""
    return FieldError(message)


# ---------------------------------------------------------------------------------------------
# Field types


def _whole(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _check_id(value: Any) -> int:
    if not is_id(value):
        raise fail(_("Expected an id (a whole number from 1)."))
    return int(value)


#: An id given by the client: a whole number from 1 to the database's largest (422 beyond).
Id = Annotated[int, BeforeValidator(_check_id), WithJsonSchema(ID)]
#: An id in a response.
IdOut = Annotated[int, WithJsonSchema(ID_OUT)]


def _check_cents(value: Any) -> int:
    if not _whole(value):
        raise fail(_("Expected a whole number of cents."))
    if value < 0 or value > MAX_AMOUNT_CENTS:
        raise fail(_("The amount must be between 0 and one billion euros."))
    return int(value)


#: An amount in whole cents, from 0 to one billion euros.
Cents = Annotated[
    int,
    BeforeValidator(_check_cents),
    WithJsonSchema({"type": "integer", "minimum": 0, "maximum": MAX_AMOUNT_CENTS}),
]


def _text_checker(limit: int, multiline: bool, required: bool) -> Callable[[Any], str]:
    def check(value: Any) -> str:
        if value is None:
            value = ""
        if not isinstance(value, str):
            raise fail(_("Expected text."))
        cleaned = clean_multiline(value) if multiline else clean(value)
        if required and not cleaned:
            raise fail(_("This field is required."))
        if over_limit(value, cleaned, limit):
            raise fail(_("At most %(n)d characters.", n=limit))
        return cleaned

    return check


@cache
def text(limit: int, *, multiline: bool = False, required: bool = False) -> Any:
    """Text cleaned as the house cleans it (white space folded, control characters removed),
    at most ``limit`` characters as typed or once cleaned; ``required``: not empty once cleaned.
    ``None`` reads as an empty string."""
    schema: dict[str, Any] = {"type": "string", "maxLength": limit}
    if required:
        schema["minLength"] = 1
    return Annotated[
        str, BeforeValidator(_text_checker(limit, multiline, required)), WithJsonSchema(schema)
    ]


def _parse_date(value: Any) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise fail(_("Expected a date (YYYY-MM-DD)."))


#: A date that may also be cleared with null or an empty string.
OptionalDate = Annotated[
    date | None,
    BeforeValidator(_parse_date),
    WithJsonSchema(
        {
            "oneOf": [
                {"type": "string", "format": "date"},
                {"type": "string", "maxLength": 0},
                {"type": "null"},
            ],
            "description": "YYYY-MM-DD; null or an empty string clears it.",
        }
    ),
]


def parse_datetime(raw: Any) -> datetime:
    """An ISO 8601 datetime; without an offset it is read as Paris time. ValueError otherwise."""
    if isinstance(raw, datetime):
        value = raw
    elif isinstance(raw, str) and raw.strip():
        value = datetime.fromisoformat(raw.strip().replace("Z", "+00:00"))
    else:
        raise ValueError(raw)
    if value.tzinfo is None:
        value = value.replace(tzinfo=PARIS)
    return as_utc(value)


def _iso_datetime(value: datetime | None) -> str | None:
    value = as_utc(value)
    return value.isoformat() if value else None


def _iso_date(value: date | None) -> str | None:
    return value.isoformat() if value else None


#: A moment in a response: ISO 8601 with its offset (UTC), e.g. 2026-11-22T09:30:00+00:00.
DateTimeOut = Annotated[
    datetime,
    PlainSerializer(_iso_datetime, return_type=str),
    WithJsonSchema({"type": "string", "format": "date-time"}),
]
#: A day in a response: YYYY-MM-DD.
DateOut = Annotated[
    date,
    PlainSerializer(_iso_date, return_type=str),
    WithJsonSchema({"type": "string", "format": "date"}),
]


def choice(enum: type[Enum] | Iterable[str], message: str | None = None) -> Any:
    """One of the values of a value set (an enum or a list of strings), with its French message."""
    values = [m.value for m in enum] if isinstance(enum, type) else list(enum)
    # A value set with labels names its choices as people read them (« salarié·e »), not by code.
    labelled = isinstance(enum, type) and issubclass(enum, LabelledEnum)

    def check(value: Any) -> str:
        if value not in values:
            named = [str(m.label) for m in enum] if labelled else values  # type: ignore[union-attr]
            raise fail(message or _("Choose one of: %(values)s.", values=", ".join(named)))
        return value

    return Annotated[
        str, BeforeValidator(check), WithJsonSchema({"type": "string", "enum": values})
    ]


# ---------------------------------------------------------------------------------------------
# Messages


def _message(error: Mapping[str, Any]) -> str:
    kind = error["type"]
    ctx = error.get("ctx") or {}
    if kind == "value_error" and isinstance(ctx.get("error"), FieldError):
        return str(ctx["error"])
    messages: dict[str, Callable[[], str]] = {
        "missing": lambda: _("This field is required."),
        "extra_forbidden": lambda: _("Unknown or read-only field."),
        "string_type": lambda: _("Expected text."),
        "int_type": lambda: _("Expected a whole number."),
        "int_parsing": lambda: _("Expected a whole number."),
        "int_from_float": lambda: _("Expected a whole number."),
        "bool_type": lambda: _("Expected true or false."),
        "bool_parsing": lambda: _("Expected true or false."),
        "list_type": lambda: _("Expected a list."),
        "model_type": lambda: _("Expected an object."),
        "model_attributes_type": lambda: _("Expected an object."),
        "dict_type": lambda: _("Expected an object."),
        "literal_error": lambda: _("Choose one of: %(values)s.", values=ctx.get("expected", "")),
        "enum": lambda: _("Choose one of: %(values)s.", values=ctx.get("expected", "")),
        "string_too_long": lambda: _("At most %(n)d characters.", n=ctx.get("max_length", 0)),
        "too_long": lambda: _("At most %(n)d items.", n=ctx.get("max_length", 0)),
        "greater_than_equal": lambda: _("At least %(n)s.", n=ctx.get("ge")),
        "less_than_equal": lambda: _("At most %(n)s.", n=ctx.get("le")),
    }
    if kind in messages:
        return messages[kind]()
    return _("This value is not valid.")


def field_errors(error: PydanticError) -> dict[str, list[str]]:
    """Pydantic's errors as the house's ``fields``: the top-level field (its public name) maps
    to its messages, in the reader's language."""
    fields: dict[str, list[str]] = {}
    for item in error.errors(include_url=False, include_input=False):
        loc = item["loc"]
        key = str(loc[0]) if loc else "_"
        message = _message(item)
        if message not in fields.setdefault(key, []):
            fields[key].append(message)
    return fields


# ---------------------------------------------------------------------------------------------
# The base class


class Schema(BaseModel):
    """A resource's declaration. Input schemas refuse unknown fields; types are strict (a
    boolean is not a number, a number is not text); field types above do the cleaning."""

    model_config = ConfigDict(extra="forbid", strict=True, populate_by_name=True)

    #: The general message of a refused input (the API's ``error.message``).
    invalid_message: ClassVar[str] = ""
    #: What to call the object when the body is not one ("The tender must be an object.").
    not_an_object: ClassVar[str] = ""

    @classmethod
    def load(cls, data: Any, *, partial: bool = False) -> Self:
        """Check ``data`` (a dict from JSON or a form): the schema, or a domain ValidationError.
        ``partial``: only the fields given are checked (a PATCH); read them with
        :meth:`given`."""
        if not isinstance(data, dict):
            raise ValidationError(cls.not_an_object or _("Expected an object."))
        model = cls.partial() if partial else cls
        try:
            return model.model_validate(data)
        except PydanticError as error:
            message = cls.invalid_message or _("Some fields need your attention.")
            raise ValidationError(message, field_errors(error)) from None

    def given(self) -> dict[str, Any]:
        """The fields that were sent, as Python values (for a PATCH: what to change)."""
        return {name: getattr(self, name) for name in self.model_fields_set}

    @classmethod
    @cache
    def partial(cls) -> type[Self]:
        """The same schema with every field optional (a PATCH checks only what it is given)."""
        fields: dict[str, Any] = {}
        for name, info in cls.model_fields.items():
            fields[name] = (info.annotation, FieldInfo.merge_field_infos(info, default=None))
        model = create_model(
            f"{cls.__name__}Partial", __base__=cls, __module__=cls.__module__, **fields
        )
        return model

    def dump(self) -> dict[str, Any]:
        """The JSON shape of this object (what the API answers)."""
        return self.model_dump(mode="json", by_alias=True)

    @classmethod
    def out(cls, **values: Any) -> dict[str, Any]:
        """Build the response object from its values, checked against the declaration."""
        return cls.model_validate(values, strict=False).dump()


class Output(Schema):
    """A response object: every declared field is present (``required`` in OpenAPI); values
    are checked leniently (the database already holds checked values)."""

    model_config = ConfigDict(extra="forbid", strict=False, populate_by_name=True)

    @classmethod
    def of(cls, row: Any, **values: Any) -> dict[str, Any]:
        """The response object of a row: ``values``, and for every other required field the
        row's attribute of the same name (a field with a default is only what ``values``
        give)."""
        taken = {
            name: getattr(row, name)
            for name, field in cls.model_fields.items()
            if name not in values and field.is_required()
        }
        return cls.out(**taken, **values)


def limit_of(schema: type[BaseModel], name: str) -> int:
    """The ``maxLength`` a schema declares for a text field (forms read their limits here)."""
    prop = schema.model_json_schema(schema_generator=GenerateJsonSchema)["properties"][name]
    for option in [prop, *prop.get("anyOf", [])]:
        if "maxLength" in option:
            return int(option["maxLength"])
    raise LookupError(f"{schema.__name__}.{name} declares no limit")


def page_of(item: type[Output], name: str, **extra: Any) -> type[Output]:
    """The page of a list: ``{items, total, page, per_page}`` and any extra fields
    (``unread=(int, Field(ge=0))``)."""
    model: type[Output] = create_model(
        name,
        __base__=Output,
        __module__=item.__module__,
        items=(list[item], ...),  # type: ignore[valid-type]
        total=(int, Field(ge=0)),
        page=(int, Field(ge=1)),
        per_page=(int, Field(ge=1, le=100)),
        **extra,
    )
    return model


__all__ += [
    "AfterValidator",
    "Output",
    "choice",
    "limit_of",
    "page_of",
    "parse_datetime",
]


def nullable_text(limit: int, *, multiline: bool = False, description: str = "") -> Any:
    """Text as :func:`text` that may also be sent as null (read as an empty string)."""
    schema: dict[str, Any] = {"type": ["string", "null"], "maxLength": limit}
    if description:
        schema["description"] = description
    return Annotated[text(limit, multiline=multiline), WithJsonSchema(schema)]


def unique_names(
    value: Any,
    *,
    item_limit: int,
    too_long: str,
    not_a_list: str = "",
    tidy: Callable[[str], str] = clean,
    sequences: tuple[type[list[Any]] | type[tuple[Any, ...]], ...] = (list,),
) -> list[str]:
    """The names of a list (or of one string separated by ';'), tidied, the empty and repeated
    ones (case and accents ignored) dropped; ``too_long`` when one passes ``item_limit``."""
    items = value.split(";") if isinstance(value, str) else value
    if not isinstance(items, sequences) or not all(isinstance(v, str) for v in items):
        raise fail(not_a_list or _("Give a list of names."))
    names: list[str] = []
    seen: set[str] = set()
    for raw in items:
        name = tidy(raw)
        if not name or fold(name) in seen:
            continue
        if len(name) > item_limit:
            raise fail(too_long)
        seen.add(fold(name))
        names.append(name)
    return names


def names_schema(limit: int, item_limit: int, what: str = "names") -> dict[str, Any]:
    """The JSON Schema of at most ``limit`` distinct names."""
    return {
        "type": "array",
        "items": {"type": "string", "maxLength": item_limit},
        "description": f"At most {limit} distinct {what}; empty and repeated entries are "
        "dropped before counting (422 beyond).",
    }


__all__ += ["names_schema", "nullable_text", "unique_names"]


def absent_as_null(data: Any, *keys: str) -> Any:
    """The body with each of ``keys`` it lacks given as null (for a ``mode="before"`` model
    validator), so that the field's own check says what is missing."""
    if isinstance(data, dict):
        missing = [key for key in keys if key not in data]
        if missing:
            return {**data, **dict.fromkeys(missing)}
    return data


__all__ += ["absent_as_null"]


#: How much of a filter's text is read (the rest is cut).
FILTER_TEXT_LIMIT = 200


def filter_text(value: Any) -> str | None:
    """A filter of a query string: the text cleaned and cut at :data:`FILTER_TEXT_LIMIT`
    characters; empty (or no text at all) is no filter."""
    return clean(value)[:FILTER_TEXT_LIMIT] or None if isinstance(value, str) else None


#: A text filter of a query string.
FilterText = Annotated[str | None, BeforeValidator(filter_text), WithJsonSchema({"type": "string"})]


def choice_filter(values: tuple[str, ...]) -> Any:
    """A filter that is one of ``values`` (empty is no filter)."""

    def check(value: Any) -> str | None:
        if not (value := filter_text(value)):
            return None
        if value not in values:
            raise fail(_("Choose one of: %(values)s.", values=", ".join(values)))
        return value

    return Annotated[
        str | None,
        BeforeValidator(check),
        WithJsonSchema({"type": "string", "enum": [*values, ""]}),
    ]


__all__ += ["FILTER_TEXT_LIMIT", "FilterText", "choice_filter", "filter_text"]


def known_filter(read: Callable[[str], Any], unknown: Callable[[], str]) -> Callable[[Any], Any]:
    """A filter typed as text and read by ``read``: empty is no filter; what ``read`` does not
    know (None) is refused with ``unknown()``."""

    def check(value: Any) -> Any:
        if not (text_value := filter_text(value)):
            return None
        if (known := read(text_value)) is None:
            raise fail(unknown())
        return known

    return check


__all__ += ["known_filter"]


def optional_cents(maximum: int, out_of_range: Callable[[], str]) -> Callable[[Any], int | None]:
    """A whole number of cents from 0 to ``maximum`` (``out_of_range()`` beyond), or null /
    "" for none."""

    def check(value: Any) -> int | None:
        if value is None or value == "":
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            raise fail(_("Expected a whole number of cents."))
        if value < 0 or value > maximum:
            raise fail(out_of_range())
        return value

    return check


__all__ += ["optional_cents"]
