"""The rule table of `bidding.visibility`, audience by audience before and after opening."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlmodel import select

from bidding import attachments as bid_attachments
from bidding import marking, panel, visibility
from bidding.models import Bid, PanelMember
from bidding.visibility import APPLICANT, BIDDER, PUBLIC, REGULATOR
from market import lifecycle, task_queries
from market.validation import NotFound
from tests.bidding.helpers import new_uscc

PDF = b"%PDF-1.4\n% the proposal's drawings\n%%EOF\n"
UNKNOWN_RECEIPT = "0" * 64

# --- the rule table -------------------------------------------------------------------------------


@pytest.fixture
def scene(world, make, db, tmp_path):
    """A `scoring` task whose panel will seat three of four experts; the bidder's bid carries a
    file, the other agency bids too."""
    task = world.post_task(
        "scoring",
        min_bids=2,
        price_cap_fen=200_000,
        weight_price=30,
        weight_credit=10,
        weight_quality=60,
        panel_size=3,
    )
    experts = [make.staff("expert", categories=["environment"]) for _ in range(4)]
    users = {
        "anonymous": None,
        "operator": make.staff("operator"),
        "enterprise": make.enterprise(uscc=new_uscc()),
        "bidder": world.agency(),
        "other_agency": world.agency(),
        "applicant": world.applicant,
        "regulator": make.staff("regulator"),
    }
    file = bid_attachments.upload(db, users["bidder"], task.number, "图纸.pdf", PDF, tmp_path)
    db.commit()
    ack = world.bid(users["bidder"], task, 100_000, attachments=[file.sha256])
    world.bid(users["other_agency"], task, 150_000)
    bid = db.exec(select(Bid).where(Bid.receipt == ack.receipt)).one()  # the one examined
    return task, users, experts, bid, file.sha256


def answers(db, task, user, bid, sha256) -> tuple:
    """What `bidding.visibility` answers `user` about `bid` of `task`, in the tables' columns."""
    reader = visibility.reader_of(db, user, task)
    try:
        visibility.readable_bid_file(db, reader, task, sha256)
        reads_file = True
    except NotFound:
        reads_file = False
    return (
        reader.audience,
        visibility.sees_bid_list(reader, task),
        visibility.sees_prices(reader, task, bid),
        visibility.sees_in_full(reader, task, bid),
        reads_file,
        visibility.owns(reader, bid.agency_id),
        visibility.is_panellist(db, reader, task),
        visibility.sees_objector(reader),
    )


def table(db, task, users, bid, sha256) -> dict[str, tuple]:
    return {role: answers(db, task, user, bid, sha256) for role, user in users.items()}


T, F = True, False

#: Columns: audience, sees the list, sees the bid's prices, sees it in full, reads its file, owns
#: it, is a panellist, is shown objectors. Before opening only the bidder reads its own file.
SEALED = {
    "anonymous": (PUBLIC, F, F, F, F, F, F, F),
    "operator": (PUBLIC, F, F, F, F, F, F, F),
    "expert": (PUBLIC, F, F, F, F, F, F, F),
    "other_expert": (PUBLIC, F, F, F, F, F, F, F),
    "enterprise": (PUBLIC, F, F, F, F, F, F, F),
    "bidder": (BIDDER, F, F, F, T, T, F, F),
    "other_agency": (BIDDER, F, F, F, F, F, F, F),
    "applicant": (APPLICANT, F, F, F, F, F, F, T),
    "regulator": (REGULATOR, F, F, F, F, F, F, T),
}

#: From opening on, while the panel marks: the list for everyone, the bid to those entitled.
OPENED = {
    "anonymous": (PUBLIC, T, F, F, F, F, F, F),
    "operator": (PUBLIC, T, F, F, F, F, F, F),
    "panellist": (PUBLIC, T, F, F, F, F, T, F),
    "other_expert": (PUBLIC, T, F, F, F, F, F, F),
    "enterprise": (PUBLIC, T, F, F, F, F, F, F),
    "bidder": (BIDDER, T, T, T, T, T, F, F),
    "other_agency": (BIDDER, T, F, F, F, F, F, F),
    "applicant": (APPLICANT, T, T, T, T, F, F, T),
    "regulator": (REGULATOR, T, T, T, T, F, F, T),
}

#: Once the result is published the prices are everyone's; nothing else changes.
RESULT = {
    role: (audience, listed, T, *rest) for role, (audience, listed, _, *rest) in OPENED.items()
}


def test_before_opening_nobody_learns_anything_but_the_bidder_its_own_file(scene, db):
    task, users, experts, bid, sha256 = scene
    readers = {**users, "expert": experts[0], "other_expert": experts[1]}
    assert table(db, task, readers, bid, sha256) == SEALED


def test_the_deadline_alone_does_not_break_the_seal(scene, db, world):
    task, users, experts, bid, sha256 = scene
    world.shift_to(task, "deadline_passed")
    assert lifecycle.status(task) == lifecycle.DEADLINE_PASSED
    readers = {**users, "expert": experts[0], "other_expert": experts[1]}
    assert table(db, task, readers, bid, sha256) == SEALED


def seating(db, task, experts) -> tuple[list, list]:
    """The experts on the task's panel, and those left out."""
    seated = {m.expert_org_id for m in panel.active_members(db, task)}
    return (
        [e for e in experts if e.organization_id in seated],
        [e for e in experts if e.organization_id not in seated],
    )


def test_after_opening_the_list_is_public_and_the_bid_goes_to_those_entitled(scene, db, world):
    task, users, experts, bid, sha256 = scene
    world.shift_to(task, "opened")
    assert lifecycle.status(task) == lifecycle.OPENED  # the panel is marking: no result yet
    panellists, (outsider,) = seating(db, task, experts)
    readers = {**users, "panellist": panellists[0], "other_expert": outsider}
    assert table(db, task, readers, bid, sha256) == OPENED


def test_the_published_result_makes_prices_public_and_nothing_else(scene, db, world):
    task, users, experts, bid, sha256 = scene
    world.shift_to(task, "opened")
    panellists, (outsider,) = seating(db, task, experts)
    for panellist in panellists:
        marking.declare_no_conflict(db, panellist, task.number)
        for standing in db.exec(select(Bid).where(Bid.task_id == task.id)).all():
            marking.submit_mark(db, panellist, task.number, standing.id, 80)
    db.commit()
    assert lifecycle.status(task) == lifecycle.PUBLICITY
    readers = {**users, "panellist": panellists[0], "other_expert": outsider}
    assert table(db, task, readers, bid, sha256) == RESULT


def loader(db, user):
    """How pages and the API load a task for `user`, without the lazy opening."""
    return lambda number: task_queries.load(db, user, number)


def test_before_opening_a_receipt_resolves_for_nobody_exactly_like_an_unknown_one(scene, db, world):
    task, users, experts, bid, _ = scene
    world.shift_to(task, "deadline_passed")
    for user in [*users.values(), *experts]:
        refusals = []
        for receipt in (bid.receipt, UNKNOWN_RECEIPT, "not a receipt"):
            with pytest.raises(NotFound) as refused:
                visibility.opened_bid(db, receipt, loader(db, user))
            refusals.append((type(refused.value), refused.value.args))
        assert refusals == [(NotFound, ())] * 3


def test_a_receipt_resolves_for_everyone_once_the_load_opens_the_task(scene, db, world):
    task, users, experts, bid, _ = scene
    world.shift_to(task, "deadline_passed")

    def load_and_open(number):
        loaded = task_queries.load(db, users["anonymous"], number)
        task_queries.open_if_due(db, [loaded])
        return loaded

    assert visibility.opened_bid(db, bid.receipt, load_and_open) == (bid, task)
    for user in [*users.values(), *experts]:
        assert visibility.opened_bid(db, bid.receipt, loader(db, user)) == (bid, task)
    with pytest.raises(NotFound):
        visibility.opened_bid(db, UNKNOWN_RECEIPT, loader(db, users["applicant"]))


def test_an_agency_lists_its_own_bids_only(scene, db, world):
    task, users, _, bid, _ = scene
    assert visibility.own_bids(db, world.org(users["bidder"])) == [(bid, task)]
    observer = world.agency()
    assert visibility.own_bids(db, world.org(observer)) == []


AT = datetime(2026, 11, 25, 10, 0)


@pytest.mark.parametrize(
    ("declared", "recused", "evaluating", "marked", "sees"),
    [
        (False, False, True, False, False),  # no declaration of no conflict yet
        (True, False, True, False, True),  # declared, the evaluation runs
        (True, True, True, False, False),  # recused
        (True, False, False, True, True),  # evaluation over: sees the bids it marked
        (True, False, False, False, False),  # evaluation over without its marks
    ],
)
def test_a_panellist_reads_proposals_once_declared_and_unless_recused(
    declared, recused, evaluating, marked, sees
):
    member = PanelMember(
        task_id=1,
        expert_org_id=1,
        position=0,
        called_at=AT,
        declared_at=AT if declared else None,
        recused_at=AT if recused else None,
    )
    assert visibility.panellist_sees_bids(member, evaluating=evaluating, marked=marked) is sees
