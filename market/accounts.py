"""Accounts: registration of enterprises, accounts created by operators, login, API tokens."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import timedelta

import pyotp
from email_validator import EmailNotValidError, validate_email
from itsdangerous import BadData, TimestampSigner, URLSafeTimedSerializer
from sqlalchemy import bindparam, delete, or_, update
from sqlmodel import Session, func, select

from market import audit, clock, passwords, regions
from market.models import (
    ApiToken,
    ExpertCategory,
    Jurisdiction,
    Organization,
    OrgKind,
    RecoveryCode,
    Role,
    User,
)
from market.models.accounts import SECOND_FACTOR_REQUIRED
from market.models.catalog import CATEGORIES
from market.validation import N_, Checker, Forbidden, Invalid, Message, NotFound

OPERATOR_CREATED = (OrgKind.department, OrgKind.regulator, OrgKind.expert, OrgKind.operator)


@dataclass(frozen=True)
class Policy:
    password_min_length: int = 12
    password_max_length: int = 128
    # Login throttling (market/login_limits.py, docs/rules.md §10): failed logins allowed in a
    # minute and in the long window, per account and per address for new devices, and per
    # remembered device; a full window makes the next attempt wait until it ends, so no wait is
    # longer than the long window.
    login_long_window_seconds: int = 300
    login_account_per_minute: int = 5
    login_account_per_long_window: int = 10
    login_address_per_minute: int = 20
    login_address_per_long_window: int = 40
    login_device_per_minute: int = 3
    login_device_per_long_window: int = 6
    login_device_days: int = 90
    # A password-reset link works once, for this long (docs/rules.md §10).
    password_reset_minutes: int = 60
    recovery_codes: int = 10

    def __post_init__(self) -> None:
        if not 5 <= self.password_reset_minutes <= 24 * 60:
            raise ValueError(
                f"POLICY.accounts.password_reset_minutes: {self.password_reset_minutes} is not "
                "5 to 1440 minutes"
            )
        if not 1 <= self.recovery_codes <= 20:
            raise ValueError(
                f"POLICY.accounts.recovery_codes: {self.recovery_codes} is not 1 to 20"
            )
        # A wait of an hour, or a limit of no attempt at all, would lock accounts out: a
        # competitor could keep an agency from bidding before a deadline.
        if not 60 <= self.login_long_window_seconds <= 900:
            raise ValueError(
                f"POLICY.accounts.login_long_window_seconds: {self.login_long_window_seconds} is "
                "not 60 to 900 seconds; a login never waits longer than a few minutes"
            )
        for name in (
            "login_account_per_minute",
            "login_account_per_long_window",
            "login_address_per_minute",
            "login_address_per_long_window",
            "login_device_per_minute",
            "login_device_per_long_window",
            "login_device_days",
        ):
            if getattr(self, name) < 1:
                raise ValueError(f"POLICY.accounts.{name}: at least 1, or no one could log in")


def check_email(
    checker: Checker, name: str, value: object, session: Session | None = None
) -> str | None:
    raw = checker.text(name, value, max_length=254)
    if raw is None:
        return None
    try:
        email = validate_email(raw, check_deliverability=False).normalized.lower()
    except EmailNotValidError:
        checker.add(name, N_("Not a valid e-mail address."))
        return None
    if (
        session is not None
        and session.exec(select(User.id).where(func.lower(User.email) == email)).first()
    ):
        checker.add(name, N_("An account with this e-mail address already exists."))
    return email


def check_phone(checker: Checker, name: str, value: object, required: bool = False) -> str | None:
    raw = checker.text(name, value, max_length=20, required=required)
    if raw is not None and not all(c.isdigit() or c in "+- " for c in raw):
        checker.add(name, N_("A phone number has only digits, spaces, + and -."))
    return raw


#: The key of the registration checks' list in `app.extensions`.
REGISTRATION_CHECKS = "market.registration_checks"


def registration_refusal(session: Session, uscc: str, checks: Sequence[Callable]) -> Message | None:
    """The first refusal of the registration checks other packages add to
    `app.extensions["market.registration_checks"]` (callables `(session, uscc, at) -> Message or
    None`: the exit rules refuse the USCC of a removed agency while the cause lasts), or None."""
    now = clock.now()
    for check in checks:
        refusal = check(session, uscc, now)
        if refusal is not None:
            return refusal
    return None


def check_region(checker: Checker, name: str, value: object, required: bool = True) -> str | None:
    raw = checker.text(name, value, max_length=6, required=required)
    if raw is not None and (len(raw) != 6 or not raw.isdigit()):
        checker.add(name, N_("An administrative division code has 6 digits, e.g. 220102."))
    elif raw is not None and not regions.is_known(raw):
        checker.add(
            name,
            N_(
                "%(code)s is not an administrative division code (GB/T 2260); pick one from the list."
            ),
            code=raw,
        )
    return raw


def check_user_fields(checker: Checker, session: Session, data: dict, policy: Policy) -> dict:
    """The fields of a new user account, shared by every way an account is made."""
    email = check_email(checker, "email", data.get("email"), session)
    return {
        "name": checker.text(
            "user_name", data.get("user_name"), max_length=50, markup=False, identity=True
        ),
        "email": email,
        "phone": check_phone(checker, "phone", data.get("phone")),
        "password": passwords.check_policy(
            checker,
            "password",
            data.get("password"),
            min_length=policy.password_min_length,
            max_length=policy.password_max_length,
            # Even an address refused as malformed is not to be the password.
            email=email or str(data.get("email") or "").strip(),
        ),
    }


def new_user(org: Organization, fields: dict, role: Role = Role.admin) -> User:
    return User(
        organization_id=org.id,
        role=role,
        email=fields["email"],
        name=fields["name"],
        phone=fields["phone"],
        password_hash=passwords.hash_password(fields["password"]),
        created_at=clock.now(),
    )


def register_enterprise(
    session: Session, data: dict, policy: Policy = Policy(), checks: Sequence[Callable] = ()
) -> User:
    """An enterprise registers itself with its USCC and an administrator account."""
    checker = Checker()
    name = checker.text("name", data.get("name"), max_length=100, markup=False, identity=True)
    uscc = checker.uscc("uscc", data.get("uscc"))
    refusal = registration_refusal(session, uscc, checks) if uscc else None
    if refusal is not None:
        checker.add("uscc", refusal.msgid, **refusal.params)
    elif uscc and session.exec(select(Organization.id).where(Organization.uscc == uscc)).first():
        checker.add(
            "uscc",
            N_("An organization with this unified social credit code is already registered."),
        )
    region = check_region(checker, "region_code", data.get("region_code"))
    legal_rep = checker.text(
        "legal_representative",
        data.get("legal_representative"),
        max_length=50,
        markup=False,
        identity=True,
    )
    user_fields = check_user_fields(checker, session, data, policy)
    checker.raise_if_any()
    now = clock.now()
    org = Organization(
        kind=OrgKind.enterprise,
        name=name,
        uscc=uscc,
        region_code=region,
        legal_representative=legal_rep,
        created_at=now,
    )
    session.add(org)
    session.flush()
    user = new_user(org, user_fields)
    session.add(user)
    session.flush()
    audit.record(
        session,
        "organization.registered",
        "organization",
        org.id,
        {"kind": org.kind, "name": org.name, "uscc": uscc},
        actor_user_id=user.id,
        actor_org_id=org.id,
    )
    return user


def create_by_operator(
    session: Session,
    actor: User | None,
    data: dict,
    policy: Policy = Policy(),
    *,
    from_cli: bool = False,
) -> tuple[User, str | None]:
    """An operator creates a department, regulator, expert or operator account.

    The command line (run by whoever runs the platform) may do it without an operator account,
    which is how the first operator is made. Returns the user and, for kinds that log in with a
    second factor, the TOTP secret, which is shown once to be handed over.
    """
    if not from_cli:
        require_kind(session, actor, OrgKind.operator)
    checker = Checker()
    kind = data.get("kind")
    if kind not in [k.value for k in OPERATOR_CREATED]:
        checker.add("kind", N_("Choose one of: department, regulator, expert, operator."))
    name = checker.text("name", data.get("name"), max_length=100, markup=False, identity=True)
    region = check_region(
        checker,
        "region_code",
        data.get("region_code"),
        required=kind in (OrgKind.department, OrgKind.regulator),
    )
    # Repeats are dropped: each (category, prefix) is one unique jurisdiction row.
    categories = list(dict.fromkeys(c for c in (data.get("categories") or []) if c))
    for c in categories:
        if c not in CATEGORIES:
            checker.add("categories", N_("Unknown service category: %(c)s."), c=str(c))
    if kind == OrgKind.expert and not categories:
        checker.add("categories", N_("An expert needs at least one service category."))
    region_prefixes = list(
        dict.fromkeys(r.strip() for r in (data.get("region_prefixes") or []) if r and r.strip())
    )
    for r in region_prefixes:
        if not (r.isdigit() and 2 <= len(r) <= 6):
            checker.add("region_prefixes", N_("A region prefix is 2 to 6 digits: %(r)s."), r=r)
        elif regions.by_prefix(r) is None:
            checker.add(
                "region_prefixes",
                N_("%(r)s selects no province, city or administrative division (GB/T 2260)."),
                r=r,
            )
    user_fields = check_user_fields(checker, session, data, policy)
    checker.raise_if_any()
    now = clock.now()
    org = Organization(kind=kind, name=name, region_code=region, created_at=now)
    session.add(org)
    session.flush()
    user = new_user(org, user_fields)
    secret = None
    if kind in SECOND_FACTOR_REQUIRED:
        secret = pyotp.random_base32()
        user.totp_secret = secret
    session.add(user)
    if kind == OrgKind.regulator:
        for category in categories or [None]:
            for prefix in region_prefixes or [None]:
                session.add(
                    Jurisdiction(organization_id=org.id, category=category, region_prefix=prefix)
                )
    if kind == OrgKind.expert:
        for category in categories:
            session.add(ExpertCategory(organization_id=org.id, category=category))
    session.flush()
    audit.record(
        session,
        "organization.created",
        "organization",
        org.id,
        {"kind": kind, "name": name, "categories": categories, "region_prefixes": region_prefixes},
        actor_user_id=actor.id if actor else None,
        actor_org_id=actor.organization_id if actor else None,
    )
    return user, secret


def organization_of(session: Session, user: User) -> Organization:
    return session.get(Organization, user.organization_id)


def require_kind(session: Session, user: User | None, *kinds: OrgKind) -> Organization:
    if user is None:
        raise Forbidden(N_("Please log in first."))
    org = organization_of(session, user)
    if org.kind not in kinds:
        raise Forbidden(N_("Your organization's kind may not do this."))
    return org


class LoginFailed(Exception):
    def __init__(self, message: Message, needs_second_factor: bool = False):
        super().__init__(message.msgid)
        self.message = message
        self.needs_second_factor = needs_second_factor


def user_by_email(session: Session, email: str) -> User | None:
    """The account an e-mail address logs in to, whatever its case and surrounding spaces."""
    email = (email or "").strip().lower()
    return session.exec(select(User).where(func.lower(User.email) == email)).first()


def authenticate(session: Session, email: str, password: str, totp_code: str | None) -> User:
    """Check a login; the same message whether the e-mail or the password is wrong."""
    user = user_by_email(session, email)
    if user is None:
        passwords.dummy_verify(password or "")
        raise LoginFailed(Message(N_("Wrong e-mail address or password.")))
    verified, new_hash = passwords.verify_and_update(user.password_hash, password or "")
    if not verified:
        raise LoginFailed(Message(N_("Wrong e-mail address or password.")))
    if user.disabled_at is not None:
        raise LoginFailed(Message(N_("This account is disabled.")))
    org = organization_of(session, user)
    if org.kind in SECOND_FACTOR_REQUIRED or user.totp_secret:
        if not user.totp_secret:
            raise LoginFailed(Message(N_("This account has no second factor; ask an operator.")))
        if not totp_code:
            raise LoginFailed(
                Message(N_("Enter the 6-digit code from your authenticator app.")),
                needs_second_factor=True,
            )
        if looks_like_recovery_code(totp_code):
            if not spend_recovery_code(session, user, totp_code):
                raise LoginFailed(
                    Message(N_("This recovery code is wrong or already used.")),
                    needs_second_factor=True,
                )
            return _logged_in(session, user, new_hash, {"recovery_code": True})
        step = accept_totp(user.totp_secret, totp_code, user.totp_last_step)
        if step is None:
            raise LoginFailed(
                Message(N_("The authenticator code is wrong, expired or already used.")),
                needs_second_factor=True,
            )
        # A conditional update, so two concurrent logins cannot both spend the same code.
        spent = session.execute(
            update(User)
            .where(
                User.id == user.id, or_(User.totp_last_step.is_(None), User.totp_last_step < step)
            )
            .values(totp_last_step=step)
            .execution_options(synchronize_session=False)
        )
        if spent.rowcount != 1:
            raise LoginFailed(
                Message(N_("The authenticator code is wrong, expired or already used.")),
                needs_second_factor=True,
            )
        user.totp_last_step = step
    return _logged_in(session, user, new_hash, {})


def _logged_in(session: Session, user: User, new_hash: str | None, detail: dict) -> User:
    if new_hash is not None:
        user.password_hash = new_hash
    user.last_login_at = clock.now()
    session.add(user)
    audit.record(
        session,
        "user.login",
        "user",
        user.id,
        detail,
        actor_user_id=user.id,
        actor_org_id=user.organization_id,
    )
    return user


def accept_totp(secret: str, code: str, last_step: int | None) -> int | None:
    """The time step a code belongs to (±1 step of drift), or None; a step is used once."""
    code = "".join(code.split())
    totp = pyotp.TOTP(secret)
    # An authenticator app reads the real time, so the demo clock's offset never applies here.
    current = int(clock.outside_now().timestamp()) // totp.interval
    for step in (current, current - 1, current + 1):
        if last_step is not None and step <= last_step:
            continue
        if secrets.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def current_totp(secret: str) -> str:
    """The code an authenticator shows now (demo CLI and tests)."""
    totp = pyotp.TOTP(secret)
    return totp.generate_otp(int(clock.outside_now().timestamp()) // totp.interval)


# --- personal API tokens -------------------------------------------------------------------

TOKEN_PREFIX = "zjm_"


def _token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_token(session: Session, user: User, name: object) -> tuple[ApiToken, str]:
    """Create a token; the plain token is returned once and never stored."""
    checker = Checker()
    clean = checker.text("name", name, max_length=100, markup=False)
    checker.raise_if_any()
    plain = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        user_id=user.id,
        name=clean,
        prefix=plain[:12],
        token_sha256=_token_digest(plain),
        created_at=clock.now(),
    )
    session.add(token)
    session.flush()
    audit.record(
        session,
        "token.created",
        "api_token",
        token.id,
        {"name": clean},
        actor_user_id=user.id,
        actor_org_id=user.organization_id,
    )
    return token, plain


def revoke_token(session: Session, user: User, token_id: int) -> ApiToken:
    token = session.get(ApiToken, token_id)
    if token is None or token.user_id != user.id:
        raise NotFound()  # another user's token is no more there for you than a missing one
    if token.revoked_at is None:
        token.revoked_at = clock.now()
        session.add(token)
        audit.record(
            session,
            "token.revoked",
            "api_token",
            token.id,
            {},
            actor_user_id=user.id,
            actor_org_id=user.organization_id,
        )
    return token


#: How often a token's `last_used_at` is written again while it is used.
TOKEN_USE_GRANULARITY = timedelta(minutes=1)


#: The token, its user and the user's organization in one read: while the caller holds them, the
#: session's `get` of either finds them without another. Built once: every token request runs it,
#: and building a select (its joins and comparisons) cost as much as running it; a prebuilt one
#: also keeps its cache key, so SQLAlchemy finds its compiled form without computing that again.
TOKEN_LOGIN = (
    select(ApiToken, User, Organization)
    .join(User, User.id == ApiToken.user_id)
    .outerjoin(Organization, Organization.id == User.organization_id)
    .where(ApiToken.token_sha256 == bindparam("digest"))
)


def token_login(session: Session, plain: str) -> tuple[User, Organization | None] | None:
    """The user a token authenticates and the user's organization (read with it), or None.
    Revocation and a disabled user are read with it, every time: nothing of it is cached."""
    if not plain.startswith(TOKEN_PREFIX):
        return None
    found = session.exec(TOKEN_LOGIN, params={"digest": _token_digest(plain)}).first()
    if found is None or found[0].revoked_at is not None:
        return None
    token, user, organization = found
    if user is None or user.disabled_at is not None:
        return None
    now = clock.now()
    # To the minute, as the account page shows it: a script's every request would otherwise be
    # a write (and a commit) of its own, and requests with one token would queue on its row.
    if token.last_used_at is None or now - token.last_used_at >= TOKEN_USE_GRANULARITY:
        token.last_used_at = now
        session.add(token)
    return user, organization


def user_for_token(session: Session, plain: str) -> User | None:
    found = token_login(session, plain)
    return found[0] if found else None


def tokens_of(session: Session, user: User) -> list[ApiToken]:
    return list(
        session.exec(
            select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.id.desc())
        )
    )


__all__ = [
    "Invalid",
    "LoginFailed",
    "Policy",
    "authenticate",
    "create_by_operator",
    "create_token",
    "register_enterprise",
    "revoke_token",
    "user_for_token",
]


def provisioning_uri(user: User, secret: str) -> str:
    """The otpauth:// URI an authenticator app imports (shown once, with the secret)."""
    return pyotp.TOTP(secret).provisioning_uri(name=user.email, issuer_name="ZJ Market")


def end_sessions(session: Session, user: User) -> None:
    """Logging out ends every session of the user, including copies of its cookie."""
    session.execute(
        update(User)
        .where(User.id == user.id)
        .values(session_generation=User.session_generation + 1)
        .execution_options(synchronize_session=False)
    )
    audit.record(
        session,
        "user.logout",
        "user",
        user.id,
        {},
        actor_user_id=user.id,
        actor_org_id=user.organization_id,
    )


def _actor(user: User) -> dict:
    return {"actor_user_id": user.id, "actor_org_id": user.organization_id}


def password_mark(user: User) -> str:
    """A digest that changes with the password (every new hash has a new salt): what device
    cookies and reset links are bound to, so that a new password ends them."""
    return hashlib.sha256(user.password_hash.encode("utf-8")).hexdigest()[:16]


def _set_password(session: Session, user: User, password: str) -> None:
    """Store a new password and end every session of the user: a copy of a session cookie taken
    before the change stops working (the caller logs its own session in again)."""
    user.password_hash = passwords.hash_password(password)
    user.session_generation = (user.session_generation or 0) + 1
    session.add(user)


def _check_current_password(checker: Checker, name: str, user: User, password: object) -> None:
    if not isinstance(password, str) or not password:
        checker.add(name, N_("This field is required."))
    elif not passwords.verify_password(user.password_hash, password):
        checker.add(name, N_("The current password is wrong."))


# --- changing a password ------------------------------------------------------------------------


def change_password(
    session: Session, user: User, current: object, new: object, policy: Policy = Policy()
) -> User:
    """The user changes its password: the current one first, the new one checked like at
    registration. Every other session and remembered device of the user ends."""
    checker = Checker()
    _check_current_password(checker, "current_password", user, current)
    password = passwords.check_policy(
        checker,
        "new_password",
        new,
        min_length=policy.password_min_length,
        max_length=policy.password_max_length,
        email=user.email,
    )
    checker.raise_if_any()
    _set_password(session, user, password)
    audit.record(session, "user.password_changed", "user", user.id, {}, **_actor(user))
    return user


# --- resetting a forgotten password ------------------------------------------------------------

#: Keeps reset links apart from anything else signed with the app's secret.
RESET_SALT = "market.password-reset"
RESET_REFUSED = N_("This reset link is invalid, expired or already used; ask for a new one.")


class _ClockSigner(TimestampSigner):
    """Dates and ages a signature on the platform clock (frozen in tests), not the machine's."""

    def get_timestamp(self) -> int:
        return int(clock.now().timestamp())


def _reset_serializer(secret_keys) -> URLSafeTimedSerializer:
    # Oldest key first, newest last: itsdangerous signs with the last and accepts any.
    return URLSafeTimedSerializer(list(secret_keys), salt=RESET_SALT, signer=_ClockSigner)


def request_password_reset(session: Session, secret_keys, email: object) -> tuple[User, str] | None:
    """The account of `email` and a reset token for it, or None when there is no such active
    account: the caller answers the same either way, so that nobody learns who has an account.
    The token is signed, dated, and bound to the current password, so it works once."""
    if not isinstance(email, str):
        return None
    user = user_by_email(session, email)
    if user is None or user.disabled_at is not None:
        return None
    token = _reset_serializer(secret_keys).dumps({"u": user.id, "p": password_mark(user)})
    # Anyone may ask for the mail of any address: the request has no actor.
    audit.record(session, "user.password_reset_requested", "user", user.id, {})
    return user, token


def user_for_reset(session: Session, secret_keys, token: object, policy: Policy = Policy()) -> User:
    """The user of a valid reset token, or `Invalid` on the token: forged, expired, or spent (the
    password has changed since it was made)."""
    refused = Invalid({"token": [Message(RESET_REFUSED)]})
    if not isinstance(token, str) or not token:
        raise refused
    try:
        data = _reset_serializer(secret_keys).loads(
            token, max_age=policy.password_reset_minutes * 60
        )
    except BadData:
        raise refused from None
    if not isinstance(data, dict) or not isinstance(data.get("u"), int):
        raise refused
    user = session.get(User, data["u"])
    if user is None or user.disabled_at is not None or data.get("p") != password_mark(user):
        raise refused
    return user


def reset_password(
    session: Session, secret_keys, token: object, new: object, policy: Policy = Policy()
) -> User:
    """Set a new password through a reset link; the link is spent (the password it was bound to
    is gone), and every session of the user ends."""
    user = user_for_reset(session, secret_keys, token, policy)
    checker = Checker()
    password = passwords.check_policy(
        checker,
        "password",
        new,
        min_length=policy.password_min_length,
        max_length=policy.password_max_length,
        email=user.email,
    )
    checker.raise_if_any()
    # Spent under a condition, so two uses of one link racing each other cannot both succeed.
    spent = session.execute(
        update(User)
        .where(User.id == user.id, User.password_hash == user.password_hash)
        .values(
            password_hash=passwords.hash_password(password),
            session_generation=User.session_generation + 1,
        )
        .execution_options(synchronize_session=False)
    )
    if spent.rowcount != 1:
        raise Invalid({"token": [Message(RESET_REFUSED)]})
    session.refresh(user)
    audit.record(session, "user.password_reset", "user", user.id, {}, **_actor(user))
    return user


# --- the second factor: turning it on and off, recovery codes ------------------------------------


def second_factor_optional(session: Session, user: User) -> bool:
    """Whether the user may turn its second factor off (and so on): not for the kinds that must
    log in with one."""
    return organization_of(session, user).kind not in SECOND_FACTOR_REQUIRED


def new_totp_secret() -> str:
    return pyotp.random_base32()


_RECOVERY_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I


def _recovery_digest(code: str) -> str:
    return hashlib.sha256(_normal_recovery(code).encode()).hexdigest()


def _normal_recovery(code: str) -> str:
    return "".join(c for c in code.upper() if c.isalnum())


def looks_like_recovery_code(code: str) -> bool:
    """A recovery code (16 letters and digits, grouped by 4) rather than a 6-digit TOTP code."""
    return len(_normal_recovery(code)) == 16


def _new_recovery_codes(session: Session, user: User, count: int) -> list[str]:
    """Replace the user's recovery codes by `count` new ones; returns them, shown once."""
    session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = []
    now = clock.now()
    for _ in range(count):
        raw = "".join(secrets.choice(_RECOVERY_ALPHABET) for _ in range(16))
        codes.append("-".join(raw[i : i + 4] for i in range(0, 16, 4)))
        session.add(
            RecoveryCode(user_id=user.id, code_sha256=_recovery_digest(raw), created_at=now)
        )
    return codes


def enable_second_factor(
    session: Session, user: User, secret: object, code: object, policy: Policy = Policy()
) -> list[str]:
    """Turn the second factor on with the secret the user's authenticator app took, proven by
    one of its codes; returns the recovery codes, shown once."""
    if user.totp_secret:
        raise Forbidden(N_("Your second factor is already on."))
    checker = Checker()
    if (
        not isinstance(secret, str)
        or len(secret) != 32
        or any(c not in "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567" for c in secret)
    ):
        checker.add("secret", N_("The setup key is damaged; start again."))
        checker.raise_if_any()
    step = None
    if not isinstance(code, str) or not code.strip():
        checker.add("code", N_("Enter the 6-digit code from your authenticator app."))
    else:
        step = accept_totp(secret, code, None)
        if step is None:
            checker.add("code", N_("The authenticator code is wrong or expired."))
    checker.raise_if_any()
    user.totp_secret = secret
    user.totp_last_step = step
    session.add(user)
    codes = _new_recovery_codes(session, user, policy.recovery_codes)
    audit.record(session, "user.second_factor_on", "user", user.id, {}, **_actor(user))
    return codes


def disable_second_factor(session: Session, user: User, password: object) -> None:
    """Turn the second factor off, with the password; refused for the kinds that need one."""
    if not second_factor_optional(session, user):
        raise Forbidden(
            N_("Accounts of your organization's kind must log in with a second factor.")
        )
    if not user.totp_secret:
        raise Forbidden(N_("Your second factor is already off."))
    checker = Checker()
    _check_current_password(checker, "password", user, password)
    checker.raise_if_any()
    user.totp_secret = None
    user.totp_last_step = None
    session.add(user)
    session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    audit.record(session, "user.second_factor_off", "user", user.id, {}, **_actor(user))


def renew_recovery_codes(
    session: Session, user: User, password: object, policy: Policy = Policy()
) -> list[str]:
    """New recovery codes (the old ones stop working), with the password."""
    if not user.totp_secret:
        raise Forbidden(N_("Turn your second factor on first."))
    checker = Checker()
    _check_current_password(checker, "password", user, password)
    checker.raise_if_any()
    codes = _new_recovery_codes(session, user, policy.recovery_codes)
    audit.record(session, "user.recovery_codes_renewed", "user", user.id, {}, **_actor(user))
    return codes


def unused_recovery_codes(session: Session, user: User) -> int:
    return session.exec(
        select(func.count())
        .select_from(RecoveryCode)
        .where(RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None))
    ).one()


def spend_recovery_code(session: Session, user: User, code: str) -> bool:
    """Spend one unused recovery code of the user: a conditional update, so two logins cannot
    both spend the same code."""
    spent = session.execute(
        update(RecoveryCode)
        .where(
            RecoveryCode.user_id == user.id,
            RecoveryCode.code_sha256 == _recovery_digest(code),
            RecoveryCode.used_at.is_(None),
        )
        .values(used_at=clock.now())
        .execution_options(synchronize_session=False)
    )
    return spent.rowcount == 1


# --- operators disable and enable accounts ------------------------------------------------------


def list_users(session: Session, actor: User | None) -> list[tuple[User, Organization]]:
    """Every account with its organization, newest first (operators)."""
    require_kind(session, actor, OrgKind.operator)
    rows = session.exec(
        select(User, Organization)
        .join(Organization, Organization.id == User.organization_id)
        .order_by(User.id.desc())
    )
    return list(rows)


def _target(session: Session, user_id: int) -> User:
    user = session.get(User, user_id)
    if user is None:
        raise NotFound()
    return user


def disable_user(session: Session, actor: User | None, user_id: int, reason: object) -> User:
    """An operator disables an account, with a reason: it can no longer log in, its sessions end
    and its API tokens stop working."""
    require_kind(session, actor, OrgKind.operator)
    user = _target(session, user_id)
    if user.id == actor.id:
        raise Forbidden(N_("You cannot disable your own account."))
    if user.disabled_at is not None:
        raise Forbidden(N_("This account is already disabled."))
    checker = Checker()
    clean = checker.text("reason", reason, max_length=500, markup=False)
    checker.raise_if_any()
    user.disabled_at = clock.now()
    user.disabled_reason = clean
    user.session_generation = (user.session_generation or 0) + 1
    session.add(user)
    audit.record(session, "user.disabled", "user", user.id, {"reason": clean}, **_actor(actor))
    return user


def enable_user(session: Session, actor: User | None, user_id: int) -> User:
    """An operator enables a disabled account again (audited)."""
    require_kind(session, actor, OrgKind.operator)
    user = _target(session, user_id)
    if user.disabled_at is None:
        raise Forbidden(N_("This account is not disabled."))
    user.disabled_at = None
    user.disabled_reason = None
    session.add(user)
    audit.record(session, "user.enabled", "user", user.id, {}, **_actor(actor))
    return user
