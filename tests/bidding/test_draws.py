"""The draw record: seed committed at publication and revealed at the first draw, a public record
that both verifiers accept, and `flask draw verify` catching tampering (docs/rules.md §5)."""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.exceptions import InvalidTag
from sqlalchemy.orm.attributes import flag_modified
from sqlmodel import select

from bidding import keys
from bidding.draws import records, seeds, spec
from bidding.models import BidVersion, Draw, DrawSeed
from market.models import AuditEvent

STANDALONE = Path(__file__).resolve().parents[2] / "bidding" / "draws" / "verify_draw_standalone.py"


@pytest.fixture
def drawn(world, db):
    """A lowest-price task whose three bids tie: one "tie:1" draw of the full order."""
    task = world.post_task("lowest_price", min_bids=1)
    for _ in range(3):
        world.bid(world.agency(), task, 1_000_000)
    world.shift_to(task, "opened")
    return task


def test_publication_commits_to_an_encrypted_seed(world, db):
    task = world.post_task()
    row = seeds.seed_of(db, task)
    seed = keys.current().decrypt_seed(row.seed_encrypted, task.number)
    assert len(seed) == 32 and seed not in row.seed_encrypted
    assert row.commitment == hashlib.sha256(seed).hexdigest()
    assert (row.seed_hex, row.revealed_at) == (None, None)
    with pytest.raises(InvalidTag):  # bound to its task: useless on another task's row
        keys.current().decrypt_seed(row.seed_encrypted, "ZJ-2026-999999")
    db.commit()
    event = db.exec(select(AuditEvent).where(AuditEvent.action == "draw.seed_committed")).one()
    assert event.data == {"commitment": row.commitment}


def test_the_seed_key_comes_from_config_or_a_generated_file(tmp_path):
    configured = keys.Keys("a secret", signing_key_path=tmp_path / "s.pem")
    assert configured.seed_key() == hashlib.sha256(b"a secret").digest()
    made = keys.Keys(
        "", seed_key_path=tmp_path / "draw_seed.key", signing_key_path=tmp_path / "s.pem"
    )
    again = keys.Keys(
        "", seed_key_path=tmp_path / "draw_seed.key", signing_key_path=tmp_path / "s.pem"
    )
    assert made.seed_key() == again.seed_key() != configured.seed_key()
    stored = (tmp_path / "draw_seed.key").read_text().strip()
    assert made.seed_key() == hashlib.sha256(stored.encode()).digest()
    assert (tmp_path / "draw_seed.key").stat().st_mode & 0o077 == 0
    assert made.public_key_pem() == again.public_key_pem()  # one signing key, made once


def test_the_record_before_opening_shows_only_the_commitment(world, db):
    task = world.post_task()
    world.bid(world.agency(), task)
    record = records.draw_record(db, task, with_draws=True)
    assert record == {
        "task_number": task.number,
        "commitment": seeds.seed_of(db, task).commitment,
        "receipts": [],
        "draws": [],
    }


def test_the_seed_is_revealed_with_the_first_draw(world, db, drawn):
    row = seeds.seed_of(db, drawn)
    (made,) = records.draws_of(db, drawn)
    assert row.revealed_at == made.made_at
    assert hashlib.sha256(bytes.fromhex(row.seed_hex)).hexdigest() == row.commitment


def test_the_record_verifies_with_verify_record(world, db, drawn):
    record = records.draw_record(db, drawn, with_draws=True)
    assert [d["purpose"] for d in record["draws"]] == ["tie:1"]
    assert len(record["receipts"]) == 3 and all(r["agency"] for r in record["receipts"])
    assert spec.verify_record(record) == []
    assert records.verify_task(db, drawn) == []


def test_the_record_verifies_with_the_standalone_verifier(world, db, drawn, tmp_path):
    script = Path(shutil.copy(STANDALONE, tmp_path / "verify.py"))
    path = tmp_path / "record.json"
    path.write_text(
        json.dumps(records.draw_record(db, drawn, with_draws=True), ensure_ascii=False),
        encoding="utf-8",
    )
    result = subprocess.run(
        [sys.executable, "-I", str(script), str(path)],
        capture_output=True,
        encoding="utf-8",
        check=False,
        timeout=60,
    )
    assert (result.returncode, result.stdout) == (0, "OK\n")
    record = json.loads(path.read_text(encoding="utf-8"))
    record["draws"][0]["picks"].reverse()
    path.write_text(json.dumps(record), encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-I", str(script), str(path)],
        capture_output=True,
        encoding="utf-8",
        check=False,
        timeout=60,
    )
    assert result.returncode == 1 and "differ from recomputed" in result.stdout


def verify_cli(app, number: str):
    return app.test_cli_runner().invoke(args=["draw", "verify", number])


def test_flask_draw_verify_passes_on_an_untouched_record(app, db, drawn):
    db.commit()
    result = verify_cli(app, drawn.number)
    assert result.exit_code == 0, result.output
    assert "OK" in result.output
    shown = app.test_cli_runner().invoke(args=["draw", "show", drawn.number])
    assert json.loads(shown.output)["task_number"] == drawn.number


def test_flask_draw_verify_fails_on_tampered_picks(app, db, drawn):
    row = db.exec(select(Draw)).one()
    row.picks = list(reversed(row.picks))
    flag_modified(row, "picks")
    db.add(row)
    db.commit()
    result = verify_cli(app, drawn.number)
    assert result.exit_code == 1
    assert "differ from recomputed" in result.output


def test_flask_draw_verify_fails_on_a_tampered_bid(app, db, drawn):
    version = db.exec(select(BidVersion)).first()
    version.content = {**version.content, "price_fen": 1}
    db.add(version)
    db.commit()
    result = verify_cli(app, drawn.number)
    assert result.exit_code == 1
    assert "is not the hash of its bid's content" in result.output


def test_flask_draw_verify_fails_on_a_swapped_seed(app, db, drawn):
    row = db.exec(select(DrawSeed)).one()
    row.seed_hex = "00" * 32
    db.add(row)
    db.commit()
    result = verify_cli(app, drawn.number)
    assert result.exit_code == 1
    assert "revealed seed is not the stored seed" in result.output


def test_flask_draw_verify_names_an_unknown_task(app, db, bidding_keys):
    result = verify_cli(app, "ZJ-1999-000001")
    assert result.exit_code == 2
