"""Pluggable document types: what each searchable kind of row puts into the index.

A document type declares its index fields, how to load a batch of rows by id (one query per
batch, never one per row), how to turn a row into a document, the visibility fields every
document carries, its facets, and which model changes must re-index which documents (the
change log follows these "watches"). The engine knows no domain: each domain declares its
type in its own package (profiles/search.py, collectives/search.py, …) and adds it with
``register(DocumentType(...))``; the application imports these modules when it is built.

Every document carries the common fields below. Visibility mirrors marketplace.visibility:
``audience`` (public, network, cae), ``cae_id`` and ``owner_id`` of the owner, and
``vouched`` ("1" when the owner's membership is verified and the account is active).
"""

from __future__ import annotations

import hashlib
import operator
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import reduce
from types import SimpleNamespace
from typing import Any, TypeVar

from sqlalchemy import func, inspect, select
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session
from whoosh import columns, fields, query

from marketplace.actors import Viewer
from marketplace.search.analysis import ANALYSIS_VERSION, exact_analyzer, stem_analyzer

SEP = "\x1f"  # between facet values in the facets column
MULTI = "\x1e"  # between the values of a multi-valued facet


def tag() -> fields.FieldType:
    """A single-value filter field. (Scorable only because Whoosh's writer checks the disk
    for a lengths file at every posting of an unscored field: this avoids 30 stat() calls per
    document when indexing.)"""
    return fields.KEYWORD(lowercase=False, commas=True, scorable=True)


def text_fields() -> dict[str, fields.FieldType]:
    """The two text fields every type searches: stemmed ("text") and exact words ("text_x")."""
    return {
        "text": fields.TEXT(analyzer=stem_analyzer(), phrase=False),
        "text_x": fields.TEXT(analyzer=exact_analyzer(), phrase=False),
    }


COMMON_FIELDS: dict[str, fields.FieldType] = {
    "key": fields.ID(unique=True, stored=True),  # "profile:12"
    "doc_type": tag(),
    "audience": tag(),
    "cae_id": tag(),
    "owner_id": tag(),
    "vouched": tag(),
    #: Last update in microseconds since 1970, for "most recent first" without a query.
    "updated": fields.COLUMN(columns.NumericColumn("Q", default=0)),
    #: The facet values of the document, encoded (see encode_facets).
    "facets": fields.COLUMN(columns.VarBytesColumn()),
}


@dataclass(frozen=True)
class Watch:
    """Changes of ``model`` rows that re-index documents of ``doc_type``.

    ``doc_ids(connection, objects)`` maps a batch of changed objects to document ids (it may run
    one query on the flushing connection). With ``attributes``, an update counts only when one of
    these attributes changed; without, any column change counts. Inserts and deletes always do.
    """

    model: type
    doc_type: str
    doc_ids: Callable[[Connection, list[Any]], Iterable[int]]
    attributes: frozenset[str] | None = None

    def changed(self, session: Session, obj: Any) -> bool:
        if self.attributes is None:
            return session.is_modified(obj, include_collections=False)
        state = inspect(obj)
        return any(state.attrs[name].history.has_changes() for name in self.attributes)


@dataclass
class DocumentType:
    name: str
    #: Index fields of this type (beyond COMMON_FIELDS); shared names must have equal types.
    fields: dict[str, fields.FieldType]
    #: load(session, ids) → {id: row} for the rows that exist; one query per batch.
    load: Callable[[Session, Sequence[int]], dict[int, Any]]
    #: to_document(row) → field values (including audience, cae_id, owner_id, vouched,
    #: updated and a "facets" dict), or None when the row must not be in the index.
    to_document: Callable[[Any], dict[str, Any] | None]
    #: all_ids(session, after, limit) → the next ids in increasing order (for rebuilds).
    all_ids: Callable[[Session, int, int], list[int]]
    #: count(session) → how many rows a rebuild will read (for the progress bar).
    count: Callable[[Session], int]
    #: Stemmed text fields searched, with their weight (a declared skill outweighs a bio).
    text_fields: dict[str, float]
    #: Unstemmed (folded) fields used for prefix and fuzzy matching, with their weight.
    exact_fields: dict[str, float]
    #: Facet names, in the order they are encoded in the facets column.
    facets: tuple[str, ...] = ()
    #: Facets holding several values per document (e.g. skills).
    multi_facets: frozenset[str] = frozenset()
    watches: list[Watch] = field(default_factory=list)
    #: Bump when to_document() changes what it produces (the index is then rebuilt).
    version: int = 1

    def key(self, doc_id: int) -> str:
        return f"{self.name}:{doc_id}"

    def encode_facets(self, values: dict[str, Any]) -> bytes:
        parts = []
        for name in self.facets:
            value = values.get(name)
            if name in self.multi_facets:
                parts.append(MULTI.join(str(v) for v in value or ()))
            else:
                parts.append("" if value is None else str(value))
        return SEP.join(parts).encode("utf-8")

    def decode_facets(self, raw: bytes) -> dict[str, Any]:
        values = raw.decode("utf-8").split(SEP) if raw else []
        out: dict[str, Any] = {}
        for i, name in enumerate(self.facets):
            value = values[i] if i < len(values) else ""
            if name in self.multi_facets:
                out[name] = [v for v in value.split(MULTI) if v]
            else:
                out[name] = value or None
        return out

    def build(self, doc_id: int, row: Any) -> dict[str, Any] | None:
        """The whoosh document for a row, or None if it must leave the index."""
        values = self.to_document(row) if row is not None else None
        if values is None:
            return None
        values = dict(values)
        values["facets"] = self.encode_facets(values.get("facets") or {})
        values["key"] = self.key(doc_id)
        values["doc_type"] = self.name
        return {k: v for k, v in values.items() if v is not None}


@dataclass(frozen=True)
class RowsById:
    """load, all_ids and count of a type whose documents are the rows of one model, by id."""

    model: Any

    def load(self, session: Session, ids: Sequence[int]) -> dict[int, Any]:
        stmt = select(self.model).where(self.model.id.in_(list(ids)))
        rows: Iterable[Any] = session.scalars(stmt).unique()
        return {row.id: row for row in rows}

    def all_ids(self, session: Session, after: int, limit: int) -> list[int]:
        column = self.model.id
        return list(
            session.scalars(select(column).where(column > after).order_by(column).limit(limit))
        )

    def count(self, session: Session) -> int:
        return session.scalar(select(func.count(self.model.id))) or 0


def column_watch(model: Any, doc_type: str, column: str = "id") -> Watch:
    """Changes of ``model`` rows re-index the document whose id is their ``column``."""
    return Watch(model, doc_type, lambda _c, objs: [getattr(o, column) for o in objs])


def register_rows(
    model: Any,
    *,
    name: str,
    fields: dict[str, fields.FieldType],
    to_document: Callable[[Any], dict[str, Any] | None],
    facets: tuple[str, ...],
    multi_facets: frozenset[str],
    watches: list[Watch],
    load: Callable[[Session, Sequence[int]], dict[int, Any]] | None = None,
    text_fields: dict[str, float] | None = None,
    exact_fields: dict[str, float] | None = None,
) -> DocumentType:
    """Register the type whose documents are the rows of ``model``, by id: rebuilds read
    them in id order (RowsById), text and exact words are searched in "text" and "text_x"
    unless told otherwise, and any change of a row re-indexes its own document."""
    rows = RowsById(model)
    return register(
        DocumentType(
            name=name,
            fields=fields,
            load=load or rows.load,
            to_document=to_document,
            all_ids=rows.all_ids,
            count=rows.count,
            text_fields=text_fields or {"text": 1.0},
            exact_fields=exact_fields or {"text_x": 1.0},
            facets=facets,
            multi_facets=multi_facets,
            watches=[column_watch(model, name), *watches],
        )
    )


def owner_fields(owner: Any, audience: str, updated_at: Any) -> dict[str, Any]:
    """The visibility fields of a document owned by a person (their account: owner)."""
    return {
        "audience": audience,
        "cae_id": str(owner.cae_id) if owner.cae_id is not None else None,
        "owner_id": str(owner.id),
        "vouched": "1" if (owner.is_active and owner.membership == "verified") else "0",
        "updated": timestamp(updated_at),
    }


def timestamp(moment: Any) -> int:
    """The "updated" field: microseconds since 1970 (0 when unknown)."""
    return int(moment.timestamp() * 1_000_000) if moment else 0


_REGISTRY: dict[str, DocumentType] = {}


def register(doc_type: DocumentType) -> DocumentType:
    """Add a document type (idempotent by name); its fields join the shared schema."""
    for name, field_type in doc_type.fields.items():
        for other in _REGISTRY.values():
            if other.name != doc_type.name and other.fields.get(name, field_type) != field_type:
                raise ValueError(f"field {name!r} differs between {other.name} and {doc_type.name}")
        if name in COMMON_FIELDS:
            raise ValueError(f"field {name!r} is reserved")
    _REGISTRY[doc_type.name] = doc_type
    return doc_type


def get(name: str) -> DocumentType:
    return _REGISTRY[name]


def all_types() -> list[DocumentType]:
    return list(_REGISTRY.values())


def schema() -> fields.Schema:
    """The index schema: the common fields and every registered type's fields."""
    merged: dict[str, fields.FieldType] = dict(COMMON_FIELDS)
    for doc_type in _REGISTRY.values():
        merged.update(doc_type.fields)
    return fields.Schema(**merged)


def schema_version() -> str:
    """Changes when the schema or the analysis changes (the index must then be rebuilt)."""
    parts = [f"analysis={ANALYSIS_VERSION}"]
    parts += [
        f"type={t.name}:{t.version}" for t in sorted(_REGISTRY.values(), key=lambda t: t.name)
    ]
    for name, field_type in sorted(schema().items()):
        analyzer = getattr(field_type, "analyzer", None)
        parts.append(f"{name}:{type(field_type).__name__}:{analyzer!r}:{field_type.scorable}")
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:16]


def watches_by_model() -> dict[type, list[Watch]]:
    result: dict[type, list[Watch]] = {}
    for doc_type in _REGISTRY.values():
        for watch in doc_type.watches:
            result.setdefault(watch.model, []).append(watch)
    return result


# Visibility ---------------------------------------------------------------------------------


def visibility_rule(viewer: Viewer) -> tuple:
    """The index form of marketplace.visibility (profile_visibility_clause) for any type.

    Admins see everything; owners see their own documents; managers see their CAE's; everyone
    else sees documents of vouched owners whose audience lets them in. Returned as a small
    expression — ("all",), ("term", field, value), ("and", [...]), ("or", [...]) — turned into
    a Whoosh query (visibility_query) or computed from cached term sets (visible_docs).
    """
    if getattr(viewer, "is_admin", False):
        return ("all",)
    clauses: list[tuple] = []
    if getattr(viewer, "is_authenticated", False) and viewer.id is not None:
        clauses.append(("term", "owner_id", str(viewer.id)))
    if getattr(viewer, "is_manager", False) and viewer.cae_id is not None:
        clauses.append(("term", "cae_id", str(viewer.cae_id)))
    audience: list[tuple] = [("term", "audience", "public")]
    if getattr(viewer, "is_verified", False):
        audience.append(("term", "audience", "network"))
        if viewer.cae_id is not None:
            cae = [("term", "audience", "cae"), ("term", "cae_id", str(viewer.cae_id))]
            audience.append(("and", cae))
    clauses.append(("and", [("term", "vouched", "1"), ("or", audience)]))
    return ("or", clauses)


def visibility_query(viewer: Viewer) -> query.Query:
    """The visibility rule as a Whoosh query."""

    def build(rule: tuple) -> query.Query:
        if rule[0] == "all":
            return query.Every()
        if rule[0] == "term":
            return query.Term(rule[1], rule[2])
        parts = [build(r) for r in rule[1]]
        return query.And(parts) if rule[0] == "and" else query.Or(parts)

    return build(visibility_rule(viewer))


DocSet = TypeVar("DocSet")


def visible_docs(
    viewer: Viewer, term_docs: Callable[[str, str], DocSet], all_docs: Callable[[], DocSet]
) -> DocSet:
    """The visibility rule computed with & and | on (cached) per-term document sets (the
    search engine's bitmaps; never changed in place)."""

    def compute(rule: tuple) -> DocSet:
        if rule[0] == "all":
            return all_docs()
        if rule[0] == "term":
            return term_docs(rule[1], rule[2])
        sets = [compute(r) for r in rule[1]]
        return reduce(operator.and_ if rule[0] == "and" else operator.or_, sets)

    return compute(visibility_rule(viewer))


def viewer_shape(viewer: Viewer) -> SimpleNamespace:
    """The viewer without their identity: what they see besides their own documents."""
    return SimpleNamespace(
        id=None,
        is_authenticated=False,
        is_admin=bool(getattr(viewer, "is_admin", False)),
        is_manager=bool(getattr(viewer, "is_manager", False)),
        is_verified=bool(getattr(viewer, "is_verified", False)),
        cae_id=getattr(viewer, "cae_id", None),
    )


def owner_value(viewer: Viewer) -> str | None:
    """The owner_id value of the viewer's own documents (None for a visitor)."""
    if getattr(viewer, "is_authenticated", False) and getattr(viewer, "id", None) is not None:
        return str(viewer.id)
    return None


def visibility_key(viewer: Viewer) -> tuple:
    """What the visibility filter depends on (to cache it per viewer shape)."""
    if getattr(viewer, "is_admin", False):
        return ("admin",)
    return (
        viewer.id if getattr(viewer, "is_authenticated", False) else None,
        viewer.cae_id if getattr(viewer, "is_manager", False) else None,
        bool(getattr(viewer, "is_verified", False)),
        viewer.cae_id if getattr(viewer, "is_verified", False) else None,
    )
