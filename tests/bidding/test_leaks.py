"""The sealed-bid leak test (docs/rules.md §5, docs/security.md "The seal, checked"): before
opening, no role — the public, an enterprise and a department that posted tasks, a bidding agency,
an agency that does not bid, an expert, a regulator, the operator — learns a bid's price, proposal
or bidder, nor how many bids there are, from any page, API response or header; after opening, those
entitled see them.

The routes are not listed here: `tests/bidding/leak_support.py` enumerates every GET route of the
URL map and of the OpenAPI document, and the meta-tests below prove a route added to the app is
checked without editing anything.
"""

from __future__ import annotations

import json

import pytest
from flask import Response
from sqlmodel import select

from bidding.models import Bid
from market import audit
from market.models import AuditHead, Task
from tests.bidding import leak_support
from tests.bidding.leak_support import (
    DATABASE,
    MARKERS,
    NAMES,
    PRICES,
    LeakCheck,
    UnresolvedParameter,
    price_forms,
)
from tests.conftest import app_config, login

ROLES = ("public", "applicant", "agency", "regulator", "operator", "expert")


def body_of(response) -> str:
    """The response's text; JSON re-encoded without ASCII escapes, so names can be searched."""
    if response.is_json:
        return json.dumps(response.get_json(), ensure_ascii=False, sort_keys=True)
    return response.get_data(as_text=True)


def test_before_opening_no_role_learns_anything_about_bids_nor_their_number(
    app, db, world, make, frozen
):
    check = LeakCheck(app, db, world, make, frozen)
    head = db.get(AuditHead, 1)
    head_before = (head.seq, head.hash)
    report = check.run()
    assert not report.differences and not report.disclosures, report.summary()
    # The enumeration reached the routes a hand-written list once missed.
    number = check.tasks[0].number
    for url in (
        f"/api/v1/tasks/{number}/questions",
        f"/api/v1/tasks/{number}/objections",
        f"/api/v1/tasks/{number}/attachments",
        f"/api/v1/tasks/{number}/relation-flags",
        f"/api/v1/tasks/{number}/bids/mine/attachments",
        "/audit/checkpoints",
        "/api/v1/audit/checkpoints",
        "/api/v1/audit?limit=100",
        "/regulator/related",
        "/account/related",
    ):
        assert url in report.urls, url
    # The sealed answer about bids is the same for every role but the bidder, and says nothing.
    three = report.seen["3 bids"]
    bids_url = f"/api/v1/tasks/{number}/bids"
    answers = {three[(role, bids_url)] for role in leak_support.OBSERVERS}
    assert len(answers) == 1
    (answer,) = answers
    assert answer.status == 200
    sealed_answer = json.loads(answer.body)
    assert sealed_answer["items"] == [] and sealed_answer["sealed"] is True
    # Nothing sealed reached the audit chain: its head and a checkpoint published now are those
    # of before the branches (each rolled back; the database's view was compared in each).
    db.expire_all()
    head = db.get(AuditHead, 1)
    assert (head.seq, head.hash) == head_before
    assert (DATABASE, "(audit head, search index)") in three
    published = audit.publish_checkpoint(db)
    assert (published.seq, published.hash) == head_before


def test_the_comparison_leaves_out_only_what_security_md_lists():
    parts = leak_support.per_request_parts()
    assert parts.headers == {"set-cookie", "date", "expires"}
    patterns = leak_support.BODY_PATTERNS
    assert parts.bodies == patterns["csrf_token"] + patterns["second_factor_key"]


def test_a_body_part_the_check_cannot_find_is_refused(tmp_path):
    doc = tmp_path / "security.md"
    doc.write_text(
        f"{leak_support.PER_REQUEST_HEADING}\n\n- body `nonce`: a CSP nonce.\n", encoding="utf-8"
    )
    with pytest.raises(AssertionError, match="lists body parts {'nonce'} that BODY_PATTERNS"):
        leak_support.per_request_parts(doc)


# --- the meta-tests: a route added to the app is checked without editing any list ---------------


def bid_count(app, number: str) -> int:
    with app.extensions["market.db"].session() as session:
        task = session.exec(select(Task).where(Task.number == number)).one()
        return len(session.exec(select(Bid).where(Bid.task_id == task.id)).all())


@pytest.fixture
def new_app(app, bidding_keys):
    """`new_app(extra)`: another app like the tests' (`extra(app)` adds routes before any request),
    working in this test's transaction."""
    from bidding import keys
    from wsgi import create_app

    def build(extra):
        previous = keys.use(None)  # create_app installs the new app's keys; the tests' come back
        try:
            other = create_app(
                app_config(
                    app.config["DATABASE_URL"],
                    DRAW_SEED_KEY=app.config["DRAW_SEED_KEY"],
                    SIGNING_KEY_PATH=app.config["SIGNING_KEY_PATH"],
                    UPLOAD_DIR=app.config["UPLOAD_DIR"],
                )
            )
        finally:
            keys.use(previous)
        other.extensions["market.db"].bind = app.extensions["market.db"].bind
        extra(other)
        return other

    return build


def with_leaky_routes(other) -> None:
    @other.get("/leaky/tasks/<number>/bid-count")
    def leaky_count(number):
        return str(bid_count(other, number))

    @other.get("/leaky/tasks/<number>/ok")
    def leaky_header(number):
        return Response("ok", headers={"X-Bid-Count": str(bid_count(other, number))})


def test_the_check_reports_a_new_route_or_header_that_counts_bids(new_app, db, world, make, frozen):
    leaky = new_app(with_leaky_routes)
    check = LeakCheck(leaky, db, world, make, frozen, roles=("public",))
    report = check.run(states=("no bids", "the rival's bid", "3 bids"))
    numbers = [t.number for t in check.tasks]
    expected = {f"/leaky/tasks/{n}/{what}" for n in numbers for what in ("bid-count", "ok")}
    assert report.leaking_urls() == expected, report.summary()
    found = {(d.url, d.states[1], d.what) for d in report.differences}
    for n in numbers:
        # Four rows: three bids standing, one withdrawn.
        assert (f"/leaky/tasks/{n}/bid-count", "3 bids", "body at 0: '0' ≠ '4'") in found
        assert (
            f"/leaky/tasks/{n}/ok",
            "the rival's bid",
            "headers [('X-Bid-Count', '0')] ≠ [('X-Bid-Count', '1')]",
        ) in found


def test_a_route_whose_parameter_nobody_resolves_fails_the_check(new_app, db, world, make, frozen):
    def with_widget(other):
        @other.get("/leaky/widgets/<int:widget_id>")
        def widget(widget_id):
            return "ok"

    unresolved = new_app(with_widget)
    with pytest.raises(
        UnresolvedParameter,
        match=r"GET /leaky/widgets/\{widget_id\}: no resolver for path parameter 'widget_id' "
        r"\(int\); add one to RESOLVERS in tests/bidding/leak_support.py",
    ):
        LeakCheck(unresolved, db, world, make, frozen, roles=("public",))


# --- after opening ----------------------------------------------------------------------------


@pytest.fixture
def scene(world, make, app, db):
    """An open task, three would-be bidders, an observing agency, and a client per role."""
    bidders = [world.agency(name=name) for name in NAMES]
    observer = world.agency(name="旁观机构有限公司")
    task = world.post_task(
        min_bids=3, price_cap_fen=2_000_000, title="密封测试项目环境影响报告书编制"
    )
    users = {
        "applicant": world.applicant,
        "agency": observer,
        "regulator": make.staff("regulator"),
        "operator": make.staff("operator"),
        "expert": make.staff("expert", categories=["environment"]),
    }
    clients = {"public": app.test_client()}
    for role, user in users.items():
        clients[role] = app.test_client()
        login(clients[role], user)
    usccs = [world.org(b).uscc for b in bidders]
    return task, bidders, clients, usccs


def test_after_opening_those_entitled_see_prices_proposals_and_bidders(world, scene, make, app):
    task, bidders, clients, usccs = scene
    for bidder, price, marker in zip(bidders, PRICES, MARKERS, strict=True):
        world.bid(bidder, task, price, proposal=f"方案 {marker}")
    world.shift_to(task, "opened")
    page, api = f"/tasks/{task.number}", f"/api/v1/tasks/{task.number}/bids"
    pages = {role: body_of(clients[role].get(page)) for role in ROLES}
    answers = {role: body_of(clients[role].get(api)) for role in ROLES}
    seen = {role: pages[role] + answers[role] for role in ROLES}
    for role in ROLES:
        for name, uscc in zip(NAMES, usccs, strict=True):
            for body in (pages[role], answers[role]):
                assert name in body and uscc in body, role
        # The result is published (three valid bids, none abnormally low): prices are public.
        for price in PRICES:
            assert any(form in seen[role] for form in price_forms(price)), role
    for role in ("applicant", "regulator"):
        assert all(marker in seen[role] for marker in MARKERS), role
    for role in ("public", "agency", "operator", "expert"):
        assert not any(marker in seen[role] for marker in MARKERS), role
    own = app.test_client()
    login(own, bidders[1])
    mine = body_of(own.get(page)) + body_of(own.get(api))
    assert MARKERS[1] in mine and MARKERS[0] not in mine and MARKERS[2] not in mine
    record = clients["public"].get(f"/api/v1/tasks/{task.number}/draw").get_json()
    assert sorted(r["agency_name"] for r in record["receipts"]) == sorted(NAMES)
