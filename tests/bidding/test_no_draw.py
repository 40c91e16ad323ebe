"""A task that never needs a draw (a lowest-price task without a tie, a failed selection) publishes
a record without a seed: both verifiers answer "no draw" for it, and its page says that no draw was
needed rather than that none was made yet (docs/draw.md §2, §10)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from bidding.draws import spec
from market import lifecycle

STANDALONE = Path(__file__).resolve().parents[2] / "bidding" / "draws" / "verify_draw_standalone.py"


def _settled_without_draw(world, kind: str):
    if kind == "lowest-price-no-tie":
        task = world.post_task("lowest_price", min_bids=1)
        world.bid(world.agency(), task, 1_000_000)
        world.bid(world.agency(), task, 1_100_000)
        expected = lifecycle.PUBLICITY
    else:
        task = world.post_task("lowest_price", min_bids=3)
        world.bid(world.agency(), task, 1_000_000)
        expected = lifecycle.FAILED
    world.shift_to(task, "opened")
    assert lifecycle.status(task) == expected
    return task


def _standalone(record: dict, tmp_path: Path) -> subprocess.CompletedProcess:
    script = Path(shutil.copy(STANDALONE, tmp_path / "verify.py"))
    path = tmp_path / "record.json"
    path.write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")
    return subprocess.run(
        [sys.executable, str(script), str(path)], capture_output=True, text=True, check=False
    )


@pytest.mark.parametrize("kind", ["lowest-price-no-tie", "failed"])
def test_a_record_without_a_draw_verifies_as_no_draw(world, client, kind, tmp_path):
    task = _settled_without_draw(world, kind)
    response = client.get(f"/api/v1/tasks/{task.number}/draw")
    assert response.status_code == 200
    record = response.get_json()
    assert "seed_hex" not in record and record["draws"] == []
    assert spec.verify_record(record) == []
    assert spec.has_draws(record) is False
    result = _standalone(record, tmp_path)
    assert (result.returncode, result.stdout, result.stderr) == (0, "OK: no draw\n", "")


def test_draws_without_a_seed_are_not_a_record_without_a_draw(world, client, tmp_path):
    task = _settled_without_draw(world, "failed")
    record = client.get(f"/api/v1/tasks/{task.number}/draw").get_json()
    record["draws"] = [{"purpose": "award", "candidates": ["a"], "picks": ["a"]}]
    expected = ["record is malformed: KeyError('seed_hex')"]
    assert spec.verify_record(record) == expected
    result = _standalone(record, tmp_path)
    assert (result.returncode, result.stdout.splitlines()) == (1, expected)


def test_a_withheld_record_says_there_is_nothing_to_recompute_yet(world, client, tmp_path):
    task = _settled_without_draw(world, "failed")
    record = client.get(f"/api/v1/tasks/{task.number}/draw").get_json()
    record["draws_withheld"] = True
    expected = ["draws are withheld until the result"]
    assert spec.verify_record(record) == expected
    result = _standalone(record, tmp_path)
    assert (result.returncode, result.stdout.splitlines()) == (1, expected)


@pytest.mark.parametrize(
    ("lang", "needed", "seed"),
    [
        ("en", "No draw was needed: the selection was decided without one.", "never revealed"),
        ("zh", "本任务无需抽签：选取结果未经抽签即已确定。", "不予公开"),
    ],
)
def test_the_draw_page_says_no_draw_was_needed(world, client, lang, needed, seed):
    task = _settled_without_draw(world, "lowest-price-no-tie")
    page = client.get(f"/tasks/{task.number}/draw?lang={lang}").get_data(as_text=True)
    assert needed in page
    assert seed in page


def test_the_draw_page_before_the_result_still_says_not_drawn_yet(world, client):
    task = world.post_task("lowest_price")
    page = client.get(f"/tasks/{task.number}/draw?lang=en").get_data(as_text=True)
    assert "No draw has been made yet." in page
    assert "No draw was needed" not in page


@pytest.mark.parametrize("kind", ["lowest-price-no-tie", "failed"])
def test_flask_draw_verify_says_no_draw(app, world, db, kind):
    task = _settled_without_draw(world, kind)
    db.commit()
    result = app.test_cli_runner().invoke(args=["draw", "verify", task.number])
    assert (result.exit_code, result.output) == (0, f"draw record of {task.number} OK: no draw\n")
