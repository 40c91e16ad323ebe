"""Selection methods with exact fractions, ties and the average factor by verifiable draw, and the
award candidate published for 3 working days (docs/rules.md §5)."""

from __future__ import annotations

from fractions import Fraction

import pytest

from bidding import awards, selection
from bidding.draws import records, seeds, spec
from bidding.models import Bid
from market import clock, holidays, lifecycle


def ranked_agencies(db, task) -> list[int]:
    return [db.get(Bid, e.bid_id).agency_id for e in selection.ranking_of(db, task)]


def key_of(db, task) -> bytes:
    seed = bytes.fromhex(seeds.seed_of(db, task).seed_hex)
    return spec.draw_key(seed, task.number, records.opening_of(db, task).standing_receipts)


def test_lowest_price_wins_and_publicity_lasts_three_working_days(world, db):
    task = world.post_task("lowest_price", min_bids=3)
    agencies = [world.agency() for _ in range(3)]
    for agency, price in zip(agencies, [1_300_000, 1_100_000, 1_200_000], strict=True):
        world.bid(agency, task, price)
    world.shift_to(task, "opened")
    assert lifecycle.status(task) == lifecycle.PUBLICITY
    assert ranked_agencies(db, task) == [
        agencies[1].organization_id,
        agencies[2].organization_id,
        agencies[0].organization_id,
    ]
    candidate = awards.current(db, task)
    assert db.get(Bid, candidate.bid_id).agency_id == agencies[1].organization_id
    assert candidate.rank == 1
    assert task.publicity_ends_at == holidays.load(db).add_working_days(clock.now(), 3)
    assert selection.ranking_of(db, task)[0].numbers == {"price_fen": "1100000"}
    assert records.draws_of(db, task) == []  # no tie, no draw


def test_a_tie_for_the_lowest_price_is_broken_by_the_tie_draw(world, db):
    task = world.post_task("lowest_price", min_bids=1)
    acks = [world.bid(world.agency(), task, 1_000_000) for _ in range(3)]
    world.bid(world.agency(), task, 1_100_000)
    world.shift_to(task, "opened")
    (tie,) = records.draws_of(db, task)
    assert tie.purpose == "tie:1"
    assert tie.candidates == sorted(a.receipt for a in acks)
    expected = spec.draw(key_of(db, task), "tie:1", tie.candidates)
    ranking = selection.ranking_of(db, task)
    assert [db.get(Bid, e.bid_id).receipt for e in ranking[:3]] == expected == tie.picks
    assert [e.tie_purpose for e in ranking] == ["tie:1", "tie:1", "tie:1", None]


def test_random_puts_every_valid_sign_up_in_the_drawn_full_order(world, db):
    task = world.post_task("random", min_bids=3)
    acks = [world.bid(world.agency(), task, None, proposal="") for _ in range(4)]
    world.shift_to(task, "opened")
    (award,) = records.draws_of(db, task)
    assert award.purpose == "award" and award.candidates == sorted(a.receipt for a in acks)
    assert award.picks == spec.draw(key_of(db, task), "award", award.candidates)
    ranking = selection.ranking_of(db, task)
    assert [db.get(Bid, e.bid_id).receipt for e in ranking] == award.picks
    assert db.get(Bid, awards.current(db, task).bid_id).receipt == award.picks[0]


def test_an_invalid_sign_up_is_no_candidate_but_still_in_the_key(world, db):
    task = world.post_task("random", min_bids=1)
    twin_a = world.agency()
    valid = world.bid(world.agency(), task, None, proposal="")
    related = world.bid(twin_a, task, None, proposal="")
    twin_b = world.agency()
    other = world.bid(twin_b, task, None, proposal="")
    world.relate(twin_a, twin_b)  # related after signing up: both invalid at opening
    world.shift_to(task, "opened")
    (award,) = records.draws_of(db, task)
    assert award.candidates == [valid.receipt]
    assert records.opening_of(db, task).standing_receipts == sorted(
        [valid.receipt, related.receipt, other.receipt]
    )


# --- average price -----------------------------------------------------------------------------


@pytest.mark.parametrize("percent", [95, 96, 97, 98])
def test_average_reference_drops_one_highest_and_one_lowest_from_five_bids(percent):
    factor = Fraction(percent, 100)
    reference, mean, used = selection.average_reference([10, 100, 101, 103, 900], factor)
    assert (mean, used) == (Fraction(304, 3), 3)
    assert reference == Fraction(304, 3) * factor
    reference, mean, used = selection.average_reference([100, 101, 103, 900], factor)
    assert (mean, used) == (Fraction(1204, 4), 4)


def test_average_price_prefers_the_lower_price_at_equal_distance():
    reference = Fraction(97)
    keys = {p: selection.average_price_key(p, reference) for p in (95, 99, 97, 90)}
    assert sorted(keys, key=keys.get) == [97, 95, 99, 90]


def test_average_price_draws_the_factor_and_ranks_by_distance(world, db):
    task = world.post_task("average_price", min_bids=3)
    prices = [1_000_000, 1_050_000, 1_100_000, 1_150_000, 1_600_000]
    agencies = [world.agency() for _ in prices]
    for agency, price in zip(agencies, prices, strict=True):
        world.bid(agency, task, price)
    world.shift_to(task, "opened")
    factor_draw = records.draws_of(db, task)[0]
    assert factor_draw.purpose == "factor" and factor_draw.candidates == ["95", "96", "97", "98"]
    assert factor_draw.picks == spec.draw(key_of(db, task), "factor", factor_draw.candidates, 1)
    factor = Fraction(int(factor_draw.picks[0]), 100)
    reference = Fraction(1_050_000 + 1_100_000 + 1_150_000, 3) * factor
    expected = sorted(prices, key=lambda p: (abs(p - reference), p))
    ranking = selection.ranking_of(db, task)
    assert [db.get(Bid, e.bid_id).price_fen for e in ranking] == expected
    numbers = ranking[0].numbers
    assert Fraction(numbers["reference_fen"]) == reference
    assert numbers["factor"] == str(factor) and numbers["prices_in_mean"] == "3"
    assert Fraction(numbers["distance_fen"]) == abs(expected[0] - reference)


def test_no_float_ever_reaches_a_stored_number(world, db):
    task = world.post_task("average_price", min_bids=1)
    for price in (1_000_001, 1_000_003, 1_000_007):
        world.bid(world.agency(), task, price)
    world.shift_to(task, "opened")
    for entry in selection.ranking_of(db, task):
        for value in entry.numbers.values():
            assert isinstance(value, str) and "." not in value
            Fraction(value)
