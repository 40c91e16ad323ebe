"""Passwords (docs/rules.md §10): no composition rules, but not the e-mail address, not a common
password, and compared in Unicode NFC so that the same characters typed on another keyboard or
system (composed or decomposed) are the same password; hashes made before that keep working.
"""

from __future__ import annotations

import unicodedata

import argon2
import pytest

from market import accounts, passwords
from market.models import User
from market.validation import Checker
from tests.conftest import PASSWORD, login
from tests.market.accounts_support import (  # noqa: F401  (fixtures: db, english)
    english_messages,
)
from tests.market.test_accounts import enterprise_body

#: "Übung für Geschäftsführung", decomposed (NFD) and composed (NFC): the same text.
NFD = unicodedata.normalize("NFD", "Übung für Geschäftsführung")
NFC = unicodedata.normalize("NFC", NFD)
EMAIL_IS_PASSWORD = "A password may not be your e-mail address or the part of it before the @."
COMMON = "This password is one of the most common ones; please choose another."


def errors_for(password: str, email: str | None = None, **lengths) -> list[str]:
    checker = Checker()
    passwords.check_policy(
        checker,
        "password",
        password,
        min_length=lengths.get("min_length", 12),
        max_length=lengths.get("max_length", 128),
        email=email,
    )
    return [m.msgid for m in checker.errors.get("password", [])]


# --- what may be a password ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "password",
    [
        "wang.xiaoming.consult@example.cn",
        "WANG.XIAOMING.CONSULT@EXAMPLE.CN",
        " Wang.Xiaoming.Consult",
    ],
)
def test_a_password_may_not_be_the_email_or_its_local_part_in_any_case(password):
    assert errors_for(password.strip(), email="wang.xiaoming.consult@example.cn") == [
        EMAIL_IS_PASSWORD
    ]


def test_a_password_that_only_contains_the_email_is_allowed():
    assert (
        errors_for("my wang.xiaoming.consult box", email="wang.xiaoming.consult@example.cn") == []
    )


@pytest.mark.parametrize(
    "password", ["1qaz2wsx3edc", "1QAZ2WSX3EDC", "PlayStation2", "christopher1"]
)
def test_a_common_password_is_refused_whatever_its_case(password):
    assert errors_for(password) == [COMMON]


def test_the_common_list_is_zxcvbns_maintained_password_list():
    assert passwords.is_common("Password1234") is ("password1234" in passwords.COMMON_PASSWORDS)
    assert len(passwords.COMMON_PASSWORDS) > 10_000


def test_a_too_short_password_gets_the_length_message_only():
    assert errors_for("password") == ["A password needs at least %(min)d characters."]


def test_registration_refuses_the_email_as_password_through_the_api(client, db):
    response = client.post(
        "/api/v1/organizations",
        json=enterprise_body(
            email="zhao.liu.newmaterials@newco.zjm", password="Zhao.Liu.NewMaterials"
        ),
    )
    assert response.status_code == 422
    assert response.get_json()["errors"] == {"password": [EMAIL_IS_PASSWORD]}


def test_registration_refuses_a_common_password_on_the_page(client, db):
    form = {k: v for k, v in enterprise_body(password="1qaz2wsx3edc4rfv").items()}
    response = client.post("/register/enterprise", data=form)
    assert response.status_code == 422
    assert COMMON in response.get_data(as_text=True)


def test_an_operator_created_account_may_not_use_a_common_password(db):
    with pytest.raises(accounts.Invalid) as caught:
        accounts.create_by_operator(
            db,
            None,
            {
                "kind": "expert",
                "name": "专家甲",
                "user_name": "专家甲",
                "email": "expert.jia@staff.zjm",
                "password": "q1w2e3r4t5y6u7i8",
                "categories": ["environment"],
            },
            from_cli=True,
        )
    assert {k: [m.msgid for m in v] for k, v in caught.value.errors.items()} == {
        "password": [COMMON]
    }


# --- Unicode normalisation ----------------------------------------------------------------------


def test_the_length_of_a_password_is_counted_after_nfc():
    # 12 accented letters typed decomposed are 24 code points, but 12 characters.
    decomposed = unicodedata.normalize("NFD", "éèêëàâäôöûüç")
    assert len(decomposed) == 24
    assert errors_for(decomposed, max_length=12) == []


def test_a_password_registered_decomposed_logs_in_composed_and_the_other_way(client, db):
    assert (
        client.post("/api/v1/organizations", json=enterprise_body(password=NFD)).status_code == 201
    )
    client.delete("/api/v1/session")
    for typed in (NFC, NFD):
        response = client.post(
            "/api/v1/session", json={"email": "zhao@newco.zjm", "password": typed}
        )
        assert response.status_code == 200
        client.delete("/api/v1/session")


def test_the_stored_hash_is_of_the_nfc_form(db):
    user = accounts.register_enterprise(db, enterprise_body(password=NFD))
    assert argon2.PasswordHasher().verify(user.password_hash, NFC)


def test_an_old_hash_of_a_decomposed_password_still_logs_in_and_is_rehashed_to_nfc(
    client, db, make
):
    user = make.enterprise()
    row = db.get(User, user.id)
    # As hashed before passwords were normalised: the decomposed text as typed, at the cost the
    # tests configure, so that only the normalisation can call for a new hash.
    old = argon2.PasswordHasher(time_cost=1, memory_cost=8, parallelism=1).hash(NFD)
    assert not passwords.needs_rehash(old)
    row.password_hash = old
    db.add(row)
    db.commit()
    login(client, user, password=NFD)
    db.expire_all()
    rehashed = db.get(User, user.id).password_hash
    assert rehashed != old
    assert argon2.PasswordHasher().verify(rehashed, NFC)
    client.delete("/api/v1/session")
    # Now either form logs in.
    login(client, user, password=NFC)


def test_a_wrong_password_is_not_rehashed(client, db, make):
    user = make.enterprise()
    before = db.get(User, user.id).password_hash
    response = client.post("/api/v1/session", json={"email": user.email, "password": NFD})
    assert response.status_code == 401
    db.expire_all()
    assert db.get(User, user.id).password_hash == before
    login(client, user, password=PASSWORD)


def test_the_password_messages_are_in_chinese_for_a_chinese_reader(client, db):
    common = client.post(
        "/api/v1/organizations?lang=zh", json=enterprise_body(password="1qaz2wsx3edc")
    )
    assert common.get_json()["errors"] == {"password": ["该密码属于最常见的密码之一，请另选一个。"]}
    mine = client.post(
        "/api/v1/organizations?lang=zh",
        json=enterprise_body(
            email="zhao.liu.newmaterials@newco.zjm", password="zhao.liu.newmaterials"
        ),
    )
    assert mine.get_json()["errors"] == {
        "password": ["密码不能是您的电子邮箱地址，也不能是其中 @ 之前的部分。"]
    }
