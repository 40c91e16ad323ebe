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

API_PREFIX = "/api/v1"


@dataclass
class Operation:
    path: str
    method: str
    summary: str
    tag: str
    body: type[BaseModel] | None
    response: type[BaseModel] | None
    status: int
    query: dict[str, str] = field(default_factory=dict)
    auth: bool = False


_OPERATIONS: list[Operation] = []
_KEYS: set[tuple[str, str]] = set()
#: The endpoints (blueprint.view) of the operations declared with `auth=True`.
_LOGIN_REQUIRED: set[str] = set()


def requires_login(endpoint: str | None) -> bool:
    """Whether the operation of `endpoint` is documented as needing a user."""
    return endpoint in _LOGIN_REQUIRED


def operation(
    bp: Blueprint,
    rule: str,
    method: str,
    *,
    summary: str,
    tag: str,
    body: type[BaseModel] | None = None,
    response: type[BaseModel] | None = None,
    status: int = 200,
    query: dict[str, str] | None = None,
    auth: bool = False,
):
    """Register a JSON endpoint on `bp` and describe it in the OpenAPI document."""

    def decorator(view):
        bp.add_url_rule(rule, endpoint=view.__name__, view_func=view, methods=[method])
        if auth:
            _LOGIN_REQUIRED.add(f"{bp.name}.{view.__name__}")
        path = (bp.url_prefix or "") + re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule)
        key = (path, method.lower())
        if key not in _KEYS:  # one app per test builds the same routes again
            _KEYS.add(key)
            _OPERATIONS.append(
                Operation(
                    path, method.lower(), summary, tag, body, response, status, query or {}, auth
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
            {"name": n, "in": "path", "required": True, "schema": {"type": "string"}}
            for n in re.findall(r"{(\w+)}", op.path)
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
        responses = {"default": {"description": "Problem", "content": problem}}
        ok = {"description": "OK"}
        if op.response is not None:
            ok["content"] = {"application/json": {"schema": _schema_ref(spec, op.response)}}
        responses[str(op.status)] = ok
        entry = {
            "summary": op.summary,
            "tags": [op.tag],
            "parameters": params,
            "responses": responses,
        }
        if op.body is not None:
            entry["requestBody"] = {
                "required": True,
                "content": {"application/json": {"schema": _schema_ref(spec, op.body)}},
            }
        if op.auth:
            entry["security"] = [{"token": []}, {"session": []}]
        paths.setdefault(op.path, {})[op.method] = entry
    for path, ops in paths.items():
        spec.path(path=path, operations=ops)
    return spec.to_dict()
