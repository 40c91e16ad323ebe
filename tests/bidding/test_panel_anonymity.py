"""Who sits on a scoring task's panel is known only to regulators and the operator until marking is
over (docs/rules.md §5, docs/security.md): a known panellist can be lobbied or pressed by a bidder
or the applicant. The "panel" draw names the experts, and the seed with the pool would recompute
it, so the public draw record withholds the seed, the key and every draw until the result is
published; then the panel, its marks and the draws are public."""

from __future__ import annotations

import html
import json

import pytest

from bidding import marking, panel
from bidding.draws import seeds
from bidding.policy import DEFAULT_POLICY
from market import lifecycle
from market.models import Organization
from tests.bidding.helpers import new_uscc
from tests.bidding.test_marking import bids_by_price, scoring_task
from tests.conftest import login

API = "/api/v1"
EXPERT_NAMES = ("评审专家甲号", "评审专家乙号", "评审专家丙号", "评审专家丁号")


@pytest.fixture
def as_(app):
    def make(user=None):
        client = app.test_client()
        if user is not None:
            login(client, user)
        return client

    return make


@pytest.fixture
def scene(world, make, db):
    """A scoring task opened with two bids, its panel of three drawn from four experts."""
    experts = [make.staff("expert", categories=["environment"], name=n) for n in EXPERT_NAMES]
    task = scoring_task(world)
    bidder, rival = world.agency(), world.agency()
    world.bid(bidder, task, 100_000)
    world.bid(rival, task, 150_000)
    world.shift_to(task, "opened")
    seated = {m.expert_org_id for m in panel.active_members(db, task)}
    panellists = [e for e in experts if e.organization_id in seated]
    outsider = next(e for e in experts if e.organization_id not in seated)
    readers = {
        "anonymous": None,
        "applicant": world.applicant,
        "bidder": bidder,
        "other_agency": world.agency(),
        "panellist": panellists[0],
        "other_expert": outsider,
        "enterprise": make.enterprise(uscc=new_uscc()),
        "operator": make.staff("operator"),
        "regulator": make.staff("regulator"),
    }
    # An expert is published by its organization's name (the result's panel, by name).
    names = {e.id: db.get(Organization, e.organization_id).name for e in experts}
    assert sorted(names.values()) == sorted(EXPERT_NAMES)
    return task, panellists, readers, names


def body(response) -> str:
    if response.is_json:
        return json.dumps(response.get_json(), ensure_ascii=False)
    return html.unescape(response.get_data(as_text=True))


def everything(client, number: str) -> dict[str, str]:
    """Every page and response about the task a reader can ask for."""
    paths = [
        f"/tasks/{number}",
        f"/tasks/{number}/draw",
        f"/tasks/{number}/award",
        f"{API}/tasks/{number}",
        f"{API}/tasks/{number}/draw",
        f"{API}/tasks/{number}/award",
        f"{API}/tasks/{number}/bids",
        "/expert/panels",
        f"{API}/experts/panels",
    ]
    return {path: body(client.get(path)) for path in paths}


def others_named(panellists, names, reader_user, seen: dict[str, str], seed_hex: str) -> list:
    """What in `seen` identifies a panellist other than the reader itself."""
    found = []
    for path, text in seen.items():
        for expert in panellists:
            if expert is not reader_user and names[expert.id] in text:
                found.append((path, names[expert.id]))
        if seed_hex in text:
            found.append((path, "the seed"))
        if '"purpose": "panel"' in text or "<code>panel</code>" in text:
            found.append((path, "the panel draw"))
    return found


def test_while_the_panel_marks_only_regulators_and_the_operator_know_who_sits_on_it(scene, as_, db):
    task, panellists, readers, names = scene
    assert lifecycle.status(task) == lifecycle.OPENED and len(panellists) == 3
    seed_hex = seeds.seed_of(db, task).seed_hex
    assert seed_hex is not None  # revealed inside the platform with the panel draw
    for role, user in readers.items():
        seen = everything(as_(user), task.number)
        found = others_named(panellists, names, user, seen, seed_hex)
        if role in ("regulator", "operator"):
            record = json.loads(seen[f"{API}/tasks/{task.number}/draw"])
            assert record["seed_hex"] == seed_hex, role
            assert [d["purpose"] for d in record["draws"]] == ["panel"], role
        else:
            assert found == [], role
            record = json.loads(seen[f"{API}/tasks/{task.number}/draw"])
            assert record["draws"] == [] and "seed_hex" not in record and "key_hex" not in record
            assert record["draws_withheld"] is True
            assert len(record["receipts"]) == 2  # the opening stays public
    page = body(as_().get(f"/tasks/{task.number}/draw"))
    assert "选取结果公布前，评审小组成员不对外公开" in page
    # The panellist knows its own seat, and nobody else's.
    own = as_(panellists[0]).get(f"{API}/experts/panels").get_json()["items"]
    assert [p["task"] for p in own] == [task.number]


def test_once_the_result_is_published_the_panel_and_the_draws_are_public(scene, as_, db):
    task, panellists, _, names = scene
    bids = bids_by_price(db, task)
    for expert in panellists:
        marking.declare_no_conflict(db, expert, task.number)
        for bid in bids.values():
            marking.submit_mark(db, expert, task.number, bid.id, 80, policy=DEFAULT_POLICY)
    db.commit()
    assert lifecycle.status(task) == lifecycle.PUBLICITY
    seed_hex = seeds.seed_of(db, task).seed_hex
    client = as_()
    record = client.get(f"{API}/tasks/{task.number}/draw").get_json()
    assert record["seed_hex"] == seed_hex and "draws_withheld" not in record
    assert "panel" in [d["purpose"] for d in record["draws"]]
    award = body(client.get(f"/tasks/{task.number}/award"))
    assert all(names[expert.id] in award for expert in panellists)
