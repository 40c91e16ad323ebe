"""The OpenAPI 3 document, generated from the operations as they are registered.

Each JSON endpoint is declared with `operation()`, which registers the Flask route and records its
summary, pydantic request/response models and query parameters; `build_spec()` turns the records into
the document with apispec, using the models' own JSON Schemas.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from apispec import APISpec
from flask import Blueprint
from pydantic import BaseModel

from market.validation import MAX_ID, MAX_SEGMENT

API_PREFIX = "/api/v1"


#: What each error status of the API means, for the operations that can answer it; every error is
#: application/problem+json.
ERRORS = {
    400: "Bad request: a write from a browser session without its CSRF token (X-CSRFToken), or "
    "a malformed upload",
    401: "Not logged in: send a Bearer token (or use a logged-in session)",
    403: "Refused: this user may not do this, or not now (detail says why)",
    404: "No such thing, or nothing this reader may see",
    413: "The request body is beyond the size limit (MAX_CONTENT_LENGTH)",
    422: "Invalid input: errors names each field or query parameter with its messages",
    429: "Too many attempts: wait for Retry-After seconds",
    503: "A service the operation needs (Stripe, for card payments) cannot be reached now: "
    "nothing was charged or refunded; detail says so in the reader's language",
}
#: Headers an error status always carries.
ERROR_HEADERS = {
    401: {"WWW-Authenticate": "Bearer: how to authenticate (RFC 6750)"},
    429: {"Retry-After": "Seconds to wait before trying again"},
}
#: Media types of the files an attachment download answers with.
FILE_TYPES = ("application/pdf", "image/png", "image/jpeg")
_WRITES = {"post", "put", "patch", "delete"}
_PARAMETER = re.compile(r"<(?:(\w+)(?:\([^)]*\))?:)?(\w+)>")


@dataclass
class Operation:
    path: str
    method: str
    summary: str
    tag: str
    body: type[BaseModel] | tuple[type[BaseModel], ...] | None
    response: type[BaseModel] | None
    status: int
    query: dict[str, str] = field(default_factory=dict)
    auth: bool = False
    #: The path parameters' JSON Schemas, from the route's converters.
    params: dict[str, dict] = field(default_factory=dict)
    upload: bool = False
    download: bool = False
    #: Error statuses the handler answers besides those `build_spec` derives.
    errors: tuple[int, ...] = ()
    #: An upload that takes one or more `file` parts at once.
    upload_many: bool = False
    #: The text fields a multipart upload takes besides its `file` parts (a model's properties).
    form: type[BaseModel] | None = None
    #: An upload whose `file` part may be left out.
    file_optional: bool = False


_OPERATIONS: list[Operation] = []
_KEYS: set[tuple[str, str]] = set()
#: The endpoints (blueprint.view) of the operations declared with `auth=True`.
_LOGIN_REQUIRED: set[str] = set()


def requires_login(endpoint: str | None) -> bool:
    """Whether the operation of `endpoint` is documented as needing a user."""
    return endpoint in _LOGIN_REQUIRED


def _parameter_schema(converter: str | None) -> dict:
    """What the route's converter matches (`market.web`'s bounded converters): anything else
    matches no route, a 404."""
    if converter == "int":
        return {"type": "integer", "minimum": 0, "maximum": MAX_ID}
    return {"type": "string", "minLength": 1, "maxLength": MAX_SEGMENT}


def operation(
    bp: Blueprint,
    rule: str,
    method: str,
    *,
    summary: str,
    tag: str,
    body: type[BaseModel] | tuple[type[BaseModel], ...] | None = None,
    response: type[BaseModel] | None = None,
    status: int = 200,
    query: dict[str, str] | None = None,
    auth: bool = False,
    upload: bool = False,
    download: bool = False,
    errors: tuple[int, ...] = (),
    upload_many: bool = False,
    form: type[BaseModel] | None = None,
    file_optional: bool = False,
):
    """Register a JSON endpoint on `bp` and describe it in the OpenAPI document: `body` the JSON
    request's model (several: any of them), `upload` a multipart request with a `file`
    (`upload_many`: one or more `file` parts),
    (`form`: a model of the text fields it takes besides, `file_optional`: the file may be left
    out), `download` a file for an answer, `auth` an operation that needs a user (401 without one),
    `errors` the error statuses the handler answers itself beyond those every operation of its
    kind can (see `build_spec`)."""

    def decorator(view):
        bp.add_url_rule(rule, endpoint=view.__name__, view_func=view, methods=[method])
        if auth:
            _LOGIN_REQUIRED.add(f"{bp.name}.{view.__name__}")
        path = (bp.url_prefix or "") + _PARAMETER.sub(r"{\2}", rule)
        key = (path, method.lower())
        if key not in _KEYS:  # one app per test builds the same routes again
            _KEYS.add(key)
            _OPERATIONS.append(
                Operation(
                    path,
                    method.lower(),
                    summary,
                    tag,
                    body,
                    response,
                    status,
                    query or {},
                    auth,
                    {name: _parameter_schema(conv) for conv, name in _PARAMETER.findall(rule)},
                    upload,
                    download,
                    errors,
                    upload_many,
                    form,
                    file_optional,
                )
            )
        return view

    return decorator


def _schema_ref(spec: APISpec, model: type[BaseModel]) -> dict:
    name = model.__name__
    if name not in spec.components.schemas:
        schema = model.model_json_schema(ref_template="#/components/schemas/{model}")
        for def_name, definition in schema.pop("$defs", {}).items():
            if def_name not in spec.components.schemas:
                spec.components.schema(def_name, definition)
        spec.components.schema(name, schema)
    return {"$ref": f"#/components/schemas/{name}"}


PROBLEM = {
    "type": "object",
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "errors": {
            "type": "object",
            "additionalProperties": {"type": "array", "items": {"type": "string"}},
        },
    },
    "required": ["title", "status"],
}


def error_statuses(op: Operation) -> list[int]:
    """The error statuses `op` can answer: 422 for every operation (a query parameter holding a
    NUL, whatever it is; a body or a rule refused), 400 for writes (a browser session's CSRF
    check), 413 for those that take a body, 401 and 403 for those that need a user, 404 for those
    that name something in their path; and those its handler answers itself (`errors`)."""
    statuses = {422, *op.errors}
    if op.method in _WRITES:
        statuses.add(400)
    if op.body is not None or op.upload:
        statuses.add(413)
    if op.auth:
        statuses |= {401, 403}
    if op.params:
        statuses.add(404)
    return sorted(statuses)


def _request_body(spec: APISpec, op: Operation) -> dict | None:
    if op.upload:
        binary = {"type": "string", "format": "binary"}
        many = {"type": "array", "items": binary, "minItems": 1}
        form = {
            "type": "object",
            "properties": {"file": many if op.upload_many else binary},
            "required": [] if op.file_optional else ["file"],
        }
        if op.form is not None:
            fields = op.form.model_json_schema()
            form["properties"].update(fields.get("properties", {}))
            form["required"] += fields.get("required", [])
        return {"required": True, "content": {"multipart/form-data": {"schema": form}}}
    if op.body is None:
        return None
    if isinstance(op.body, tuple):
        schema = {"anyOf": [_schema_ref(spec, model) for model in op.body]}
    else:
        schema = _schema_ref(spec, op.body)
    return {"required": True, "content": {"application/json": {"schema": schema}}}


def build_spec() -> dict:
    spec = APISpec(
        title="Intermediary services marketplace API",
        version="1.0.0",
        openapi_version="3.1.0",
        info={"description": "中介服务网上交易平台 JSON API. Errors are application/problem+json."},
    )
    spec.components.schema("Problem", PROBLEM)
    spec.components.security_scheme("token", {"type": "http", "scheme": "bearer"})
    spec.components.security_scheme(
        "session", {"type": "apiKey", "in": "cookie", "name": "session"}
    )
    paths: dict[str, dict] = {}
    problem = {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}
    for op in sorted(_OPERATIONS, key=lambda o: (o.path, o.method)):
        params = [
            {"name": n, "in": "path", "required": True, "schema": schema}
            for n, schema in op.params.items()
        ]
        params += [
            {
                "name": n,
                "in": "query",
                "required": False,
                "schema": {"type": "string"},
                "description": d,
            }
            for n, d in op.query.items()
        ]
        ok = {"description": "OK"}
        if op.response is not None:
            ok["content"] = {"application/json": {"schema": _schema_ref(spec, op.response)}}
        elif op.download:
            binary = {"schema": {"type": "string", "format": "binary"}}
            ok["content"] = {media: binary for media in FILE_TYPES}
        responses = {str(op.status): ok}
        for status in error_statuses(op):
            responses[str(status)] = {"description": ERRORS[status], "content": problem}
            if status in ERROR_HEADERS:
                responses[str(status)]["headers"] = {
                    name: {"description": text, "required": True, "schema": {"type": "string"}}
                    for name, text in ERROR_HEADERS[status].items()
                }
        entry = {
            "summary": op.summary,
            "tags": [op.tag],
            "parameters": params,
            "responses": responses,
        }
        body = _request_body(spec, op)
        if body is not None:
            entry["requestBody"] = body
        if op.auth:
            entry["security"] = [{"token": []}, {"session": []}]
        paths.setdefault(op.path, {})[op.method] = entry
    for path, ops in paths.items():
        spec.path(path=path, operations=ops)
    return spec.to_dict()
