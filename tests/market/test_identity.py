"""The legal representative's identity document: checked, kept only as an HMAC under a key
outside the database, and never repeated in a message (market/identity.py, docs/rules.md §5)."""

from __future__ import annotations

import hashlib
import hmac
import json
import stat

import pytest
from sqlmodel import select

from market import identity, relations
from market.models import AuditEvent, Professional
from market.validation import Checker
from tests.conftest import agency_payload

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


def test_an_agency_declares_its_identity_at_registration_and_only_the_fact_is_audited(
    client, db, identity_key
):
    response = client.post(
        "/api/v1/agencies",
        json=agency_payload(representative_id_number=VALID.lower()),
    )
    assert response.status_code == 201, response.get_json()
    assert VALID not in response.get_data(as_text=True)
    row = relations.identity_of(db, response.get_json()["id"])
    assert row.digest == identity_key.digest(identity.Document("resident_id", VALID))
    assert row.verified_at is None and row.source == "declared"
    events = db.exec(select(AuditEvent).where(AuditEvent.action.like("agency.%"))).all()
    logged = json.dumps([e.data for e in events])
    assert "agency.representative_identity_declared" in {e.action for e in events}
    assert VALID not in logged and row.digest not in logged


def test_a_wrong_number_at_registration_is_refused_on_its_field_without_repeating_it(client):
    wrong = "110105194912310021"
    client.get("/?lang=en")
    response = client.post("/api/v1/agencies", json=agency_payload(representative_id_number=wrong))
    assert response.status_code == 422
    assert "check character" in response.get_json()["errors"]["representative_id_number"][0]
    assert wrong not in response.get_data(as_text=True)


def test_a_professionals_id_number_is_checked_like_a_representatives(client):
    client.get("/?lang=en")
    wrong = "110105194912310021"
    professional = agency_payload()["professionals"][0] | {"id_number": wrong}
    response = client.post("/api/v1/agencies", json=agency_payload(professionals=[professional]))
    assert response.status_code == 422
    assert response.get_json()["errors"]["professionals.0.id_number"] == [
        "The check character of this identity card number is wrong; please copy it again "
        "from the card."
    ]
    assert wrong not in response.get_data(as_text=True)


def test_a_professionals_id_number_is_kept_in_its_canonical_form(client, db):
    professional = agency_payload()["professionals"][0] | {"id_number": VALID.lower()}
    response = client.post("/api/v1/agencies", json=agency_payload(professionals=[professional]))
    assert response.status_code == 201, response.get_json()
    stored = db.exec(select(Professional).where(Professional.id_number == VALID)).all()
    assert len(stored) == 1
