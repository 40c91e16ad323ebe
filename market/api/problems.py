"""application/problem+json responses (RFC 9457) for every API error."""

from __future__ import annotations

from flask import jsonify, request
from flask_babel import gettext
from pydantic import BaseModel, ValidationError
from werkzeug.exceptions import HTTPException

from market.validation import MAX_ID, N_, Forbidden, Invalid, Message, NotFound
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


def json_body() -> object:
    """The request's JSON body as Python values, or None when there is none or it is no JSON (a
    nesting too deep for the parser is no JSON either)."""
    try:
        return request.get_json(silent=True)
    except RecursionError:
        return None


def parse_body(model: type[BaseModel]) -> BaseModel:
    """The request's JSON body as `model`, or a 422 problem naming each field that is wrong.

    Models are strict: JSON's own types only (`true` is no integer, `"5"` no number). Text is
    checked before any service reads it: no NUL (PostgreSQL cannot store one) and no lone
    surrogate (JSON can escape one; no database encodes it)."""
    data = json_body()
    if not isinstance(data, dict):
        raise Invalid({"": [_msg("The request body must be a JSON object.")]})
    errors: dict[str, list] = {}
    _check_text(data, (), errors)
    _check_ids(data, (), errors)
    if errors:
        raise Invalid(errors)
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        for err in exc.errors():
            name = ".".join(str(p) for p in err["loc"]) or ""
            errors.setdefault(name, []).append(_msg(_pydantic_message(err)))
        raise Invalid(errors) from None


def _check_text(value: object, path: tuple, errors: dict) -> None:
    """Every string of a JSON value that no database would store, under its dotted path (a bad
    key under its object's)."""
    if isinstance(value, dict):
        for key, item in value.items():
            if _text_problem(key) is None:
                _check_text(item, (*path, key), errors)
            else:
                _check_text(key, path, errors)
    elif isinstance(value, list):
        for i, item in enumerate(value):
            _check_text(item, (*path, i), errors)
    elif isinstance(value, str) and (message := _text_problem(value)) is not None:
        errors.setdefault(".".join(str(p) for p in path), []).append(_msg(message))


#: A body's `…_id` beyond any row.
NO_SUCH_ROW = N_("No record has this number.")


def _check_ids(value: object, path: tuple, errors: dict) -> None:
    """A row's number named in a body (`…_id`) that no row can have, refused as a path's is
    (`market.web.IdConverter`): the database would refuse it as out of its integer's range (a
    500) before any service could say the row does not exist."""
    if isinstance(value, dict):
        for key, item in value.items():
            where = (*path, key)
            if (
                isinstance(key, str)
                and key.endswith("_id")
                and type(item) is int
                and not 0 <= item <= MAX_ID
            ):
                errors.setdefault(".".join(str(p) for p in where), []).append(_msg(NO_SUCH_ROW))
            else:
                _check_ids(item, where, errors)
    elif isinstance(value, list):
        for i, item in enumerate(value):
            _check_ids(item, (*path, i), errors)


def _text_problem(text: str) -> str | None:
    if "\x00" in text:
        return N_("Contains control characters.")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return N_("Not valid Unicode text.")
    return None


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
