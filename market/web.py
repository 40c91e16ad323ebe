"""Glue between Flask and the domain services: the request's session, the viewer, languages."""

from __future__ import annotations

from dataclasses import dataclass, field

from flask import current_app, g, request, session
from flask_babel import get_locale, gettext
from flask_login import current_user
from sqlmodel import Session

from market.models import Organization, User
from market.policy import ACCOUNTS, ATTACHMENTS, TASKS, Registry, registry_of
from market.validation import Invalid, Message


def db() -> Session:
    """The request's database session (closed, and rolled back if uncommitted, at teardown)."""
    if "db_session" not in g:
        g.db_session = current_app.extensions["market.db"].session()
    return g.db_session


def close_db(_exc=None) -> None:
    s = g.pop("db_session", None)
    if s is not None:
        s.close()


def viewer() -> User | None:
    return current_user if current_user.is_authenticated else None


def viewer_org() -> Organization | None:
    user = viewer()
    return db().get(Organization, user.organization_id) if user else None


def select_locale() -> str:
    wanted = request.args.get("lang")
    if wanted in current_app.config["LANGUAGES"]:
        session["lang"] = wanted
        return wanted
    if session.get("lang") in current_app.config["LANGUAGES"]:
        return session["lang"]
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def lang() -> str:
    return "en" if str(get_locale()).startswith("en") else "zh"


def localized(obj: object, field: str) -> str:
    """`name_zh` or `name_en` of a bilingual record, by the reader's language."""
    value = getattr(obj, f"{field}_{lang()}", None)
    return value if value else getattr(obj, f"{field}_zh", "")


def translate(message: Message | str) -> str:
    if isinstance(message, str):
        return gettext(message)
    from market.labels import is_label, label

    text = gettext(message.msgid)
    if not message.params:
        return text
    # Codes in parameters (a status, a category) are shown by their translated labels.
    return text % {k: gettext(label(v)) if is_label(v) else v for k, v in message.params.items()}


def translated_errors(exc: Invalid) -> dict[str, list[str]]:
    return {field: [translate(m) for m in messages] for field, messages in exc.errors.items()}


def policy_registry() -> Registry:
    """The app's policy: every section as configured, built once when the app was created."""
    return registry_of(current_app)


def policy_section(name: str):
    """The configured section `name` of the policy, to pass to a service."""
    return policy_registry().section(name)


def policy():
    return policy_section(ACCOUNTS.name)


def task_policy():
    return policy_section(TASKS.name)


def attachment_policy():
    return policy_section(ATTACHMENTS.name)


def upload_dir() -> str:
    return current_app.config["UPLOAD_DIR"]


def uploaded_file(field_name: str = "file") -> tuple[str | None, bytes]:
    """The multipart file's name and bytes, read at most one byte past the size limit."""
    upload = request.files.get(field_name)
    if upload is None:
        return None, b""
    return upload.filename, upload.read(attachment_policy().attachment_max_bytes + 1)


def send_attachment(row, path):
    """A stored file as a download: its sanitized name, its checked type, never sniffed or
    rendered by the browser."""
    from flask import send_file

    response = send_file(
        path, mimetype=row.content_type, as_attachment=True, download_name=row.filename, max_age=0
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response.headers["Cache-Control"] = "private, no-store"
    return response


@dataclass
class Submission:
    """What became of a form submitted to a service: its result, or errors and a 422."""

    ok: bool = False
    result: object = None
    errors: list[str] = field(default_factory=list)
    status: int = 200


def submit(form, action, renames: dict | None = None) -> Submission:
    """Run `action()` (a service call) for a submitted form in the request's transaction.

    Success commits; `Invalid` rolls back and puts each message on its field (the rest are
    returned), `Forbidden` rolls back with its message; both answer 422 and keep what was typed.
    """
    from market.forms import attach_errors
    from market.validation import Forbidden

    try:
        result = action()
    except Invalid as exc:
        db().rollback()
        return Submission(errors=attach_errors(form, exc, translate, renames), status=422)
    except Forbidden as exc:
        db().rollback()
        return Submission(errors=[translate(exc.message)], status=422)
    db().commit()
    return Submission(ok=True, result=result)
