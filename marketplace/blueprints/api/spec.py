"""The API's operations, declared once beside their views, and the OpenAPI 3.1 document built
from them and from the domains' schemas (no path of the document is written by hand).

A view declares what it reads and answers; its docstring is the operation's prose (the first
paragraph its summary, the others its description); ``create`` (as ``read``, ``paged``, ``update``,
``act``) brings its status (201) and errors, which ``errors=`` or ``ok=(status, ...)`` override::

    @bp.post("/collectives")
    @operation.create("createCollective", body=CollectiveInput, ok=(Collective, "The collective."))
    def create_collective(body: CollectiveInput):
        '''Create a collective.'''

The decorator checks the query string (``query=``, passed as ``query``) and the JSON body
(``body=``, passed as ``body``; ``partial=True`` for a PATCH) with the schemas, so a view only
sees valid input; a view returns a Flask response, or a dict / schema object that becomes the
declared status's JSON. :func:`document` walks the URL map: each ``/api/v1`` rule, its path
parameters (ids) and its view's declaration make one operation.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import wraps
from typing import Any

from flask import current_app, jsonify, request
from flask_babel import gettext as _
from pydantic import BaseModel, Field
from pydantic.json_schema import GenerateJsonSchema, JsonSchemaMode, models_json_schema

from marketplace.blueprints.api.auth import rate_limit_key, require_user
from marketplace.blueprints.api.errors import ApiError
from marketplace.blueprints.api.pagination import MAX_PAGE, MAX_PER_PAGE_ASKED
from marketplace.extensions import limiter
from marketplace.schema import ID, Output, Schema

JSON = "application/json"
MULTIPART = "multipart/form-data"
PREFIX = "/api/v1"
REF = "#/components/schemas/{model}"

#: The components/responses a status refers to.
ERROR_RESPONSES = {
    400: "BadRequest",
    401: "Unauthorized",
    403: "Forbidden",
    404: "NotFound",
    409: "Conflict",
    413: "TooLarge",
    422: "Invalid",
    429: "RateLimited",
}
BEARER: list[dict[str, list[str]]] = [{"bearerAuth": []}]

#: The sets of error statuses that recur (the document sorts them: the order is free).
PAGE_ERRORS = (400, 401)
LIST_ERRORS = (400, 401, 422)
READ_ERRORS = (401, 404)
CREATE_ERRORS = (400, 401, 403, 422, 429)
UPDATE_ERRORS = (400, 401, 403, 404, 422, 429)
ACTION_ERRORS = (400, 401, 403, 404, 409, 422, 429)

#: The attribute of a view function that holds its declaration.
ATTRIBUTE = "__api_operation__"


@dataclass(frozen=True)
class Operation:
    """What one API operation reads and answers."""

    operation_id: str
    tag: str
    #: The success: (status, schema or raw OpenAPI schema dict or None, description).
    ok: tuple[int, Any, str] = (200, None, "OK")
    errors: tuple[int, ...] = ()
    body: type[Schema] | None = None
    body_required: bool = True
    partial: bool = False
    query: type[Schema] | None = None
    paged: bool = False
    #: None: a bearer token for a write, anyone for a read; [] public; else as given.
    security: list[dict[str, list[str]]] | None = None
    #: Another type than JSON for the success (text/csv, text/calendar).
    content_type: str = JSON
    #: Other successes (status → (schema, description)).
    also: dict[int, tuple[Any, str]] = field(default_factory=dict)
    #: A multipart/form-data body carrying one file in this field (the view reads
    #: ``request.files``), instead of a JSON ``body``.
    upload: str | None = None


def operation(
    operation_id: str, *, tag: str, **options: Any
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Declare a view's operation; check its query string and body by the declared schemas.
    The view's docstring is the operation's summary and description (see :func:`prose`)."""
    op = Operation(operation_id, tag, **options)

    def decorate(view: Callable[..., Any]) -> Callable[..., Any]:
        @wraps(view)
        def run(*args: Any, **kwargs: Any) -> Any:
            if request.method != "GET" and op.security != []:
                require_user()  # who is asking comes before what they send (401 before 422)
            if op.query is not None:
                kwargs["query"] = read_query(op.query)
            if op.body is not None:
                kwargs["body"] = read_body(op.body, required=op.body_required, partial=op.partial)
            result = view(*args, **kwargs)
            return _respond(result, op.ok[0])

        setattr(run, ATTRIBUTE, op)
        return run

    return decorate


Decorator = Callable[[Callable[..., Any]], Callable[..., Any]]


class Operations:
    """The declarations of one tag's views: ``operation(...)`` as :func:`operation` without
    the tag, ``operation.write(...)`` for a write rate-limited per caller, and the usual kinds
    (``read``, ``paged``, ``create``, ``update``, ``act``) with their status and errors."""

    def __init__(self, tag: str, write_limit: str | None = None) -> None:
        self.tag = tag
        self.write_limit = write_limit

    def __call__(self, operation_id: str, **options: Any) -> Decorator:
        return operation(operation_id, tag=self.tag, **options)

    def write(self, operation_id: str, *, limit: str | None = None, **options: Any) -> Decorator:
        """Declare a write; ``limit`` (else the tag's) is its rate per caller."""
        declared = self(operation_id, **options)
        rate = limit or self.write_limit
        assert rate is not None, "a write has a rate limit"
        limited = limiter.limit(rate, key_func=rate_limit_key)
        return lambda view: limited(declared(view))

    def read(self, operation_id: str, *, ok: tuple[Any, ...], **options: Any) -> Decorator:
        """Declare a read (``ok=(schema, description)``, 200); errors 401, 404 if not given."""
        options.setdefault("errors", READ_ERRORS)
        return self(operation_id, ok=_success(200, ok), **options)

    def paged(self, operation_id: str, *, ok: tuple[Any, ...], **options: Any) -> Decorator:
        """Declare a page of a list (``page``, ``per_page``): 200; errors a list's if not given."""
        options.setdefault("errors", LIST_ERRORS if "query" in options else PAGE_ERRORS)
        return self(operation_id, ok=_success(200, ok), paged=True, **options)

    def create(self, operation_id: str, *, ok: tuple[Any, ...], **options: Any) -> Decorator:
        """Declare a write that creates: 201; errors as a creation's if not given."""
        options.setdefault("errors", CREATE_ERRORS)
        return self.write(operation_id, ok=_success(201, ok), **options)

    def update(self, operation_id: str, *, ok: tuple[Any, ...], **options: Any) -> Decorator:
        """Declare a PATCH (its body partial): 200; errors as an update's if not given."""
        options.setdefault("errors", UPDATE_ERRORS)
        return self.write(operation_id, ok=_success(200, ok), partial=True, **options)

    def act(self, operation_id: str, *, ok: tuple[Any, ...], **options: Any) -> Decorator:
        """Declare an action on an object: 200; errors as an action's if not given."""
        options.setdefault("errors", ACTION_ERRORS)
        return self.write(operation_id, ok=_success(200, ok), **options)


def _success(status: int, ok: tuple[Any, ...]) -> tuple[Any, ...]:
    """``(schema, description)`` with the default status, or ``(status, schema, description)``."""
    return ok if len(ok) == 3 else (status, *ok)


def operations_for(tag: str, write_limit: str | None = None) -> Operations:
    """The declarations of one module's views: ``operation = operations_for("tenders", ...)``."""
    return Operations(tag, write_limit)


def _respond(result: Any, status: int) -> Any:
    if isinstance(result, BaseModel):
        result = result.model_dump(mode="json", by_alias=True)
    if isinstance(result, dict | list):
        response = jsonify(result)
        response.status_code = status
        return response
    return result


def read_body(schema: type[Schema], *, required: bool = True, partial: bool = False) -> Schema:
    """The JSON body checked by ``schema``: 400 when it is not a JSON object, 422 per field."""
    if not required and not request.get_data():
        return schema.load({}, partial=partial)
    data = request.get_json(force=True, silent=True)
    if not isinstance(data, dict):
        raise ApiError(400, "bad_request", _("The request body must be a JSON object."))
    return schema.load(data, partial=partial)


def read_query(schema: type[Schema]) -> Schema:
    """The query string checked by ``schema`` (its fields are the parameters; empty = absent)."""
    names = {info.alias or name for name, info in schema.model_fields.items()}
    return schema.load({key: value for key, value in request.args.items() if key in names})


# ---------------------------------------------------------------------------------------------
# The document


class _Generator(GenerateJsonSchema):
    """JSON Schema 2020-12 as OpenAPI 3.1 takes it, without pydantic's generated titles."""

    def field_title_should_be_set(self, schema: Any) -> bool:
        return False

    def generate(self, schema: Any, mode: Any = "validation") -> Any:
        out = super().generate(schema, mode=mode)
        out.pop("title", None)
        return out

    def model_schema(self, schema: Any) -> Any:
        out = super().model_schema(schema)
        out.pop("title", None)
        return out


def _schema_ref(value: Any, models: set[type[BaseModel]]) -> Any:
    if isinstance(value, type) and issubclass(value, BaseModel):
        models.add(value)
        return {"$ref": REF.format(model=value.__name__)}
    return value


def _page_parameters() -> list[dict[str, str]]:
    return [{"$ref": "#/components/parameters/page"}, {"$ref": "#/components/parameters/per_page"}]


def _query_parameters(schema: type[Schema], components: dict[str, Any]) -> list[dict[str, Any]]:
    """One query parameter per field of the schema (its public name, its description)."""
    properties = components[schema.__name__].get("properties", {})
    parameters = []
    for name, info in schema.model_fields.items():
        public = info.alias or name
        prop = dict(properties.get(public, {}))
        description = prop.pop("description", None) or info.description or ""
        parameters.append(
            {
                "name": public,
                "in": "query",
                "required": False,
                "description": description,
                "schema": prop,
            }
        )
    return parameters


def prose(view: Callable[..., Any]) -> tuple[str, str | None]:
    """A view's summary and description: the paragraphs of its docstring, each on one line; the
    first is the summary, the others (if any) the description."""
    doc = inspect.getdoc(view)
    if not doc:
        raise LookupError(f"{view.__name__}: an API view's docstring is its operation's summary")
    paragraphs = [" ".join(part.split()) for part in re.split(r"\n\s*\n", doc) if part.strip()]
    return paragraphs[0], "\n\n".join(paragraphs[1:]) or None


def _responses(op: Operation, models: set[type[BaseModel]]) -> dict[str, Any]:
    responses: dict[str, Any] = {}
    successes = {op.ok[0]: (op.ok[1], op.ok[2]), **op.also}
    for status, (schema, description) in successes.items():
        entry: dict[str, Any] = {"description": description}
        if schema is not None:
            entry["content"] = {op.content_type: {"schema": _schema_ref(schema, models)}}
        responses[str(status)] = entry
    errors = set(op.errors) | ({413} if op.body is not None or op.upload else set())
    for status in sorted(errors):
        responses[str(status)] = {"$ref": f"#/components/responses/{ERROR_RESPONSES[status]}"}
    return responses


def _operation(
    view: Callable[..., Any], path_names: list[str], method: str, models: set[type[BaseModel]]
) -> dict[str, Any]:
    op: Operation = getattr(view, ATTRIBUTE)
    summary, description = prose(view)
    out: dict[str, Any] = {"operationId": op.operation_id, "summary": summary}
    if description:
        out["description"] = description
    out["tags"] = [op.tag]
    security = op.security if op.security is not None else (None if method == "get" else BEARER)
    if security is not None:
        out["security"] = security
    parameters: list[Any] = [
        {"name": name, "in": "path", "required": True, "schema": ID} for name in path_names
    ]
    if op.query is not None:
        models.add(op.query)
        parameters.append(op.query)  # expanded once the components are known
    if op.paged:
        parameters.extend(_page_parameters())
    if parameters:
        out["parameters"] = parameters
    if op.body is not None:
        models.add(op.body)
        out["requestBody"] = {
            "required": op.body_required,
            "content": {JSON: {"schema": {"$ref": REF.format(model=op.body.__name__)}}},
        }
    if op.upload is not None:
        out["requestBody"] = {
            "required": True,
            "content": {
                MULTIPART: {
                    "schema": {
                        "type": "object",
                        "properties": {op.upload: {"type": "string", "format": "binary"}},
                        "required": [op.upload],
                    }
                }
            },
        }
    out["responses"] = _responses(op, models)
    return out


_RULE_ARGUMENT = re.compile(r"<(?:[^:<>]+:)?([^<>]+)>")


def _operations() -> list[tuple[str, str, list[str], Callable[..., Any]]]:
    """(path, method, path parameters, view) of each declared ``/api/v1`` operation."""
    found: list[tuple[str, str, list[str], Callable[..., Any]]] = []
    for rule in current_app.url_map.iter_rules():
        if not rule.rule.startswith(PREFIX + "/"):
            continue
        view = current_app.view_functions[rule.endpoint]
        if getattr(view, ATTRIBUTE, None) is None:
            raise LookupError(f"{rule.rule}: the view declares no operation")
        path = _RULE_ARGUMENT.sub(r"{\1}", rule.rule[len(PREFIX) :])
        names = _RULE_ARGUMENT.findall(rule.rule)
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            found.append((path, method.lower(), names, view))
    return found


def components_of(models: set[type[BaseModel]]) -> dict[str, Any]:
    """The JSON Schemas of these models (and of every model they use), by name."""
    inputs: list[tuple[type[BaseModel], JsonSchemaMode]] = [
        (model, "validation") for model in models if not _is_output(model)
    ]
    outputs: list[tuple[type[BaseModel], JsonSchemaMode]] = [
        (model, "serialization") for model in models if _is_output(model)
    ]
    _, top = models_json_schema([*inputs, *outputs], ref_template=REF, schema_generator=_Generator)
    return {
        name: _without_defaults(schema) for name, schema in sorted(top.get("$defs", {}).items())
    }


def _without_defaults(node: Any) -> Any:
    """Pydantic writes a field's Python default (``null`` for a field a PATCH may leave out, ``""``
    for an empty filter); for a client a field left out is absent, not that value, and OpenAPI
    validators refuse a default that its own schema does not admit: none are shown."""
    if isinstance(node, dict):
        return {key: _without_defaults(value) for key, value in node.items() if key != "default"}
    if isinstance(node, list):
        return [_without_defaults(value) for value in node]
    return node


def _is_output(model: type[BaseModel]) -> bool:
    return issubclass(model, Output)


class ErrorDetail(Output):
    code: str = Field(examples=["not_found", "invalid"])
    message: str
    fields: dict[str, list[str]] = Field(default_factory=dict)


class Error(Output):
    """The error format of every API answer that is not a success."""

    error: ErrorDetail


def document(info: dict[str, Any], tags: list[dict[str, str]]) -> dict[str, Any]:
    """The OpenAPI 3.1 document of every ``/api/v1`` route."""
    models: set[type[BaseModel]] = {Error}
    paths: dict[str, dict[str, Any]] = {}
    for path, method, names, view in _operations():
        paths.setdefault(path, {})[method] = _operation(view, names, method, models)
    schemas = components_of(models)
    queries: set[str] = set()
    for item in paths.values():
        for op_doc in item.values():
            params = op_doc.get("parameters", [])
            expanded: list[Any] = []
            for param in params:
                if isinstance(param, type):
                    expanded.extend(_query_parameters(param, schemas))
                    queries.add(param.__name__)
                else:
                    expanded.append(param)
            if params:
                op_doc["parameters"] = expanded
    for name in queries:  # a query schema is published as its parameters only
        schemas.pop(name)
    return {
        "openapi": "3.1.0",
        "info": info,
        "servers": [{"url": PREFIX}],
        "security": [{"bearerAuth": []}, {}],
        "tags": tags,
        "paths": dict(sorted(paths.items())),
        "components": {
            "securitySchemes": {
                "bearerAuth": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "A personal token from the account settings or `users token`. "
                    "Without it, the browser session works for GET requests only.",
                }
            },
            "schemas": schemas,
            "responses": _error_responses(),
            "parameters": {
                "page": _page_parameter("page", "Page number, from 1.", MAX_PAGE, 1),
                "per_page": _page_parameter(
                    "per_page",
                    "Items per page; values above 100 are lowered to 100.",
                    MAX_PER_PAGE_ASKED,
                    20,
                ),
            },
        },
    }


def _page_parameter(name: str, description: str, maximum: int, default: int) -> dict[str, Any]:
    return {
        "name": name,
        "in": "query",
        "required": False,
        "description": description,
        "schema": {"type": "integer", "minimum": 1, "maximum": maximum, "default": default},
    }


def _error_response(description: str, headers: dict[str, Any] | None = None) -> dict[str, Any]:
    response: dict[str, Any] = {
        "description": description,
        "content": {JSON: {"schema": {"$ref": REF.format(model="Error")}}},
    }
    if headers:
        response["headers"] = headers
    return response


def _error_responses() -> dict[str, Any]:
    return {
        "BadRequest": _error_response("Malformed request (body, JSON or query string)."),
        "Unauthorized": _error_response(
            "No token for a write, or a bad or revoked token.",
            {"WWW-Authenticate": {"schema": {"type": "string"}}},
        ),
        "Forbidden": _error_response("Not allowed."),
        "NotFound": _error_response("Absent, or not visible to you."),
        "Conflict": _error_response("The state of the object does not allow it."),
        "Invalid": _error_response("Invalid fields (see error.fields)."),
        "RateLimited": _error_response(
            "Too many requests.",
            {"Retry-After": {"description": "Seconds to wait.", "schema": {"type": "integer"}}},
        ),
        "TooLarge": _error_response("The request body is over the size limit (5 MB)."),
    }
