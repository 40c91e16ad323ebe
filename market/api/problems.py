"""application/problem+json responses (RFC 9457) for every API error."""

from __future__ import annotations

from flask import jsonify, request
from flask_babel import gettext
from pydantic import BaseModel, ValidationError
from werkzeug.exceptions import HTTPException

from market.validation import Forbidden, Invalid, Message, NotFound
from market.web import status_for, translate, translated_errors


def problem(status: int, title: str, detail: str | None = None, **extra):
    body = {"type": "about:blank", "title": title, "status": status}
    if detail:
        body["detail"] = detail
    body.update(extra)
    response = jsonify(body)
    response.status_code = status
    response.mimetype = "application/problem+json"
    if status == 401:  # RFC 9110: a 401 says how to authenticate
        response.headers.setdefault("WWW-Authenticate", "Bearer")
    return response


def http_problem(exc: HTTPException):
    """An HTTP error as a problem, with the headers it carries: the `Allow` of a 405, the
    `WWW-Authenticate` of a 401 (RFC 9110 requires both)."""
    response = problem(exc.code or 500, exc.name, exc.description)
    for name, value in exc.get_headers():
        if name.lower() != "content-type":
            response.headers[name] = value
    if exc.code == 429:
        response.headers["Retry-After"] = getattr(exc, "retry_after", None) or "60"
    return response


def parse_body(model: type[BaseModel]) -> BaseModel:
    """The request's JSON body as `model`, or a 400/422 problem."""
    data = request.get_json(silent=True)
    if data is None:
        raise Invalid({"": [_msg("The request body must be a JSON object.")]})
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        errors: dict[str, list] = {}
        for err in exc.errors():
            name = ".".join(str(p) for p in err["loc"]) or ""
            errors.setdefault(name, []).append(_msg(_pydantic_message(err)))
        raise Invalid(errors) from None


def _msg(text: str):
    return Message(text)


def _pydantic_message(err: dict) -> str:
    kind = err.get("type", "")
    if kind == "missing":
        return "This field is required."
    if kind == "extra_forbidden":
        return "Unknown field."
    if kind.endswith("_type") or kind.endswith("_parsing"):
        return "Wrong type of value."
    return "Invalid value."


def register_handlers(bp) -> None:
    @bp.errorhandler(Invalid)
    def _invalid(exc: Invalid):
        return problem(
            status_for(exc),
            gettext("The request has invalid fields."),
            errors=translated_errors(exc),
        )

    @bp.errorhandler(Forbidden)
    def _forbidden(exc: Forbidden):
        return problem(status_for(exc), gettext("Forbidden"), translate(exc.message))

    @bp.errorhandler(NotFound)
    def _not_found(exc: NotFound):
        return problem(status_for(exc), gettext("Not found"))

    bp.register_error_handler(HTTPException, http_problem)
