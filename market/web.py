"""Glue between Flask and the domain services: the app's extensions and who is logged in, the
request's session and its units of work, the status of each domain error, the viewer, languages."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from functools import partial
from types import MappingProxyType

from flask import (
    Flask,
    Response,
    abort,
    current_app,
    flash,
    g,
    has_app_context,
    request,
    send_file,
    session,
    url_for,
)
from flask.sessions import SecureCookieSessionInterface
from flask_babel import get_locale, get_translations, gettext, lazy_gettext, ngettext
from flask_limiter.util import get_remote_address
from flask_login import current_user, login_user
from itsdangerous import URLSafeTimedSerializer
from sqlmodel import Session
from werkzeug.datastructures import WWWAuthenticate
from werkzeug.exceptions import Unauthorized
from werkzeug.routing import IntegerConverter, UnicodeConverter

from market import login_limits, mail, page_cache, security_headers, static_files, task_queries
from market.accounts import request_password_reset, token_login, user_by_email
from market.extensions import babel, csrf, limiter, login_manager
from market.forms import attach_errors
from market.labels import is_label, label
from market.models import Organization, Task, User
from market.policy import ACCOUNTS, ATTACHMENTS, TASKS, Registry, registry_of
from market.validation import MAX_ID, MAX_SEGMENT, N_, Forbidden, Invalid, Message, NotFound


def db() -> Session:
    """The request's database session (closed, and rolled back if uncommitted, at teardown)."""
    if "db_session" not in g:
        g.db_session = current_app.extensions["market.db"].session()
    return g.db_session


def close_db(_exc=None) -> None:
    s = g.pop("db_session", None)
    if s is not None:
        s.close()


class IdConverter(IntegerConverter):
    """`<int:…>` in every route: at most 10 digits, so a longer number matches no route (a 404);
    one of 10 digits beyond `MAX_ID` is refused once routed (`refuse_ids_out_of_range`). Neither
    reaches the database, which refuses it with an error (a 500). The range is not the
    converter's `max`: werkzeug answers a converter's refusal 405 when the path has a rule for
    another method, with an Allow that leaves out the method asked for."""

    regex = r"\d{1,10}"


def template_translations():
    """The translations of the request's locale, for templates: Flask-Babel's own callables find
    them through three lookups of its context for each of a page's hundreds of messages; this
    keeps them on `g` with the locale they are for, so `force_locale` still switches them.

    The per-message path reads the app context's `g` once through its proxy and the locale
    Flask-Babel keeps there (`babel_locale`, which `force_locale` replaces and restores), without
    Flask-Babel's own lookups; only a new or switched locale goes through `get_locale`."""
    if not has_app_context():
        return get_translations()
    state = g._get_current_object().__dict__
    cached = state.get("_template_translations")
    if cached is not None:
        babel_ctx = state.get("_flask_babel")
        if babel_ctx is not None and cached[0] is babel_ctx.__dict__.get("babel_locale"):
            return cached[1]
    locale = get_locale()
    cached = (locale, get_translations())
    state["_template_translations"] = cached
    return cached[1]


def refuse_ids_out_of_range(_endpoint: str | None, values: dict | None) -> None:
    """404 for a routed id no row can have (see `IdConverter`)."""
    if values and any(type(v) is int and v > MAX_ID for v in values.values()):
        abort(404)


class SegmentConverter(UnicodeConverter):
    """`<name>` in every route: a segment without NUL (PostgreSQL text cannot hold one, and the
    driver refuses it with an error, a 500) and of at most `MAX_SEGMENT` characters; any other
    matches no route, a 404."""

    def __init__(self, map, minlength=1, maxlength=MAX_SEGMENT, length=None):
        super().__init__(map, minlength, maxlength, length)
        self.regex = self.regex.replace("[^/]", "[^/\\x00]", 1)


class CookieSessions(SecureCookieSessionInterface):
    """Flask's signed cookie sessions, with their signer made once for the app's keys instead of
    for every request (Flask builds it again in each `open_session` and `save_session`, cookie or
    not). A new key (or fallback list) makes a new one."""

    def __init__(self) -> None:
        self._signer: tuple[tuple, URLSafeTimedSerializer | None] | None = None

    def get_signing_serializer(self, app: Flask) -> URLSafeTimedSerializer | None:
        keys = (app.secret_key, tuple(app.config["SECRET_KEY_FALLBACKS"] or ()))
        cached = self._signer
        if cached is None or cached[0] != keys:
            cached = self._signer = (keys, super().get_signing_serializer(app))
        return cached[1]


def init_app(app: Flask) -> None:
    """Set up the app's extensions: languages, CSRF, rate limits, logins (by session or by token),
    security headers, and the request's session closed at teardown; and the bounded path
    converters, before any route is added."""
    app.url_map.converters.update(
        int=IdConverter, default=SegmentConverter, string=SegmentConverter
    )
    app.url_value_preprocessor(refuse_ids_out_of_range)
    app.session_interface = CookieSessions()
    babel.init_app(app, locale_selector=select_locale)
    app.jinja_env.install_gettext_callables(
        gettext=lambda s: template_translations().ugettext(s),
        ngettext=lambda s, p, n: template_translations().ungettext(s, p, n),
        newstyle=True,
        pgettext=lambda c, s: template_translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: template_translations().unpgettext(c, s, p, n),
    )
    csrf.init_app(app)
    app.config.setdefault("RATELIMIT_HEADERS_ENABLED", True)
    limiter.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = lazy_gettext("Please log in to see this page.")
    login_manager.session_protection = "strong"
    login_manager.user_loader(load_user)
    app.before_request(refuse_nul)
    app.before_request(load_from_token)
    app.teardown_appcontext(close_db)
    security_headers.init_app(app)
    static_files.init_app(app)
    page_cache.init_app(app)


def drop_idle_rate_limiter(app: Flask, rate_limiter=limiter) -> bool:
    """Take the rate limiter's request hooks out of `app` when no limit is declared (no default,
    application, route or blueprint limit): the platform keeps its only limits, the login and
    reset-mail counters of `market.login_limits`, in the limiter's storage and counts them
    itself, so the hooks found nothing to count on every request and still cost a tenth of a
    millisecond each. Called once the app is composed (every route and its limits are known); a
    limit declared later with `limiter.limit` keeps them. True when they were taken out."""
    manager = rate_limiter.limit_manager
    if (
        manager._default_limits
        or manager._application_limits
        or manager._decorated_limits
        or manager._blueprint_limits
        or rate_limiter._meta_limits
    ):
        return False

    def ours(hook) -> bool:
        owner = hook.args[0] if isinstance(hook, partial) and hook.args else None
        return getattr(hook, "__self__", owner) is rate_limiter

    for hooks in (app.before_request_funcs, app.after_request_funcs, app.teardown_request_funcs):
        if None in hooks:
            hooks[None] = [hook for hook in hooks[None] if not ours(hook)]
    return True


#: Query parameters left to their handler whatever they hold: the words to search, which the
#: search layer reduces to words (a NUL is none) before any database sees them.
FREE_TEXT_ARGS = frozenset({"q"})


def refuse_nul() -> None:
    """A NUL in a query parameter or a form field is refused (422 naming it) before any handler
    reads it: PostgreSQL text cannot hold one, and the driver would answer with an error (a 500).
    A path without a route stays a 404."""
    if request.routing_exception is not None:
        return
    for values, free in ((request.args, FREE_TEXT_ARGS), (request.form, frozenset())):
        for name, texts in values.lists():
            if name in free:
                continue
            # A malformed multipart part may have no name (None).
            name = name or ""
            if "\x00" in name or any("\x00" in (text or "") for text in texts):
                message = Message(N_("Contains control characters."))
                raise Invalid({name.replace("\x00", ""): [message]})


def int_arg(name: str, default: int | None, *, minimum: int = 0, maximum: int = MAX_ID):
    """An integer query parameter (a cursor, a page, a limit) clamped to [minimum, maximum];
    `default` when absent or not a plain decimal number. A number beyond any row reads as the end
    of the list instead of reaching the database, which would refuse it (a 500)."""
    raw = request.args.get(name, "")
    sign, digits = (-1, raw[1:]) if raw.startswith("-") else (1, raw)
    if not (digits.isascii() and digits.isdigit()):
        return default
    # 20 digits are past any maximum already; int() of thousands of them is slow, or refused.
    return max(minimum, min(maximum, sign * int(digits[:20])))


@dataclass(frozen=True)
class ListPage:
    """What a list page asked for: its filter (None when the query string was refused, then its
    messages by parameter, translated) and its page number, counted from 1, of `per_page` rows."""

    wanted: task_queries.TaskFilter | None
    errors: dict[str, list[str]]
    page: int
    per_page: int

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.per_page

    def pages(self, total: int) -> int:
        return max(1, -(-total // self.per_page))

    def template_args(self, total: int) -> dict:
        """The filter form's values as typed and the pager's, for `market/_list_macros.html`."""
        typed = {n: request.args.get(n, "") for n in task_queries.FILTER_ARGS}
        return {
            "typed": typed,
            "filter_errors": self.errors,
            "page": self.page,
            "pages": self.pages(total),
            "total": total,
            "args": {n: v for n, v in typed.items() if v},
        }


def list_page(statuses: tuple[str, ...]) -> ListPage:
    """A list page's filter and page number from the query string; a refused filter is kept with
    its messages, for the page to show next to what was typed (status 422)."""
    page = int_arg("page", 1, minimum=1, maximum=MAX_ID // task_queries.MAX_PAGE_SIZE)
    per_page = current_app.config["PAGE_SIZE"]
    try:
        wanted = task_queries.parse_filter(db(), request.args, statuses=statuses)
    except Invalid as exc:
        return ListPage(None, translated_errors(exc), page, per_page)
    return ListPage(wanted, {}, page, per_page)


def list_cursor() -> tuple[int | None, int]:
    """An API list's cursor (a task id, from next_cursor) and its limit, 1–100 rows."""
    limit = int_arg("limit", task_queries.PAGE_SIZE, minimum=1, maximum=task_queries.MAX_PAGE_SIZE)
    return int_arg("cursor", None), limit


def load_user(user_id: str) -> User | None:
    """The user of a session cookie, unless disabled or logged out everywhere since."""
    uid, _, generation = user_id.partition(".")
    user = db().get(User, int(uid)) if uid.isdigit() else None
    if user is None or user.disabled_at is not None:
        return None
    return user if str(user.session_generation) == generation else None


def token_request() -> bool:
    """Whether the request authenticates with a Bearer token (a script), not a session cookie:
    it is exempt from CSRF checks, and gets no CSRF token."""
    return request.headers.get("Authorization", "").startswith("Bearer ")


def load_from_token() -> None:
    """A Bearer token alone decides the user of its request, ahead of any session cookie:
    Flask-Login's strong session protection would otherwise turn a token request that also carries
    an anonymous session cookie (a CSRF token, a language) into an anonymous one, and a request
    with a token header, which skips the CSRF check, must never act as the cookie's user."""
    if not token_request():
        return
    header = request.headers["Authorization"]
    session = db()
    found = token_login(session, header.removeprefix("Bearer ").strip())
    user = found[0] if found else None
    # Held for the request, so that `viewer_org()` finds it in the session without a read.
    g.token_organization = found[1] if found else None
    if session.dirty:  # the token's last_used_at, written once a minute at most
        with unit_of_work():
            pass
    # Otherwise nothing was written: the read's transaction goes on with the request, on the
    # connection already checked out (no second checkout, no second pre-ping).
    login_manager._update_request_context_with_user(user)


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
    # Flask-Babel's gettext without variables, through the translations templates use.
    ugettext = template_translations().ugettext
    if isinstance(message, str):
        return ugettext(message)
    text = ugettext(message.msgid)
    if not message.params:
        return text
    # Codes in parameters (a status, a category) are shown by their translated labels.
    return text % {k: ugettext(label(v)) if is_label(v) else v for k, v in message.params.items()}


def demo_clock_offset() -> timedelta:
    """How far the platform's clock runs from the real time (the demo clock; zero normally)."""
    return current_app.extensions.get("market.demo_clock", timedelta(0))


def demo_clock_banner() -> str | None:
    """The banner every page shows while the demo clock is on, or None."""
    offset = demo_clock_offset()
    if not offset:
        return None
    size = abs(offset)
    days, rest = size.days, size.seconds
    hours, minutes = rest // 3600, rest % 3600 // 60
    parts = [
        ngettext(singular, plural, n)
        for n, singular, plural in (
            (days, "%(num)d day", "%(num)d days"),
            (hours, "%(num)d hour", "%(num)d hours"),
            (minutes, "%(num)d minute", "%(num)d minutes"),
        )
        if n
    ]
    amount = " ".join(parts)
    if offset > timedelta(0):
        return gettext("Demo clock: the platform's time is %(amount)s ahead of the real time.") % {
            "amount": amount
        }
    return gettext("Demo clock: the platform's time is %(amount)s behind the real time.") % {
        "amount": amount
    }


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


def uploaded_files(field_name: str = "file") -> list[tuple[str | None, bytes]]:
    """Every multipart file of the field (a `multiple` file input), each read like
    `uploaded_file`; a part sent without a file is left out."""
    limit = attachment_policy().attachment_max_bytes + 1
    return [
        (upload.filename, upload.read(limit))
        for upload in request.files.getlist(field_name)
        if upload.filename
    ]


def send_attachment(row, path):
    """A stored file as a download: its sanitized name, its checked type, never sniffed or
    rendered by the browser."""
    response = send_file(
        path, mimetype=row.content_type, as_attachment=True, download_name=row.filename, max_age=0
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = security_headers.DOWNLOAD_POLICY
    response.headers["Cache-Control"] = "private, no-store"
    return response


#: The HTTP status of each domain error, read by the API's problem handlers and by the pages
#: alike; a subclass answers as its base (`lifecycle.IllegalTransition` is a `Forbidden`: 403).
DOMAIN_STATUS: Mapping[type[Exception], int] = MappingProxyType(
    {Invalid: 422, Forbidden: 403, NotFound: 404}
)

#: The failures a page shows next to what was typed, for the user to correct or to read why not;
#: anything else (a `NotFound` too) leaves the page for an error handler.
SHOWN_ON_PAGE = (Invalid, Forbidden)


def status_for(exc: Exception) -> int:
    """The status `exc` answers with: that of its nearest class in `DOMAIN_STATUS`."""
    for cls in type(exc).__mro__:
        if cls in DOMAIN_STATUS:
            return DOMAIN_STATUS[cls]
    raise TypeError(f"{type(exc).__name__} is not a domain error")


def error_messages(exc: Invalid | Forbidden, form=None, renames: dict | None = None) -> list[str]:
    """The translated messages of a failure. With a form, each `Invalid` message goes onto its
    field (service field names mapped to form field names by `renames`) and only the others are
    returned, to show above the form."""
    if isinstance(exc, Forbidden):
        return [translate(exc.message)]
    if form is not None:
        return attach_errors(form, exc, translate, renames)
    return [translate(m) for messages in exc.errors.values() for m in messages]


@dataclass
class Work:
    """What became of a unit of work whose failure a page keeps: the `error` (None when the work
    succeeded, or before any was attempted), its `messages` to show and its `status`."""

    error: Invalid | Forbidden | None = None
    messages: list[str] = field(default_factory=list)

    @property
    def failed(self) -> bool:
        return self.error is not None

    @property
    def status(self) -> int:
        return 200 if self.error is None else status_for(self.error)


@contextmanager
def unit_of_work(form=None, *, renames: dict | None = None, keep_errors: bool = False):
    """One write of a request: the block runs in the request's session (`db()`), which commits
    when the block ends and rolls back on any exception, so a write that fails half-way leaves
    nothing behind.

    A context manager rather than a decorator: only the service calls go in the block, while the
    handler's parsing and checks before it and its response after it stay out, so what one
    transaction holds is plain to see; and a page can keep the failure to show it instead of
    raising it, which a decorated handler could not without a second wrapper.

    Failures are raised again after the rollback: the API's problem handlers and the pages'
    error handlers answer them with their `status_for`. A page that shows the failure itself
    passes its `form` (the messages go next to the fields, see `error_messages`) or
    `keep_errors=True` (a page that flashes them): then an `Invalid` or a `Forbidden` is kept in
    the yielded `Work` instead, and the code after it in the block does not run.

    Units of work do not nest: an inner commit would commit the outer one's half-done work.
    """
    if g.get("unit_of_work_open"):
        raise RuntimeError("a unit of work is already open in this request")
    g.unit_of_work_open = True
    session = db()
    work = Work()
    try:
        yield work
        session.commit()
    except BaseException as exc:
        session.rollback()
        if not (form is not None or keep_errors) or not isinstance(exc, SHOWN_ON_PAGE):
            raise
        work.error = exc
        work.messages = error_messages(exc, form, renames)
    finally:
        g.unit_of_work_open = False


def flash_outcome(work: Work, success: str | None = None, category: str = "success") -> None:
    """Flash what became of a unit of work, for the page the handler redirects to: the kept
    failure's messages as errors, else `success` (when given)."""
    if work.failed:
        for message in work.messages:
            flash(message, "error")
    elif success is not None:
        flash(success, category)


def acting_user() -> User:
    """The user this request acts as; without one (an API call with neither session nor a valid
    token) a 401 that says to log in and how (RFC 6750). Pages check `login_required` before."""
    user = viewer()
    if user is None:
        raise Unauthorized(
            translate(N_("Please log in first.")), www_authenticate=WWWAuthenticate("Bearer")
        )
    return user


def open_due(tasks: Iterable[Task]) -> None:
    """Open those of `tasks` whose deadline has passed, in a unit of work of its own: the lazy
    opening stands whatever the rest of the request does, and every reader sees it at once."""
    with unit_of_work():
        task_queries.open_if_due(db(), list(tasks), policy_registry())


def load_task(number: str) -> Task:
    """The task `number` if the viewer may see it (a draft: its applicant only), else `NotFound`;
    opened first when its deadline has passed (`open_due`)."""
    task = task_queries.load(db(), viewer(), number)
    open_due([task])
    return task


# --- logins: throttling and device cookies (market/login_limits.py, docs/rules.md §10) ----------

#: The cookie that remembers a device which logged in to an account.
DEVICE_COOKIE = "zjm_device"


def signing_keys() -> list[str | bytes]:
    """The keys device cookies and reset links are signed with (the newest last)."""
    # As Flask signs its session: older keys still accepted while a new one is rolled out.
    return [*(current_app.config.get("SECRET_KEY_FALLBACKS") or []), current_app.secret_key]


def login_attempt(email: str) -> login_limits.Attempt:
    """Count a login attempt for `email` from this request's device and address; its `wait`
    says whether it has to wait instead."""
    user = user_by_email(db(), email)
    device = login_limits.trusted_device(signing_keys(), request.cookies.get(DEVICE_COOKIE), user)
    return login_limits.begin(
        limiter.storage, policy(), email=email, address=get_remote_address(), device=device
    )


def reset_attempt(email: str) -> login_limits.Attempt:
    """Count a request for a password-reset mail to `email` from this request's address, on
    counters of their own with the login limits' numbers; its `wait` says whether to refuse it."""
    return login_limits.begin(
        limiter.storage,
        policy(),
        email=email,
        address=get_remote_address(),
        device=None,
        purpose="reset",
    )


def password_attempt(user: User) -> login_limits.Attempt:
    """Count a check of `user`'s password by a logged-in session (changing it, turning the second
    factor off) as a login attempt, so a session left open guesses no faster than a login."""
    return login_attempt(user.email)


def password_checked(attempt: login_limits.Attempt, error: Exception | None, field: str) -> None:
    """Uncount `attempt` unless the password in `field` was refused."""
    if not (isinstance(error, Invalid) and field in error.errors):
        login_limits.succeeded(limiter.storage, attempt)


def stay_logged_in(response: Response, user: User) -> Response:
    """Keep this session (and device) of `user` after its password changed, which ended every
    session: log it in again under the new session generation, with a new device cookie."""
    login_user(getattr(user, "_get_current_object", lambda: user)())
    return remember_device(response, user)


def login_succeeded(attempt: login_limits.Attempt, response: Response, user: User) -> Response:
    """Uncount a successful attempt and remember its device."""
    login_limits.succeeded(limiter.storage, attempt)
    return remember_device(response, user)


def remember_device(response: Response, user: User) -> Response:
    """Give this device a fresh device cookie of `user`: readable by no script, sent by no other
    site, over HTTPS only when the session cookie is."""
    rules = policy()
    response.set_cookie(
        DEVICE_COOKIE,
        login_limits.device_cookie(signing_keys(), user, rules),
        max_age=rules.login_device_days * login_limits.DAY,
        secure=current_app.config["SESSION_COOKIE_SECURE"],
        httponly=True,
        samesite="Strict",
    )
    return response


def wait_before_login(attempt: login_limits.Attempt, response: Response) -> Response:
    """A refused attempt's answer: 429, with how long to wait."""
    response.status_code = 429
    response.headers["Retry-After"] = str(attempt.wait)
    return response


# --- password-reset mail ------------------------------------------------------------------------


def send_reset_mail(email: str) -> None:
    """Mail a reset link to the account of `email`, if there is an active one (the caller answers
    the same either way)."""
    with unit_of_work():
        found = request_password_reset(db(), signing_keys(), email)
    if found is None:
        return
    user, token = found
    link = url_for("auth.reset_password", token=token, _external=True)
    minutes = policy().password_reset_minutes
    body = gettext(
        "Hello %(name)s,\n\nsomeone (we hope you) asked to reset the password of your account "
        "%(email)s on the intermediary services marketplace. Open this link within %(minutes)d "
        "minutes to choose a new password; it works once:\n\n%(link)s\n\n"
        "If you did not ask for it, ignore this message: your password stays as it is.\n",
        name=user.name,
        email=user.email,
        minutes=minutes,
        link=link,
    )
    mail.send(user.email, gettext("Reset your password"), body)


def mail_folder() -> str | None:
    """Where mail is written instead of sent, shown on the page in debug mode only."""
    folder = mail.writes_to_folder()
    return str(folder) if folder is not None and current_app.debug else None
