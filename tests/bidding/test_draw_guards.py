"""The platform's own draw checks (docs/rules.md §5, docs/draw.md): no draw before validity is
final, never redone with other candidates, a seed revealed only if it decrypts and matches its
commitment; and `verify_task` catching what only the platform can see — receipts fixed at opening
that are not the standing bids, draw candidates that are not what the rules say, a draw made early,
a seed that does not decrypt, does not match its commitment, or was never revealed."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest
from cryptography.exceptions import InvalidTag
from sqlmodel import select

from bidding.draws import records, seeds
from bidding.models import Bid, Draw, ValidityDecision
from market import clock
from market.models import AuditEvent, User

# --- tasks with each kind of draw ------------------------------------------------------------


@pytest.fixture
def tied(world):
    """A lowest-price task whose three bids tie: one "tie:1" draw."""
    task = world.post_task("lowest_price", min_bids=1)
    for _ in range(3):
        world.bid(world.agency(), task, 1_000_000)
    world.shift_to(task, "opened")
    return task


@pytest.fixture
def drawn_by_lot(world):
    """A random task with three sign-ups: one "award" draw of the full order."""
    task = world.post_task("random", min_bids=1)
    for _ in range(3):
        world.bid(world.agency(), task, None, proposal="")
    world.shift_to(task, "opened")
    return task


@pytest.fixture
def with_panel(world, make):
    """A scoring task with a quality weight, its panel drawn from a pool of four experts."""
    experts: list[User] = [make.staff("expert", categories=["environment"]) for _ in range(4)]
    task = world.post_task(
        "scoring",
        min_bids=1,
        weight_price=30,
        weight_credit=10,
        weight_quality=60,
        panel_size=3,
    )
    world.bid(world.agency(), task, 1_000_000)
    world.bid(world.agency(), task, 1_200_000)
    world.shift_to(task, "opened")
    assert records.opening_of(world.db, task).panel_pool == sorted(
        str(e.organization_id) for e in experts
    )
    return task


@pytest.fixture
def undrawn(world):
    """A lowest-price task, opened with validity final, whose prices differ: no draw yet, the seed
    still sealed."""
    task = world.post_task("lowest_price", min_bids=1)
    world.bid(world.agency(), task, 1_000_000)
    world.bid(world.agency(), task, 1_100_000)
    world.shift_to(task, "opened")
    assert records.opening_of(world.db, task).validity_final_at is not None
    assert records.draws_of(world.db, task) == []
    assert seeds.seed_of(world.db, task).seed_hex is None
    return task


def receipts_of(db, task) -> list[str]:
    return sorted(b.receipt for b in db.exec(select(Bid).where(Bid.task_id == task.id)))


def decision_of(db, receipt: str) -> ValidityDecision:
    return db.exec(
        select(ValidityDecision)
        .join(Bid, Bid.id == ValidityDecision.bid_id)
        .where(Bid.receipt == receipt)
    ).one()


def the_draw(db, task) -> Draw:
    (draw,) = records.draws_of(db, task)
    return draw


@pytest.mark.parametrize("name", ["tied", "drawn_by_lot", "with_panel", "undrawn"])
def test_an_untouched_task_verifies(db, name, request):
    task = request.getfixturevalue(name)
    assert records.verify_task(db, task) == []


# --- no draw too early, never redone --------------------------------------------------------


def test_no_draw_on_a_task_not_opened(world, db):
    task = world.post_task()
    world.bid(world.agency(), task)
    with pytest.raises(records.DrawTooEarly) as refused:
        records.make_draw(db, task, "tie:1", ["a" * 64, "b" * 64])
    assert str(refused.value) == (
        f"task {task.number}: no draw before every bid's validity is final"
    )
    assert seeds.seed_of(db, task).seed_hex is None


def test_a_draw_is_never_redone_with_other_candidates(db, tied):
    made = the_draw(db, tied)
    with pytest.raises(RuntimeError) as refused:
        records.make_draw(db, tied, "tie:1", made.candidates[:2])
    assert type(refused.value) is RuntimeError
    assert str(refused.value) == f"task {tied.number}: draw tie:1 exists with other candidates"
    assert records.draws_of(db, tied) == [made]


def test_asking_again_with_the_same_candidates_gives_the_same_draw(db, tied):
    made = the_draw(db, tied)
    picks = list(made.picks)
    db.commit()
    events = len(db.exec(select(AuditEvent).where(AuditEvent.action == "draw.made")).all())
    again = records.make_draw(db, tied, "tie:1", list(reversed(made.candidates)))
    db.commit()
    assert again == picks
    assert records.draws_of(db, tied) == [made]
    assert len(db.exec(select(AuditEvent).where(AuditEvent.action == "draw.made")).all()) == events


# --- the seed: decrypts, matches its commitment, revealed with the first draw ----------------


def spoil_ciphertext(db, task) -> None:
    row = seeds.seed_of(db, task)
    row.seed_encrypted = row.seed_encrypted[:-1] + bytes([row.seed_encrypted[-1] ^ 1])
    db.add(row)
    db.commit()


def test_a_seed_that_does_not_decrypt_is_never_revealed_nor_drawn_with(db, undrawn):
    spoil_ciphertext(db, undrawn)
    with pytest.raises(InvalidTag):
        records.make_draw(db, undrawn, "tie:1", receipts_of(db, undrawn))
    assert seeds.seed_of(db, undrawn).seed_hex is None
    assert records.draws_of(db, undrawn) == []


def test_revealing_the_seed_checks_it_against_the_commitment(db, undrawn):
    row = seeds.seed_of(db, undrawn)
    row.commitment = hashlib.sha256(b"another seed").hexdigest()
    db.add(row)
    db.commit()
    with pytest.raises(RuntimeError) as refused:
        records.make_draw(db, undrawn, "tie:1", receipts_of(db, undrawn))
    assert type(refused.value) is RuntimeError
    assert str(refused.value) == f"the seed of task {undrawn.number} does not match its commitment"
    assert (row.seed_hex, row.revealed_at) == (None, None)
    assert records.draws_of(db, undrawn) == []


def test_the_seed_is_revealed_once_with_the_first_draw_not_again_with_the_next(db, tied, frozen):
    row = seeds.seed_of(db, tied)
    revealed_at, seed_hex = row.revealed_at, row.seed_hex
    frozen.advance(hours=1)
    records.make_draw(db, tied, "tie:2", the_draw(db, tied).candidates[:2])
    db.commit()
    assert (row.revealed_at, row.seed_hex) == (revealed_at, seed_hex)
    revealed = db.exec(select(AuditEvent).where(AuditEvent.action == "draw.seed_revealed")).all()
    assert [e.data["seed_hex"] for e in revealed] == [seed_hex]


def test_verify_task_reports_a_seed_that_does_not_decrypt(db, tied):
    spoil_ciphertext(db, tied)
    assert records.verify_task(db, tied) == [
        "the stored seed does not decrypt with this deployment's seed key"
    ]


def test_verify_task_reports_a_seed_that_does_not_match_its_commitment(db, tied):
    row = seeds.seed_of(db, tied)
    row.commitment = hashlib.sha256(b"another seed").hexdigest()
    db.add(row)
    db.commit()
    assert records.verify_task(db, tied) == [
        "the stored seed does not match the published commitment",
        "seed_hex is not a 32-byte seed whose SHA-256 is the commitment",
    ]


def test_verify_task_reports_draws_made_with_a_seed_never_revealed(db, tied):
    row = seeds.seed_of(db, tied)
    row.seed_hex, row.revealed_at = None, None
    db.add(row)
    db.commit()
    assert records.verify_task(db, tied) == ["draws were made but the seed is not revealed"]


# --- the receipts fixed at opening and each draw's candidates -------------------------------


def test_verify_task_reports_receipts_fixed_at_opening_that_are_not_the_standing_bids(db, tied):
    bid = db.exec(select(Bid).where(Bid.task_id == tied.id)).first()
    bid.withdrawn_at = clock.now()  # withdrawn after the opening fixed its receipt
    db.add(bid)
    db.commit()
    assert records.verify_task(db, tied) == [
        "the receipts fixed at opening are not those of the bids standing"
    ]


def test_verify_task_reports_an_award_draw_with_a_candidate_that_is_not_valid(db, drawn_by_lot):
    made = the_draw(db, drawn_by_lot)
    assert made.candidates == receipts_of(db, drawn_by_lot)
    decision = decision_of(db, made.candidates[1])
    decision.valid, decision.ground = False, "related_legal_representative"
    db.add(decision)
    db.commit()
    assert records.verify_task(db, drawn_by_lot) == [
        "the award draw's candidates are not the valid sign-ups"
    ]


def test_verify_task_reports_an_award_draw_that_leaves_out_a_valid_sign_up(world, db):
    task = world.post_task("random", min_bids=1)
    for _ in range(2):
        world.bid(world.agency(), task, None, proposal="")
    left_out = world.agency()
    world.bid(left_out, task, None, proposal="")
    org = world.org(left_out)
    org.suspended_until = clock.now() + timedelta(days=180)
    db.add(org)
    world.shift_to(task, "opened")
    made = the_draw(db, task)
    (receipt,) = set(receipts_of(db, task)) - set(made.candidates)
    decision = decision_of(db, receipt)
    assert (decision.valid, decision.ground) == (False, "suspended")
    assert records.verify_task(db, task) == []
    decision.valid, decision.ground = True, "eligible"  # valid after all, but never drawn
    db.add(decision)
    db.commit()
    assert records.verify_task(db, task) == [
        "the award draw's candidates are not the valid sign-ups"
    ]


def test_verify_task_reports_a_tie_draw_with_a_candidate_that_is_not_valid(db, tied):
    made = the_draw(db, tied)
    decision = decision_of(db, made.candidates[0])
    decision.valid, decision.ground = False, "related_legal_representative"
    db.add(decision)
    db.commit()
    assert records.verify_task(db, tied) == ["draw tie:1 has a candidate that is not a valid bid"]


@pytest.mark.parametrize("change", ["expert-removed", "expert-added"])
def test_verify_task_reports_a_panel_draw_whose_candidates_are_not_the_pool(db, with_panel, change):
    made = the_draw(db, with_panel)
    assert made.purpose == "panel"
    opening = records.opening_of(db, with_panel)
    pool = list(opening.panel_pool)
    # The pool stored at opening changed afterwards, one way or the other.
    opening.panel_pool = pool[1:] if change == "expert-removed" else sorted([*pool, "999999"])
    db.add(opening)
    db.commit()
    assert records.verify_task(db, with_panel) == [
        "the panel draw's candidates are not the expert pool taken at opening"
    ]


@pytest.mark.parametrize("final", ["later", "never"])
def test_verify_task_reports_a_draw_made_before_validity_was_final(db, tied, final):
    opening = records.opening_of(db, tied)
    made = the_draw(db, tied)
    assert made.made_at == opening.validity_final_at  # at the same instant is not before
    opening.validity_final_at = made.made_at + timedelta(seconds=1) if final == "later" else None
    db.add(opening)
    db.commit()
    assert records.verify_task(db, tied) == ["draw tie:1 was made before validity was final"]
