"""Core endpoints: session, organizations, agencies, service items, audit, calendar."""

from __future__ import annotations

from flask import current_app, jsonify, request, session
from flask_babel import gettext
from flask_login import login_user, logout_user
from flask_wtf.csrf import generate_csrf
from sqlmodel import select

from market import accounts, agencies, audit, catalog, clock, holidays, records, serializers
from market.api import api
from market.api import schemas as s
from market.api import search as search_api
from market.api.openapi import operation
from market.api.problems import json_body, parse_body, problem
from market.catalog_data import QUALIFICATION_TYPES
from market.models import AuditCheckpoint, AuditEvent, Organization
from market.permissions import is_operator, is_regulator, sees_personal_data
from market.validation import N_, Forbidden, Invalid, Message
from market.web import (
    acting_user,
    db,
    demo_clock_offset,
    int_arg,
    login_attempt,
    login_succeeded,
    password_attempt,
    password_checked,
    policy,
    reset_attempt,
    send_reset_mail,
    signing_keys,
    stay_logged_in,
    token_request,
    translate,
    unit_of_work,
    viewer,
    wait_before_login,
)


def _cursor_limit(default: int = 20) -> tuple[int | None, int]:
    return int_arg("cursor", None), int_arg("limit", default, minimum=1, maximum=100)


# --- session -----------------------------------------------------------------------------------


@operation(
    api,
    "/health",
    "GET",
    summary=(
        "Liveness: the server answers, without a database or a login (for the load balancer, "
        "and the floor the benchmarks compare requests with)"
    ),
    tag="session",
    response=s.Health,
)
def get_health():
    return jsonify({"status": "ok"})


@operation(
    api,
    "/session",
    "GET",
    summary="The current user, and a CSRF token for a browser's writes (null with a token)",
    tag="session",
    response=s.SessionState,
)
def get_session():
    user = viewer()
    # A token request needs no CSRF token, and making one would write it into a session cookie
    # (signed, sent back) that a script never returns.
    body = {"csrf_token": None if token_request() else generate_csrf(), "user": None}
    if user is not None:
        body["user"] = serializers.user_self(user, db().get(Organization, user.organization_id))
    return jsonify(body)


@operation(
    api,
    "/session",
    "POST",
    summary=(
        "Log in (a new session); TOTP for regulators and operators. Failed logins from a new "
        "device wait a few minutes at most (429, Retry-After); a device cookie set at login "
        "spares that device the wait"
    ),
    tag="session",
    body=s.LoginIn,
    response=s.Me,
    errors=(401, 429),
)
def post_session():
    data = parse_body(s.LoginIn)
    attempt = login_attempt(data.email)
    if attempt.wait:
        return wait_before_login(
            attempt,
            problem(
                429,
                gettext("Too many failed logins"),
                translate(attempt.message),
                retry_after=attempt.wait,
            ),
        )
    # A failed login is an outcome to keep, not a failure to roll back: the attempt stays
    # recorded and a used TOTP step stays consumed.
    with unit_of_work():
        try:
            user = accounts.authenticate(db(), data.email, data.password, data.totp)
        except accounts.LoginFailed as exc:
            failure = exc
        else:
            failure = None
    if failure is not None:
        return problem(
            401,
            gettext("Login failed"),
            translate(failure.message),
            second_factor_required=failure.needs_second_factor,
        )
    session.clear()
    login_user(user)
    me = jsonify(serializers.user_self(user, db().get(Organization, user.organization_id)))
    return login_succeeded(attempt, me, user)


@operation(api, "/session", "DELETE", summary="Log out", tag="session", status=204)
def delete_session():
    if viewer() is not None:
        with unit_of_work():
            accounts.end_sessions(db(), viewer())
    logout_user()
    session.clear()
    return "", 204


@operation(
    api,
    "/session/tokens",
    "GET",
    summary="My personal API tokens",
    tag="session",
    response=s.TokenList,
    auth=True,
)
def list_tokens():
    user = acting_user()
    return jsonify(
        {
            "items": [
                {
                    "id": t.id,
                    "name": t.name,
                    "prefix": t.prefix,
                    "created_at": t.created_at.isoformat(),
                    "last_used_at": t.last_used_at.isoformat() if t.last_used_at else None,
                    "revoked": t.revoked_at is not None,
                }
                for t in accounts.tokens_of(db(), user)
            ]
        }
    )


@operation(
    api,
    "/session/tokens",
    "POST",
    summary="Create a personal API token (shown once)",
    tag="session",
    body=s.TokenIn,
    response=s.Token,
    status=201,
    auth=True,
)
def create_token():
    user = acting_user()
    data = parse_body(s.TokenIn)
    with unit_of_work():
        token, plain = accounts.create_token(db(), user, data.name)
    return jsonify(
        {"id": token.id, "name": token.name, "prefix": token.prefix, "token": plain}
    ), 201


@operation(
    api,
    "/session/tokens/<int:token_id>",
    "DELETE",
    summary="Revoke a token",
    tag="session",
    status=204,
    auth=True,
)
def revoke_token(token_id: int):
    with unit_of_work():
        accounts.revoke_token(db(), acting_user(), token_id)
    return "", 204


# --- password, second factor ------------------------------------------------------------------


def _too_many(attempt):
    return wait_before_login(
        attempt,
        problem(
            429,
            gettext("Too many failed logins"),
            translate(attempt.message),
            retry_after=attempt.wait,
        ),
    )


def _with_password(user, field: str, action):
    """Run `action()` (one unit of work) that checks `user`'s password in `field`, counted as a
    login attempt; a 429 response when it has to wait, else `(None, result)`."""
    attempt = password_attempt(user)
    if attempt.wait:
        return _too_many(attempt), None
    try:
        with unit_of_work():
            result = action()
    except Invalid as exc:
        password_checked(attempt, exc, field)
        raise
    password_checked(attempt, None, field)
    return None, result


def _by_session() -> bool:
    return not request.headers.get("Authorization", "").startswith("Bearer ")


@operation(
    api,
    "/session/password",
    "PUT",
    summary=(
        "Change my password: the current one, and a new one checked as at registration. Every "
        "other session and remembered device ends (this session goes on; API tokens stay)"
    ),
    tag="session",
    body=s.PasswordChangeIn,
    status=204,
    auth=True,
    errors=(429,),
)
def change_password():
    user = acting_user()
    data = parse_body(s.PasswordChangeIn)
    refused, _ = _with_password(
        user,
        "current_password",
        lambda: accounts.change_password(
            db(), user, data.current_password, data.new_password, policy()
        ),
    )
    if refused is not None:
        return refused
    response = current_app.response_class(status=204)
    return stay_logged_in(response, user) if _by_session() else response


@operation(
    api,
    "/password-resets",
    "POST",
    summary=(
        "Ask for a password-reset link by e-mail. The answer is the same whether or not an "
        "account has the address; requests are limited like failed logins (429, Retry-After)"
    ),
    tag="session",
    body=s.PasswordResetRequestIn,
    response=s.Accepted,
    status=202,
    errors=(429,),
)
def request_password_reset():
    data = parse_body(s.PasswordResetRequestIn)
    if not data.email.strip():
        raise Invalid({"email": [Message(N_("This field is required."))]})
    attempt = reset_attempt(data.email)
    if attempt.wait:
        return wait_before_login(
            attempt,
            problem(
                429,
                gettext("Too many reset requests"),
                gettext(
                    "Too many reset requests. Please wait %(seconds)d seconds, then try again.",
                    seconds=attempt.wait,
                ),
                retry_after=attempt.wait,
            ),
        )
    send_reset_mail(data.email)
    detail = gettext(
        "If an account has this e-mail address, a reset link is on its way to it. "
        "The link works once, for %(minutes)d minutes.",
        minutes=policy().password_reset_minutes,
    )
    return jsonify({"detail": detail}), 202


@operation(
    api,
    "/password-resets/confirm",
    "POST",
    summary=(
        "Set a new password with the token of a reset link (it works once, until it expires); "
        "every session of the account ends"
    ),
    tag="session",
    body=s.PasswordResetIn,
    status=204,
)
def confirm_password_reset():
    data = parse_body(s.PasswordResetIn)
    with unit_of_work():
        accounts.reset_password(db(), signing_keys(), data.token, data.password, policy())
    return "", 204


@operation(
    api,
    "/session/second-factor/setup",
    "POST",
    summary=(
        "A new authenticator key to turn the second factor on with (nothing is stored until "
        "PUT /session/second-factor proves a code of it)"
    ),
    tag="session",
    response=s.SecondFactorSetup,
    auth=True,
)
def second_factor_setup():
    user = acting_user()
    if user.totp_secret:
        raise Forbidden(N_("Your second factor is already on."))
    secret = accounts.new_totp_secret()
    return jsonify({"secret": secret, "otpauth_uri": accounts.provisioning_uri(user, secret)})


@operation(
    api,
    "/session/second-factor",
    "PUT",
    summary="Turn my second factor on (the key and a current code); recovery codes, shown once",
    tag="session",
    body=s.SecondFactorOnIn,
    response=s.RecoveryCodes,
    auth=True,
)
def second_factor_on():
    user = acting_user()
    data = parse_body(s.SecondFactorOnIn)
    with unit_of_work():
        codes = accounts.enable_second_factor(db(), user, data.secret, data.code, policy())
    return jsonify({"recovery_codes": codes})


@operation(
    api,
    "/session/second-factor/off",
    "POST",
    summary=(
        "Turn my second factor off, with my password (not for regulators and operators, who "
        "must log in with one)"
    ),
    tag="session",
    body=s.PasswordConfirmIn,
    status=204,
    auth=True,
    errors=(429,),
)
def second_factor_off():
    user = acting_user()
    data = parse_body(s.PasswordConfirmIn)
    refused, _ = _with_password(
        user, "password", lambda: accounts.disable_second_factor(db(), user, data.password)
    )
    return refused if refused is not None else ("", 204)


@operation(
    api,
    "/session/second-factor/recovery-codes",
    "POST",
    summary="New recovery codes, with my password (the old ones stop working); shown once",
    tag="session",
    body=s.PasswordConfirmIn,
    response=s.RecoveryCodes,
    auth=True,
    errors=(429,),
)
def renew_recovery_codes():
    user = acting_user()
    data = parse_body(s.PasswordConfirmIn)
    refused, codes = _with_password(
        user,
        "password",
        lambda: accounts.renew_recovery_codes(db(), user, data.password, policy()),
    )
    return refused if refused is not None else jsonify({"recovery_codes": codes})


# --- accounts, for operators ---------------------------------------------------------------------


@operation(
    api,
    "/users",
    "GET",
    summary="Every account, newest first (operators)",
    tag="users",
    response=s.UserAccountList,
    auth=True,
)
def list_users():
    rows = accounts.list_users(db(), acting_user())
    return jsonify({"items": [serializers.user_account(u, o) for u, o in rows]})


@operation(
    api,
    "/users/<int:user_id>/disable",
    "POST",
    summary=(
        "An operator disables an account, with a reason (audited): it cannot log in, its "
        "sessions end and its API tokens stop working"
    ),
    tag="users",
    body=s.DisableUserIn,
    response=s.UserAccount,
    auth=True,
)
def disable_user(user_id: int):
    data = parse_body(s.DisableUserIn)
    with unit_of_work():
        user = accounts.disable_user(db(), acting_user(), user_id, data.reason)
    return jsonify(serializers.user_account(user, accounts.organization_of(db(), user)))


@operation(
    api,
    "/users/<int:user_id>/enable",
    "POST",
    summary="An operator enables a disabled account again (audited)",
    tag="users",
    response=s.UserAccount,
    auth=True,
)
def enable_user(user_id: int):
    with unit_of_work():
        user = accounts.enable_user(db(), acting_user(), user_id)
    return jsonify(serializers.user_account(user, accounts.organization_of(db(), user)))


# --- organizations -------------------------------------------------------------------------------


@operation(
    api,
    "/organizations",
    "POST",
    summary="Register an enterprise (self-registration), "
    "or, as an operator, create a department, regulator, expert or operator",
    tag="organizations",
    body=(s.EnterpriseRegistrationIn, s.OperatorCreatedIn),
    response=s.Created,
    status=201,
    errors=(403,),
)
def create_organization():
    raw = json_body()
    kind = raw.get("kind") if isinstance(raw, dict) else None
    with unit_of_work():
        if kind in (None, "enterprise"):
            data = parse_body(s.EnterpriseRegistrationIn)
            user = accounts.register_enterprise(
                db(),
                data.model_dump(),
                policy(),
                current_app.extensions.get(accounts.REGISTRATION_CHECKS, ()),
            )
            secret = None
        elif kind == "agency":
            raise Forbidden(N_("Agencies register at /api/v1/agencies."))
        else:
            data = parse_body(s.OperatorCreatedIn)
            user, secret = accounts.create_by_operator(db(), viewer(), data.model_dump(), policy())
    return jsonify({"id": user.organization_id, "totp_secret": secret}), 201


@operation(
    api,
    "/organizations/<int:org_id>",
    "GET",
    summary="An organization (contact details for itself, operators and regulators only)",
    tag="organizations",
    response=s.Organization,
)
def get_organization(org_id: int):
    org = db().get(Organization, org_id)
    if org is None:
        return problem(404, gettext("Not found"))
    audience = (
        serializers.PRIVATE if sees_personal_data(db(), viewer(), org) else serializers.PUBLIC
    )
    return jsonify(serializers.organization(org, audience))


@operation(
    api,
    "/organizations/<int:org_id>/record",
    "GET",
    summary="An applicant's (or agency's) public record: late signings, late payments, newest "
    "first (404 for an organization of another kind)",
    tag="organizations",
    response=s.OrganizationRecord,
)
def organization_record(org_id: int):
    org = records.organization(db(), org_id)
    return jsonify(
        {
            "organization": {"id": org.id, "name": org.name, "uscc": org.uscc},
            "items": records.describe(records.record(db(), org), translate),
        }
    )


# --- agencies ------------------------------------------------------------------------------------


@operation(
    api,
    "/agencies",
    "POST",
    summary="Register an agency: listed at once, no fee, no approval",
    tag="agencies",
    body=s.AgencyIn,
    response=s.Created,
    status=201,
)
def register_agency():
    data = parse_body(s.AgencyIn)
    with unit_of_work():
        user = agencies.register_agency(
            db(),
            data.model_dump(),
            policy(),
            current_app.extensions.get(accounts.REGISTRATION_CHECKS, ()),
        )
    return jsonify({"id": user.organization_id}), 201


@operation(
    api,
    "/agencies",
    "GET",
    summary="The agency directory; with q, a full-text search (highlights, facets, sort, page)",
    tag="agencies",
    response=s.AgencyPage,
    query={
        "service_item": "service item code",
        "qualification": "part of a qualification name (with q: a qualification name)",
        "name": "part of the agency name",
        "cursor": "from next_cursor",
        "limit": "1–100",
        **search_api.search_query_docs("agencies"),
        "region": "an administrative division's prefix: 2 digits a province, 4 a city, 6 one "
        "division (22 = 吉林省, 2201 = 长春市); anything else is refused (422)",
    },
)
def list_agencies():
    agencies.check_region_filter(request.args.get("region") or None)
    if request.args.get("q"):
        return search_api.search_page("agencies", search_api.agencies_by_id)
    cursor, limit = _cursor_limit()
    filters = {
        k: request.args.get(k) or None for k in ("service_item", "qualification", "name", "region")
    }
    query = agencies.listed_agencies_query(**filters)
    if cursor is not None:
        query = query.where(Organization.id < cursor)
    orgs = db().exec(query.order_by(Organization.id.desc()).limit(limit + 1)).all()
    total = agencies.count_listed(db(), **filters)
    more = len(orgs) > limit
    orgs = orgs[:limit]
    return jsonify(
        {
            "items": [serializers.agency(card) for card in agencies.load_cards(db(), orgs)],
            "total": total,
            "next_cursor": str(orgs[-1].id) if more else None,
        }
    )


@operation(
    api,
    "/agencies/<int:agency_id>",
    "GET",
    summary="An agency's public profile",
    tag="agencies",
    response=s.Agency,
)
def get_agency(agency_id: int):
    org = agencies.get_listed_agency(db(), agency_id)
    audience = (
        serializers.PRIVATE if sees_personal_data(db(), viewer(), org) else serializers.PUBLIC
    )
    return jsonify(serializers.agency(agencies.load_card(db(), org), audience))


@operation(
    api,
    "/agencies/<int:agency_id>/profile",
    "PUT",
    summary="The agency changes its address, description, contact and region (audited)",
    tag="agencies",
    body=s.ProfileChange,
    response=s.Agency,
    auth=True,
)
def change_profile(agency_id: int):
    data = parse_body(s.ProfileChange)
    with unit_of_work():
        org = agencies.change_profile(
            db(), acting_user(), agency_id, data.model_dump(exclude_unset=True)
        )
    return jsonify(serializers.agency(agencies.load_card(db(), org), serializers.PRIVATE))


def _service_out(org_id: int, code: str):
    for row, item in agencies.services_of(db(), org_id):
        if item.code == code:
            return serializers.agency_service(row, item)
    return None


@operation(
    api,
    "/agencies/<int:agency_id>/services",
    "POST",
    summary="The agency offers one more service item, prices in fen (audited)",
    tag="agencies",
    body=s.AgencyServiceIn,
    response=s.AgencyService,
    status=201,
    auth=True,
)
def offer_service(agency_id: int):
    data = parse_body(s.AgencyServiceIn)
    with unit_of_work():
        row = agencies.offer_service(
            db(), acting_user(), agency_id, data.model_dump(exclude_unset=True)
        )
        code = data.service_item
    return jsonify(_service_out(row.organization_id, code)), 201


@operation(
    api,
    "/agencies/<int:agency_id>/services/<code>",
    "PUT",
    summary="The agency changes the time, scope or prices (fen) of a service item (audited)",
    tag="agencies",
    body=s.ServiceChange,
    response=s.AgencyService,
    auth=True,
)
def change_service(agency_id: int, code: str):
    data = parse_body(s.ServiceChange)
    with unit_of_work():
        agencies.change_service(
            db(), acting_user(), agency_id, code, data.model_dump(exclude_unset=True)
        )
    return jsonify(_service_out(agency_id, code))


@operation(
    api,
    "/agencies/<int:agency_id>/services/<code>",
    "DELETE",
    summary="The agency stops offering a service item; it keeps at least one (audited)",
    tag="agencies",
    status=204,
    auth=True,
)
def withdraw_service(agency_id: int, code: str):
    with unit_of_work():
        agencies.withdraw_service(db(), acting_user(), agency_id, code)
    return "", 204


@operation(
    api,
    "/agencies/<int:agency_id>/professionals",
    "GET",
    summary="An agency's own professionals (the ID number never shown back, only whether stored)",
    tag="agencies",
    response=s.OwnProfessionalList,
    auth=True,
)
def own_professionals(agency_id: int):
    agencies.own_profile(db(), acting_user(), agency_id)
    rows = agencies.professionals_of(db(), agency_id)
    return jsonify({"items": [serializers.own_professional(p) for p in rows]})


@operation(
    api,
    "/agencies/<int:agency_id>/professionals",
    "POST",
    summary="The agency registers a professional; the ID number checked, never shown (audited)",
    tag="agencies",
    body=s.ProfessionalIn,
    response=s.OwnProfessional,
    status=201,
    auth=True,
)
def add_professional(agency_id: int):
    data = parse_body(s.ProfessionalIn)
    with unit_of_work():
        p = agencies.add_professional(
            db(), acting_user(), agency_id, data.model_dump(exclude_unset=True)
        )
    return jsonify(serializers.own_professional(p)), 201


@operation(
    api,
    "/agencies/<int:agency_id>/professionals/<int:professional_id>",
    "PUT",
    summary="The agency changes a professional; an empty ID number keeps the stored one (audited)",
    tag="agencies",
    body=s.ProfessionalIn,
    response=s.OwnProfessional,
    auth=True,
)
def change_professional(agency_id: int, professional_id: int):
    data = parse_body(s.ProfessionalIn)
    with unit_of_work():
        p = agencies.change_professional(
            db(), acting_user(), agency_id, professional_id, data.model_dump(exclude_unset=True)
        )
    return jsonify(serializers.own_professional(p))


@operation(
    api,
    "/agencies/<int:agency_id>/professionals/<int:professional_id>",
    "DELETE",
    summary="The agency removes a professional (audited)",
    tag="agencies",
    status=204,
    auth=True,
)
def remove_professional(agency_id: int, professional_id: int):
    with unit_of_work():
        agencies.remove_professional(db(), acting_user(), agency_id, professional_id)
    return "", 204


@operation(
    api,
    "/agencies/<int:agency_id>/history",
    "GET",
    summary="An agency's public history: what changed on its profile and when",
    tag="agencies",
    response=s.AgencyHistory,
)
def agency_history(agency_id: int):
    agencies.get_listed_agency(db(), agency_id)
    return jsonify(
        {"items": [serializers.history_entry(h) for h in agencies.profile_history(db(), agency_id)]}
    )


@operation(
    api,
    "/agencies/<int:agency_id>/qualifications/<int:qualification_id>/verify",
    "POST",
    summary="A regulator marks a declared qualification verified",
    tag="agencies",
    response=s.QualificationVerified,
    auth=True,
)
def verify_qualification(agency_id: int, qualification_id: int):
    with unit_of_work():
        q = agencies.verify_qualification(db(), acting_user(), qualification_id, agency_id)
    return jsonify(
        {"id": q.id, "verification": "verified", "verified_at": q.verified_at.isoformat()}
    )


@operation(
    api,
    "/agencies/<int:agency_id>/qualifications/<int:qualification_id>/reject",
    "POST",
    summary="A regulator rejects a declared qualification, with a reason the agency sees",
    tag="agencies",
    body=s.RejectionIn,
    response=s.Qualification,
    auth=True,
)
def reject_qualification(agency_id: int, qualification_id: int):
    data = parse_body(s.RejectionIn)
    with unit_of_work():
        q = agencies.reject_qualification(
            db(), acting_user(), qualification_id, data.reason, agency_id
        )
    return jsonify(serializers.qualification(q, serializers.PRIVATE))


@operation(
    api,
    "/qualifications",
    "GET",
    summary="A regulator's queue: declared qualifications in its jurisdiction, by state",
    tag="agencies",
    query={"state": "self_declared (the default), needs_type, rejected or verified"},
    response=s.QualificationQueue,
    auth=True,
)
def qualification_queue():
    queue = agencies.regulator_queue(
        db(), acting_user(), request.args.get("state") or "self_declared"
    )
    return jsonify(
        {
            "state": queue.state,
            "counts": queue.counts,
            "items": [
                {
                    **serializers.qualification(q, serializers.PRIVATE),
                    "agency": {"id": o.id, "name": o.name, "region_code": o.region_code},
                }
                for q, o in queue.rows
            ],
        }
    )


@operation(
    api,
    "/qualification-types",
    "GET",
    summary="The types of qualification, with their grades (highest first)",
    tag="service-items",
    response=s.QualificationTypeList,
)
def qualification_types():
    return jsonify(
        {
            "items": [
                {k: t[k] for k in ("code", "name_zh", "name_en", "holder", "grades", "scope")}
                for t in QUALIFICATION_TYPES
            ]
        }
    )


@operation(
    api,
    "/agencies/<int:agency_id>/qualifications",
    "GET",
    summary="An agency's own qualifications, with each regulator's decision and reason",
    tag="agencies",
    response=s.QualificationList,
    auth=True,
)
def own_qualifications(agency_id: int):
    agencies.own_agency(db(), acting_user(), agency_id)
    rows = agencies.qualifications_of(db(), agency_id)
    return jsonify({"items": [serializers.qualification(q, serializers.PRIVATE) for q in rows]})


@operation(
    api,
    "/agencies/<int:agency_id>/qualifications",
    "POST",
    summary="The agency declares a qualification (self-declared until verified; audited)",
    tag="agencies",
    body=s.QualificationChange,
    response=s.Qualification,
    status=201,
    auth=True,
)
def declare_qualification(agency_id: int):
    data = parse_body(s.QualificationChange)
    with unit_of_work():
        q = agencies.declare_qualification(
            db(), acting_user(), agency_id, data.model_dump(exclude_unset=True)
        )
    return jsonify(serializers.qualification(q, serializers.PRIVATE)), 201


@operation(
    api,
    "/agencies/<int:agency_id>/qualifications/<int:qualification_id>",
    "PUT",
    summary="The agency changes a qualification: self-declared again until verified (audited)",
    tag="agencies",
    body=s.QualificationChange,
    response=s.Qualification,
    auth=True,
)
def change_qualification(agency_id: int, qualification_id: int):
    data = parse_body(s.QualificationChange)
    with unit_of_work():
        q = agencies.change_qualification(
            db(), acting_user(), agency_id, qualification_id, data.model_dump(exclude_unset=True)
        )
    return jsonify(serializers.qualification(q, serializers.PRIVATE))


@operation(
    api,
    "/agencies/<int:agency_id>/qualifications/<int:qualification_id>",
    "DELETE",
    summary="The agency withdraws a qualification (audited)",
    tag="agencies",
    status=204,
    auth=True,
)
def remove_qualification(agency_id: int, qualification_id: int):
    with unit_of_work():
        agencies.remove_qualification(db(), acting_user(), agency_id, qualification_id)
    return "", 204


# --- service items -------------------------------------------------------------------------------


@operation(
    api,
    "/service-items",
    "GET",
    summary="The service catalog",
    tag="service-items",
    response=s.ServiceItemList,
    query={"category": "category code", **search_api.search_query_docs("service-items")},
)
def list_service_items():
    if request.args.get("q"):
        return search_api.search_page("service-items", search_api.service_items_by_id)
    items = catalog.list_items(db(), request.args.get("category"), request.args.get("q"))
    return jsonify({"items": [serializers.service_item(i) for i in items]})


@operation(
    api,
    "/service-items/<code>",
    "GET",
    summary="One service item",
    tag="service-items",
    response=s.ServiceItem,
)
def get_service_item(code: str):
    return jsonify(serializers.service_item(catalog.get_item(db(), code)))


@operation(
    api,
    "/service-items/<code>",
    "PATCH",
    summary="An operator edits a service item (audited)",
    tag="service-items",
    body=s.ServiceItemPatch,
    response=s.ServiceItem,
    auth=True,
)
def patch_service_item(code: str):
    data = parse_body(s.ServiceItemPatch)
    with unit_of_work():
        item = catalog.update_item(db(), acting_user(), code, data.model_dump(exclude_unset=True))
    return jsonify(serializers.service_item(item))


# --- audit ---------------------------------------------------------------------------------------


@operation(
    api,
    "/audit",
    "GET",
    summary="Audit events (regulators and operators)",
    tag="audit",
    response=s.AuditPage,
    query={"cursor": "seq to continue after", "limit": "1–100"},
    auth=True,
)
def list_audit():
    user = acting_user()
    if not (is_regulator(db(), user) or is_operator(db(), user)):
        raise Forbidden(N_("Only regulators and operators read the audit log."))
    cursor, limit = _cursor_limit(50)
    query = select(AuditEvent).order_by(AuditEvent.seq)
    if cursor is not None:
        query = query.where(AuditEvent.seq > cursor)
    rows = db().exec(query.limit(limit + 1)).all()
    more = len(rows) > limit
    rows = rows[:limit]
    return jsonify(
        {
            "items": [serializers.audit_event(e) for e in rows],
            "next_cursor": str(rows[-1].seq) if more else None,
        }
    )


@operation(
    api,
    "/audit/checkpoints",
    "GET",
    summary="The chain head published each day",
    tag="audit",
    response=s.CheckpointList,
)
def list_checkpoints():
    rows = db().exec(select(AuditCheckpoint).order_by(AuditCheckpoint.day.desc())).all()
    return jsonify(
        {
            "items": [
                {
                    "day": c.day.isoformat(),
                    "seq": c.seq,
                    "hash": c.hash,
                    "published_at": c.published_at.isoformat(),
                }
                for c in rows
            ]
        }
    )


# --- clock ---------------------------------------------------------------------------------------


@operation(
    api,
    "/clock",
    "GET",
    summary="The platform's time, and how far the demo clock moves it from the real time",
    tag="clock",
    response=s.PlatformClock,
)
def get_clock():
    offset = demo_clock_offset()
    return jsonify(
        {
            "now": clock.now().isoformat(),
            "demo_clock": bool(offset),
            "demo_offset_seconds": int(offset.total_seconds()),
        }
    )


# --- calendar ------------------------------------------------------------------------------------


@operation(
    api,
    "/calendar/<int:year>",
    "GET",
    summary="Holidays and make-up workdays of a year",
    tag="calendar",
    response=s.CalendarYear,
)
def get_calendar(year: int):
    known = year in holidays.known_years(db())
    return jsonify(
        {
            "year": year,
            "known": known,
            "days": [
                {
                    "day": d.day.isoformat(),
                    "is_workday": d.is_workday,
                    "name": d.name,
                    "source": d.source,
                }
                for d in holidays.days_of_year(db(), year)
            ],
        }
    )


@operation(
    api,
    "/calendar/days",
    "PUT",
    summary="An operator sets a holiday or make-up workday",
    tag="calendar",
    body=s.CalendarDayIn,
    response=s.CalendarDaySet,
    auth=True,
)
def put_calendar_day():
    data = parse_body(s.CalendarDayIn)
    with unit_of_work():
        row = holidays.set_day(db(), acting_user(), data.model_dump())
    return jsonify({"day": row.day.isoformat(), "is_workday": row.is_workday, "name": row.name})


__all__ = ["audit"]
