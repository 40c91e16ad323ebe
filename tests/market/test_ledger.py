"""The ledger: balanced, whole fen, posted once per key, never changed (docs/rules.md §7)."""

from __future__ import annotations

import pytest
from sqlmodel import select

from market import audit, ledger
from market.models import AuditEvent, LedgerEntry, LedgerTransaction

REF = "contract:7"
PAYMENT = [("stripe", 120_000), ("escrow:contract:7", -120_000)]


def post(db, key="pi_1", lines=PAYMENT, **extra):
    return ledger.post(db, reference=REF, kind="card_payment", key=key, lines=lines, **extra)


def test_a_balanced_transaction_is_posted_with_its_entries_and_audited(db):
    row, new = post(db, external_ref="pi_1", memo="card")
    db.commit()
    assert new is True
    assert [(e.account, e.amount_fen) for _, es in ledger.transactions(db, REF) for e in es] == [
        ("stripe", 120_000),
        ("escrow:contract:7", -120_000),
    ]
    assert ledger.balances(db, reference=REF) == {"escrow:contract:7": -120_000, "stripe": 120_000}
    assert ledger.balance(db, "stripe") == 120_000
    assert ledger.total(db) == 0
    event = db.exec(select(AuditEvent).where(AuditEvent.action == "ledger.posted")).one()
    assert event.data["entries"] == [["stripe", 120_000], ["escrow:contract:7", -120_000]]
    assert audit.verify(db) == []


def test_the_same_key_posts_once_and_returns_the_first(db):
    first, _ = post(db)
    again, new = post(db, lines=[("stripe", 5), ("escrow:contract:7", -5)])
    assert (again.id, new) == (first.id, False)
    assert len(db.exec(select(LedgerEntry)).all()) == 2
    assert ledger.total(db) == 0


@pytest.mark.parametrize(
    ("lines", "why"),
    [
        ([("stripe", 100), ("escrow:contract:7", -99)], "entries sum to 1 fen, not 0"),
        ([("stripe", 100)], "a transaction has at least two entries"),
        ([("stripe", 1.5), ("escrow:contract:7", -1.5)], "stripe: 1.5 is not"),
        ([("stripe", 0), ("escrow:contract:7", 0)], "stripe: 0 is not"),
        ([("cash", 100), ("escrow:contract:7", -100)], "unknown account 'cash'"),
    ],
)
def test_an_unbalanced_or_malformed_transaction_writes_nothing(db, lines, why):
    with pytest.raises(ledger.Unbalanced, match=why):
        post(db, lines=lines)
    assert db.exec(select(LedgerTransaction)).all() == []


def test_posted_rows_are_never_changed_nor_deleted(db):
    row, _ = post(db)
    db.commit()
    entry = db.exec(select(LedgerEntry)).first()
    entry.amount_fen = 1
    with pytest.raises(ledger.AppendOnly, match="append-only"):
        db.flush()
    db.rollback()
    db.delete(db.get(LedgerTransaction, row.id))
    with pytest.raises(ledger.AppendOnly):
        db.flush()


def test_account_names_are_built_from_known_kinds():
    assert ledger.account("payable", "org", 7) == "payable:org:7"
    with pytest.raises(ledger.Unbalanced, match="unknown account kind 'cash'"):
        ledger.account("cash")
