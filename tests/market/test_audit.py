"""The hash-chained audit log (docs/rules.md §9): written with the change in the same transaction, verified
by recomputing the chain, and anchored by a head published each Shanghai day so that even a
rewritten, self-consistent chain is caught."""

from __future__ import annotations

import hashlib
from datetime import UTC, date, datetime

import pytest
import rfc8785
from sqlalchemy import delete, update
from sqlmodel import func, select
from stdnum.cn import uscc as stdnum_uscc

from market import accounts, agencies, audit
from market.jobs import run_sweep
from market.models import AuditCheckpoint, AuditEvent, AuditHead, Organization
from market.models.audit import GENESIS_HASH
from tests.conftest import FROZEN_AT, agency_payload, login

OTHER_USCC = "91220101000000001" + stdnum_uscc.calc_check_digit("91220101000000001")


def all_events(db) -> list[AuditEvent]:
    db.expire_all()
    return list(db.exec(select(AuditEvent).order_by(AuditEvent.seq)))


def event_count(db, action: str | None = None) -> int:
    db.expire_all()
    query = select(func.count()).select_from(AuditEvent)
    if action:
        query = query.where(AuditEvent.action == action)
    return db.exec(query).one()


def head(db) -> AuditHead:
    db.expire_all()
    return db.get(AuditHead, 1)


@pytest.fixture
def history(make, db) -> list[AuditEvent]:
    """A few events on top of the seeded ones."""
    make.enterprise()
    make.agency()
    make.staff("regulator")
    events = all_events(db)
    assert len(events) >= 5
    return events


def tamper(db, seq: int, **values) -> None:
    """Change a stored event behind the application's back, as a database user could."""
    db.execute(
        update(AuditEvent.__table__).where(AuditEvent.__table__.c.seq == seq).values(**values)
    )
    db.commit()
    db.expire_all()


def rewrite_chain_from(db, seq: int) -> None:
    """Recompute every hash from `seq` on and the head: a chain consistent with itself."""
    events = all_events(db)
    prev = next((e.hash for e in events if e.seq == seq - 1), GENESIS_HASH)
    for ev in events:
        if ev.seq < seq:
            continue
        digest = audit.chain_hash(prev, audit.canonical(ev))
        db.execute(
            update(AuditEvent.__table__)
            .where(AuditEvent.__table__.c.seq == ev.seq)
            .values(prev_hash=prev, hash=digest)
        )
        prev = digest
    db.execute(update(AuditHead.__table__).values(hash=prev))
    db.commit()
    db.expire_all()


def cli(app, *args):
    return app.test_cli_runner().invoke(args=list(args))


# --- written with the change -----------------------------------------------------------------------


def test_event_is_appended_when_the_change_commits(db):
    before = head(db)
    seq, prev = before.seq, before.hash
    user = accounts.register_enterprise(
        db,
        {
            "name": "审计测试企业",
            "uscc": "91220106MA15AB3C42",
            "legal_representative": "张三",
            "region_code": "220106",
            "user_name": "张三",
            "email": "audit@test.zjm",
            "password": "correct horse battery staple",
        },
    )
    db.flush()
    assert event_count(db, "organization.registered") == 0  # queued, not yet written
    db.commit()
    [event] = [e for e in all_events(db) if e.action == "organization.registered"]
    assert event.seq == seq + 1
    assert event.prev_hash == prev
    assert event.object_id == str(user.organization_id)
    assert event.actor_user_id == user.id
    assert event.data["uscc"] == "91220106MA15AB3C42"
    assert event.at == FROZEN_AT
    assert (head(db).seq, head(db).hash) == (event.seq, event.hash)


def test_a_session_that_read_the_head_earlier_chains_onto_its_current_value(app, db):
    seq = db.get(AuditHead, 1).seq  # this session now holds a copy of the head
    other = app.extensions["market.db"].session()
    audit.record(other, "test.first", "test", "a")
    other.commit()
    other.close()
    audit.record(db, "test.second", "test", "b")
    db.commit()
    assert [e.action for e in all_events(db) if e.seq > seq] == ["test.first", "test.second"]
    assert audit.verify(db) == []


def test_a_rolled_back_change_leaves_no_event(db, make):
    seq = head(db).seq
    agencies.register_agency(db, agency_payload())
    db.flush()
    db.rollback()
    assert db.exec(select(Organization).where(Organization.kind == "agency")).first() is None
    # The next transaction does not carry the dropped event along.
    make.enterprise()
    assert event_count(db, "agency.registered") == 0
    assert [e.action for e in all_events(db) if e.seq > seq] == ["organization.registered"]
    assert head(db).seq == seq + 1
    assert audit.verify(db) == []


def test_a_refused_request_writes_no_event(client, db):
    before = event_count(db)
    response = client.post("/api/v1/agencies", json=agency_payload(uscc="123"))
    assert response.status_code == 422
    assert event_count(db) == before


def test_each_hash_is_sha256_of_the_previous_hash_and_the_canonical_event(history):
    """An outsider can recompute the chain from the published rule alone."""
    prev = GENESIS_HASH
    for ev in history:
        canonical = rfc8785.dumps(
            {
                "seq": ev.seq,
                "at": ev.at.astimezone(UTC).isoformat(timespec="microseconds"),
                "action": ev.action,
                "actor_user_id": ev.actor_user_id,
                "actor_org_id": ev.actor_org_id,
                "object_type": ev.object_type,
                "object_id": ev.object_id,
                "data": ev.data,
            }
        )
        assert ev.prev_hash == prev
        assert ev.hash == hashlib.sha256(bytes.fromhex(prev) + canonical).hexdigest()
        prev = ev.hash
    assert [e.seq for e in history] == list(range(1, len(history) + 1))


# --- verification --------------------------------------------------------------------------------


def test_intact_chain_verifies(db, history):
    assert audit.verify(db) == []
    assert audit.verify(db, batch=2) == []  # read in small batches, same answer


@pytest.mark.parametrize(
    "column, value",
    [
        ("data", {"name": "篡改后的名称"}),
        ("action", "agency.deleted"),
        ("object_id", "999"),
        ("actor_user_id", 424242),
        ("at", datetime(2026, 11, 24, 2, 0, tzinfo=UTC)),
    ],
)
def test_tampered_row_is_detected_and_named_by_seq(db, history, column, value):
    target = history[-2].seq
    tamper(db, target, **{column: value})
    problems = audit.verify(db)
    assert [p.seq for p in problems] == [target]
    assert "hash" in problems[0].message


def test_altered_row_with_a_recomputed_hash_breaks_the_next_link(db, history):
    target = history[-3]
    tamper(db, target.seq, data={"forged": True})
    [forged] = [e for e in all_events(db) if e.seq == target.seq]
    tamper(db, target.seq, hash=audit.chain_hash(forged.prev_hash, audit.canonical(forged)))
    problems = audit.verify(db)
    assert [(p.seq, p.message) for p in problems] == [
        (target.seq + 1, "prev_hash does not match the previous event")
    ]


def test_altered_prev_hash_is_detected(db, history):
    target = history[-2].seq
    tamper(db, target, prev_hash="f" * 64)
    assert target in {p.seq for p in audit.verify(db)}


def test_altered_head_is_detected(db, history):
    db.execute(update(AuditHead.__table__).values(hash="e" * 64))
    db.commit()
    problems = audit.verify(db)
    assert [p.seq for p in problems] == [history[-1].seq]
    assert "head" in problems[0].message


def test_deleted_row_is_detected(db, history):
    target = history[-3].seq
    db.execute(delete(AuditEvent.__table__).where(AuditEvent.__table__.c.seq == target))
    db.commit()
    problems = audit.verify(db)
    assert problems
    assert {p.seq for p in problems} == {target + 1}
    assert any("gap" in p.message for p in problems)


def test_deleting_the_last_row_is_detected_by_the_head(db, history):
    last = history[-1].seq
    db.execute(delete(AuditEvent.__table__).where(AuditEvent.__table__.c.seq == last))
    db.commit()
    problems = audit.verify(db)
    assert [p.seq for p in problems] == [last - 1]
    assert "head" in problems[0].message


def test_cli_verify_exits_0_on_an_intact_chain(app, db, history):
    result = cli(app, "audit", "verify")
    assert result.exit_code == 0, result.output
    assert f"audit chain OK ({history[-1].seq} events)" in result.output
    assert "TAMPERED" not in result.output


def test_cli_verify_exits_1_and_names_the_tampered_row(app, db, history):
    target = history[1].seq
    tamper(db, target, data={"forged": True})
    result = cli(app, "audit", "verify")
    assert result.exit_code == 1
    assert f"TAMPERED seq {target}:" in result.output
    assert "audit chain OK" not in result.output


# --- published chain heads ----------------------------------------------------------------------------


def test_checkpoint_is_published_once_per_shanghai_day(db, make, frozen):
    first = audit.publish_checkpoint(db)
    db.commit()
    assert first.day == date(2026, 11, 25)
    assert (first.seq, first.hash) == (head(db).seq, head(db).hash)

    make.enterprise()  # the chain moves on
    frozen.set(datetime(2026, 11, 25, 15, 59, tzinfo=UTC))  # 23:59 in Shanghai
    again = audit.publish_checkpoint(db)
    db.commit()
    assert (again.day, again.seq, again.hash) == (first.day, first.seq, first.hash)
    assert db.exec(select(func.count()).select_from(AuditCheckpoint)).one() == 1

    # 16:30 UTC on the 25th is already the 26th in Shanghai.
    frozen.set(datetime(2026, 11, 25, 16, 30, tzinfo=UTC))
    second = audit.publish_checkpoint(db)
    db.commit()
    assert second.day == date(2026, 11, 26)
    assert second.seq == head(db).seq > first.seq
    assert db.exec(select(func.count()).select_from(AuditCheckpoint)).one() == 2
    assert audit.verify(db) == []


def test_the_daily_sweep_publishes_the_head_and_is_idempotent(app, db):
    sweep = app.extensions["market.sweeps"]["audit.publish_checkpoint"]
    assert sweep.trigger == "cron" and sweep.options["timezone"] == "Asia/Shanghai"
    run_sweep(app, sweep)
    run_sweep(app, sweep)
    db.expire_all()
    [checkpoint] = db.exec(select(AuditCheckpoint)).all()
    assert checkpoint.day == date(2026, 11, 25)
    assert checkpoint.hash == head(db).hash


def test_rewritten_chain_is_caught_by_the_published_checkpoint(app, db, history, make, frozen):
    published = audit.publish_checkpoint(db)
    db.commit()
    frozen.advance(days=1)
    make.enterprise(uscc=OTHER_USCC)
    target = history[2].seq
    assert target <= published.seq

    tamper(db, target, data={"name": "篡改"})
    rewrite_chain_from(db, target)
    problems = audit.verify(db)
    # Every hash now agrees with its row: only the published head gives the rewrite away.
    assert [p.seq for p in problems] == [published.seq]
    assert "published checkpoint of 2026-11-25" in problems[0].message

    result = cli(app, "audit", "verify")
    assert result.exit_code == 1
    assert f"TAMPERED seq {published.seq}:" in result.output


def test_rewriting_only_events_after_the_checkpoint_is_still_caught_by_the_head(
    db, history, make, frozen
):
    audit.publish_checkpoint(db)
    db.commit()
    frozen.advance(days=1)
    make.enterprise(uscc=OTHER_USCC)
    last = all_events(db)[-1].seq
    tamper(db, last, data={"forged": True})
    assert [p.seq for p in audit.verify(db)] == [last]


# --- who reads the log ---------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", [None, "agency", "enterprise", "department", "expert"])
def test_audit_api_is_refused_to_everyone_but_regulators_and_operators(client, make, kind):
    if kind == "agency":
        login(client, make.agency())
    elif kind == "enterprise":
        login(client, make.enterprise())
    elif kind is not None:
        login(client, make.staff(kind))
    response = client.get("/api/v1/audit")
    assert response.status_code == (401 if kind is None else 403)
    assert response.mimetype == "application/problem+json"
    assert "items" not in response.get_json()


@pytest.mark.parametrize("kind", ["regulator", "operator"])
def test_regulators_and_operators_read_the_audit_log_page_by_page(client, make, db, kind):
    make.enterprise()
    make.agency()
    login(client, make.staff(kind))
    expected = [e.seq for e in all_events(db)]
    seen, cursor = [], None
    while True:
        response = client.get(
            "/api/v1/audit", query_string={"limit": 2, **({"cursor": cursor} if cursor else {})}
        )
        assert response.status_code == 200
        body = response.get_json()
        assert len(body["items"]) <= 2
        seen += [e["seq"] for e in body["items"]]
        cursor = body["next_cursor"]
        if cursor is None:
            break
    assert seen == expected
    first = client.get("/api/v1/audit?limit=1").get_json()["items"][0]
    assert set(first) >= {
        "seq",
        "at",
        "action",
        "object_type",
        "object_id",
        "data",
        "prev_hash",
        "hash",
    }
    assert first["prev_hash"] == GENESIS_HASH


def test_published_checkpoints_are_public(client, db):
    published = audit.publish_checkpoint(db)
    db.commit()
    body = client.get("/api/v1/audit/checkpoints").get_json()
    assert body["items"] == [
        {
            "day": "2026-11-25",
            "seq": published.seq,
            "hash": published.hash,
            "published_at": FROZEN_AT.isoformat(),
        }
    ]
    page = client.get("/audit/checkpoints")
    assert page.status_code == 200
    assert published.hash in page.get_data(as_text=True)


def test_checkpoint_page_says_when_nothing_is_published(client):
    assert client.get("/api/v1/audit/checkpoints").get_json()["items"] == []
    html = client.get("/audit/checkpoints?lang=en").get_data(as_text=True)
    assert "Nothing published yet." in html
