"""The legal representative's identity document: checked, kept only as an HMAC under a key
outside the database, and never repeated in a message (market/identity.py, docs/rules.md §5)."""

from __future__ import annotations

import hashlib
import hmac
import stat

import pytest

from market import identity
from market.validation import Checker

VALID = "11010519491231002X"  # python-stdnum's own example of a resident identity card number


def check(document_type, number) -> tuple[identity.Document | None, dict]:
    checker = Checker()
    document = identity.check_document(checker, "type", "number", document_type, number)
    return document, {k: [m.msgid for m in v] for k, v in checker.errors.items()}


@pytest.mark.parametrize(
    ("number", "message"),
    [
        ("11010519491231002", "has 18 characters"),
        ("1101051949123100AX", "17 digits followed by a digit or X"),
        ("110105194912310021", "check character"),
        ("990105194912310023", "invalid birth date or region code"),
        ("110105194913310021", "invalid birth date or region code"),
    ],
)
def test_a_resident_id_is_checked_with_each_failure_named_and_never_repeated(number, message):
    document, errors = check("resident_id", number)
    assert document is None
    (text,) = errors["number"]
    assert message in text and number not in text


def test_a_resident_id_is_compacted_as_typed_off_a_card():
    for typed in (VALID.lower(), "110105 19491231 002x", "１１０１０５１９４９１２３１００２Ｘ"):
        document, errors = check(None, typed)  # the resident identity card by default
        assert errors == {} and document == identity.Document("resident_id", VALID)


def test_other_documents_are_free_form_with_their_type():
    document, errors = check("passport", "e-1234 5678")
    assert errors == {} and document == identity.Document("passport", "E12345678")
    assert check("passport", "A1")[1] == {
        "number": ["A document number has 5 to 30 letters and digits."]
    }
    assert check("driving_licence", VALID)[1] == {"type": ["Choose the kind of identity document."]}


def test_the_digest_is_an_hmac_under_the_configured_key_not_a_plain_hash():
    document = identity.Document("resident_id", VALID)
    key = identity.IdentityKey("one key")
    expected = hmac.new(
        hashlib.sha256(b"one key").digest(), f"resident_id:{VALID}".encode(), hashlib.sha256
    ).hexdigest()
    assert key.digest(document) == expected
    assert key.digest(document) != hashlib.sha256(VALID.encode()).hexdigest()
    assert identity.IdentityKey("another key").digest(document) != expected
    assert identity.Document("passport", VALID) != document  # the type is part of what is hashed


def test_without_a_configured_key_one_is_generated_outside_the_database_and_kept(tmp_path):
    path = tmp_path / "instance" / "identity_hash.key"
    first = identity.IdentityKey.from_config({}, tmp_path / "instance")
    digest = first.digest(identity.Document("resident_id", VALID))
    assert path.exists() and stat.S_IMODE(path.stat().st_mode) == 0o600
    again = identity.IdentityKey.from_config({"IDENTITY_HASH_KEY": ""}, tmp_path / "instance")
    assert again.digest(identity.Document("resident_id", VALID)) == digest
