"""`flask accounts create` and `flask accounts totp`: how the platform's runner makes the first
operator, and other staff accounts, from the command line (docs/rules.md §3, §10)."""

from __future__ import annotations

import re

import pytest
from sqlmodel import select

from market import accounts
from market.models import AuditEvent, ExpertCategory, Jurisdiction, Organization, User
from tests.conftest import PASSWORD
from tests.market.accounts_support import (  # noqa: F401  (fixtures: db, english)
    counts,
    english_messages,
)


def create(
    app,
    *extra: str,
    kind: str = "operator",
    email: str = "first@ops.zjm",
    password: str | None = PASSWORD,
):
    args = [
        "accounts",
        "create",
        "--kind",
        kind,
        "--name",
        "平台运行机构",
        "--user-name",
        "管理员",
        "--email",
        email,
        *extra,
    ]
    if password is not None:
        args += ["--password", password]
    return app.test_cli_runner().invoke(args=args)


def test_cli_creates_the_first_operator_and_prints_its_totp_secret_once(app, db):
    result = create(app)
    assert result.exit_code == 0, result.output
    user = db.exec(select(User).where(User.email == "first@ops.zjm")).one()
    assert db.get(Organization, user.organization_id).kind == "operator"
    assert user.role == "admin"
    assert user.password_hash.startswith("$argon2id$")
    assert f"created user first@ops.zjm (organization {user.organization_id})" in result.stdout
    secret = re.search(r"TOTP secret \(shown once\): (\S+)", result.stdout).group(1)
    assert secret == user.totp_secret
    assert "otpauth://totp/" in result.stdout
    assert PASSWORD not in result.output


def test_the_operator_made_by_the_cli_logs_in_with_its_secret(app, db):
    result = create(app)
    secret = re.search(r"TOTP secret \(shown once\): (\S+)", result.stdout).group(1)
    client = app.test_client()
    without = client.post("/api/v1/session", json={"email": "first@ops.zjm", "password": PASSWORD})
    assert without.status_code == 401
    response = client.post(
        "/api/v1/session",
        json={
            "email": "first@ops.zjm",
            "password": PASSWORD,
            "totp": accounts.current_totp(secret),
        },
    )
    assert response.status_code == 200
    assert response.get_json()["organization"]["kind"] == "operator"


def test_cli_creation_is_in_the_audit_log_without_an_actor(app, db):
    create(app)
    user = db.exec(select(User).where(User.email == "first@ops.zjm")).one()
    event = db.exec(
        select(AuditEvent).where(
            AuditEvent.action == "organization.created",
            AuditEvent.object_id == str(user.organization_id),
        )
    ).one()
    assert event.actor_user_id is None
    assert event.data["kind"] == "operator"


def test_cli_creates_a_regulator_with_its_jurisdiction(app, db):
    result = create(
        app,
        "--region-code",
        "220100",
        "--category",
        "environment",
        "--category",
        "water",
        "--region-prefix",
        "2201",
        kind="regulator",
        email="reg@ops.zjm",
    )
    assert result.exit_code == 0, result.output
    assert "TOTP secret (shown once):" in result.stdout
    user = db.exec(select(User).where(User.email == "reg@ops.zjm")).one()
    rows = db.exec(
        select(Jurisdiction).where(Jurisdiction.organization_id == user.organization_id)
    ).all()
    assert sorted((r.category, r.region_prefix) for r in rows) == [
        ("environment", "2201"),
        ("water", "2201"),
    ]


def test_cli_creates_a_department_without_a_second_factor(app, db):
    result = create(app, "--region-code", "220100", kind="department", email="dept@ops.zjm")
    assert result.exit_code == 0, result.output
    assert "TOTP" not in result.output
    assert db.exec(select(User).where(User.email == "dept@ops.zjm")).one().totp_secret is None


def test_cli_creates_an_expert_for_its_categories(app, db):
    result = create(app, "--category", "geology", kind="expert", email="expert@ops.zjm")
    assert result.exit_code == 0, result.output
    user = db.exec(select(User).where(User.email == "expert@ops.zjm")).one()
    assert [
        r.category
        for r in db.exec(
            select(ExpertCategory).where(ExpertCategory.organization_id == user.organization_id)
        )
    ] == ["geology"]


@pytest.mark.parametrize(
    ("extra", "kwargs", "message"),
    [
        pytest.param(
            (),
            {"password": "too-short"},
            "password: A password needs at least 12 characters.",
            id="short-password",
        ),
        pytest.param(
            (),
            {"password": "p" * 129},
            "password: A password has at most 128 characters.",
            id="long-password",
        ),
        pytest.param(
            (), {"email": "no-at-sign"}, "email: Not a valid e-mail address.", id="bad-email"
        ),
        pytest.param(
            ("--region-code", "22"),
            {"kind": "regulator", "email": "r@ops.zjm"},
            "region_code: An administrative division code has 6 digits, e.g. 220102.",
            id="bad-region",
        ),
        pytest.param(
            ("--region-code", "229999"),
            {"kind": "regulator", "email": "r@ops.zjm"},
            "region_code: 229999 is not an administrative division code (GB/T 2260); pick one "
            "from the list.",
            id="unknown-region",
        ),
        pytest.param(
            (),
            {"kind": "department", "email": "d@ops.zjm"},
            "region_code: This field is required.",
            id="department-without-region",
        ),
        pytest.param(
            (),
            {"kind": "expert", "email": "e@ops.zjm"},
            "categories: An expert needs at least one service category.",
            id="expert-without-category",
        ),
        pytest.param(
            ("--category", "astrology"),
            {"kind": "expert", "email": "e@ops.zjm"},
            "categories: Unknown service category: astrology.",
            id="unknown-category",
        ),
        pytest.param(
            ("--region-code", "220100", "--region-prefix", "2"),
            {"kind": "regulator", "email": "r@ops.zjm"},
            "region_prefixes: A region prefix is 2 to 6 digits: 2.",
            id="bad-prefix",
        ),
        pytest.param(
            ("--region-code", "220100", "--region-prefix", "2299"),
            {"kind": "regulator", "email": "r@ops.zjm"},
            "region_prefixes: 2299 selects no province, city or administrative division "
            "(GB/T 2260).",
            id="unknown-prefix",
        ),
    ],
)
def test_cli_refuses_invalid_input_with_the_field_message(app, db, extra, kwargs, message):
    before = counts(db)
    result = create(app, *extra, **kwargs)
    assert result.exit_code == 2
    assert message in result.stderr
    assert "created user" not in result.output
    assert counts(db) == before


def test_cli_refuses_an_email_that_is_taken(app, db, make):
    existing = make.enterprise()
    before = counts(db)
    result = create(app, email=existing.email.upper())
    assert result.exit_code == 2
    assert "email: An account with this e-mail address already exists." in result.stderr
    assert counts(db) == before


def test_cli_reports_every_bad_field_at_once(app, db):
    result = create(app, kind="expert", email="bad", password="short")
    assert result.exit_code == 2
    for field in ("email:", "password:", "categories:"):
        assert field in result.stderr


def test_cli_refuses_kinds_that_register_themselves(app, db):
    before = counts(db)
    for kind in ("agency", "enterprise"):
        result = create(app, kind=kind)
        assert result.exit_code == 2
        assert "Invalid value for '--kind'" in result.output
    assert counts(db) == before


def test_cli_asks_for_the_password_twice_when_not_given(app, db):
    result = app.test_cli_runner().invoke(
        args=[
            "accounts",
            "create",
            "--kind",
            "operator",
            "--name",
            "平台",
            "--user-name",
            "管理员",
            "--email",
            "prompted@ops.zjm",
        ],
        input=f"{PASSWORD}\n{PASSWORD}\n",
    )
    assert result.exit_code == 0, result.output
    assert PASSWORD not in result.output  # the prompt hides what is typed
    user = db.exec(select(User).where(User.email == "prompted@ops.zjm")).one()
    assert accounts.passwords.verify_password(user.password_hash, PASSWORD)


def test_cli_prints_the_current_code_of_an_account(app, db, make):
    operator = make.staff("operator")
    result = app.test_cli_runner().invoke(args=["accounts", "totp", operator.email])
    assert result.exit_code == 0
    assert result.stdout.strip() == accounts.current_totp(operator.totp_secret)
    missing = app.test_cli_runner().invoke(args=["accounts", "totp", make.enterprise().email])
    assert missing.exit_code == 1
    assert "no such account with a second factor" in missing.stderr
