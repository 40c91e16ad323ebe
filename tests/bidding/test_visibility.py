"""Sealed visibility is decided in `bidding.visibility` alone: its rule table, audience
by audience before and after opening, and a scan of bidding/ that keeps every other module from
deciding it again."""

from __future__ import annotations

import ast
from datetime import datetime
from pathlib import Path

import pytest
from sqlmodel import select

from bidding import attachments as bid_attachments
from bidding import marking, panel, visibility
from bidding.models import Bid, PanelMember
from bidding.policy import DEFAULT_POLICY
from bidding.visibility import APPLICANT, BIDDER, PUBLIC, REGULATOR
from market import lifecycle, policy, task_queries
from market.validation import NotFound
from tests.bidding.helpers import new_uscc

ROOT = Path(__file__).resolve().parents[2]
VISIBILITY = "bidding/visibility.py"
PDF = b"%PDF-1.4\n% the proposal's drawings\n%%EOF\n"
UNKNOWN_RECEIPT = "0" * 64

# --- the scan -------------------------------------------------------------------------------------

#: Attributes naming the organization a bid, bid file, question, objection or task belongs to.
OWNER_ATTRIBUTES = {
    "agency_id",
    "applicant_org_id",
    "uploaded_by_org_id",
    "asker_org_id",
    "objector_org_id",
}

#: Services that compare the actor's organization with an owner to decide whether it may *act*,
#: never what a reader sees (module → functions):
ACTING = {
    # the bidder submits, changes and withdraws its own bid; a removed agency's open bids are
    # withdrawn for it (docs/rules.md §6)
    "bidding/sealed.py": {"_own_bid", "withdraw_all_open"},
    # only the bidder explains, only the applicant decides; `_request_for` checks the seal again
    # under the task's row lock, which a page or API handler cannot hold
    "bidding/validity.py": {"_request_for", "submit_explanation", "decide_explanation"},
    # only the applicant answers questions and replies to objections
    "bidding/questions/services.py": {"_applicant"},
    # only the invited agency answers its invitation; the applicant invites an agency not
    # invited to the task before
    "bidding/invitations/services.py": {"_answerable", "invite"},
    # only a bidder objects, once at a time per award; only the objector complains; the
    # agency a regulator names at fault must have bid on the task
    "bidding/objections/services.py": {
        "_standing_bid",
        "_open_objection",
        "_objector",
        "_conduct_agency",
    },
    # the dashboard lists what awaits the actor's own action: its own bids, invitations,
    # explanations, contracts and deliveries, the applicant's own tasks
    "bidding/actions.py": {
        "announcement_objections_to_reply",
        "award_objections_to_answer",
        "bids_closing_soon",
        "contracts_to_sign",
        "deliveries_to_decide",
        "deliveries_to_make",
        "explanations_to_decide",
        "explanations_to_write",
        "invitations_to_answer",
        "invitations_to_renew",
        "objection_periods",
        "panels_marking",
        "payments_due",
        "questions_to_answer",
    },
    # the payer's own contracts to pay and records to correct, the agency's payments to confirm
    "bidding/payments/recorded_actions.py": {
        "payments_to_correct",
        "payments_to_confirm",
        "payments_to_record",
    },
}


def _model_column(node: ast.expr) -> bool:
    """`Organization.id`, `Bid.agency_id`: a column of a model class, as in a SQL join."""
    return (
        isinstance(node, ast.Attribute)
        and isinstance(node.value, ast.Name)
        and node.value.id[:1].isupper()
    )


def _decision(node: ast.AST) -> str | None:
    """What in `node` decides sealed visibility, or None."""
    if (
        isinstance(node, ast.Attribute)
        and node.attr == "sealed"
        and isinstance(node.value, ast.Name)
        and node.value.id == "lifecycle"
    ):
        return "lifecycle.sealed"
    if (
        isinstance(node, ast.ImportFrom)
        and node.module == "market.lifecycle"
        and any(alias.name == "sealed" for alias in node.names)
    ):
        return "imports lifecycle.sealed"
    if isinstance(node, ast.Compare):
        operands = [node.left, *node.comparators]
        values = [o for o in operands if not isinstance(o, ast.Constant)]
        names = {o.attr for o in values if isinstance(o, ast.Attribute)}
        if "opened_at" in names and len(values) < len(operands):
            return "compares opened_at with None"  # `lifecycle.sealed` spelt out
        # Two model columns compared are a SQL join; anything else compared with an owner is
        # someone's organization: the reader's, or the actor's.
        if names & OWNER_ATTRIBUTES and len(values) > 1 and not all(map(_model_column, values)):
            return "compares an organization with an owner"
    return None


def decisions(source: str) -> list[tuple[str, str]]:
    """(enclosing function, what) for each place in `source` that decides sealed visibility."""
    found: list[tuple[str, str]] = []

    def visit(node: ast.AST, function: str) -> None:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            function = node.name
        what = _decision(node)
        if what is not None:
            found.append((function, what))
        for child in ast.iter_child_nodes(node):
            visit(child, function)

    visit(ast.parse(source), "<module>")
    return found


def bidding_decisions() -> dict[str, list[tuple[str, str]]]:
    out = {}
    for path in sorted((ROOT / "bidding").rglob("*.py")):
        module = path.relative_to(ROOT).as_posix()
        found = decisions(path.read_text(encoding="utf-8"))
        if found:
            out[module] = found
    return out


def test_the_scan_finds_each_way_of_deciding_and_ignores_joins():
    source = """
from market.lifecycle import sealed
def page(task, org, bid):
    if lifecycle.sealed(task) or task.opened_at is None:
        return org.id == task.applicant_org_id
    select(Bid).where(Bid.agency_id == org.id)
    return reader.org_id == bid.agency_id
def join():
    return select(Bid).join(Organization, Organization.id == Bid.agency_id)
"""
    assert decisions(source) == [
        ("<module>", "imports lifecycle.sealed"),
        ("page", "lifecycle.sealed"),
        ("page", "compares opened_at with None"),
        ("page", "compares an organization with an owner"),
        ("page", "compares an organization with an owner"),
        ("page", "compares an organization with an owner"),
    ]


def test_only_the_visibility_module_decides_what_readers_see_of_bids():
    """Pages, the API, serializers, downloads and questions ask `bidding.visibility`; the only
    other comparisons are services deciding whether the actor may act."""
    outside = {
        module: sorted({(fn, what) for fn, what in found if fn not in ACTING.get(module, set())})
        for module, found in bidding_decisions().items()
        if module != VISIBILITY
    }
    assert {module: found for module, found in outside.items() if found} == {}


def test_every_service_allowed_to_compare_still_does():
    """A stale entry would let a future reader-facing function of that name compare unseen."""
    found = bidding_decisions()
    unused = {
        module: sorted(functions - {fn for fn, _ in found.get(module, [])})
        for module, functions in ACTING.items()
    }
    assert {module: fns for module, fns in unused.items() if fns} == {}


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
        visibility.sees_objector(reader, task),
    )


def table(db, task, users, bid, sha256) -> dict[str, tuple]:
    return {role: answers(db, task, user, bid, sha256) for role, user in users.items()}


T, F = True, False

#: Columns: audience, sees the list, sees the bid's prices, sees it in full, reads its file, owns
#: it, is a panellist, is shown objectors. Before opening only the bidder reads its own file, and
#: nobody is shown who objected to the announcement (an objector is a likely bidder).
SEALED = {
    "anonymous": (PUBLIC, F, F, F, F, F, F, F),
    "operator": (PUBLIC, F, F, F, F, F, F, F),
    "expert": (PUBLIC, F, F, F, F, F, F, F),
    "other_expert": (PUBLIC, F, F, F, F, F, F, F),
    "enterprise": (PUBLIC, F, F, F, F, F, F, F),
    "bidder": (BIDDER, F, F, F, T, T, F, F),
    "other_agency": (BIDDER, F, F, F, F, F, F, F),
    "applicant": (APPLICANT, F, F, F, F, F, F, F),
    "regulator": (REGULATOR, F, F, F, F, F, F, F),
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
            marking.submit_mark(db, panellist, task.number, standing.id, 80, policy=DEFAULT_POLICY)
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


def test_a_receipt_resolves_for_everyone_once_the_load_opens_the_task(scene, db, world, app):
    task, users, experts, bid, _ = scene
    world.shift_to(task, "deadline_passed")

    def load_and_open(number):
        loaded = task_queries.load(db, users["anonymous"], number)
        task_queries.open_if_due(db, [loaded], policy.registry_of(app))
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
