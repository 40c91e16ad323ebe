"""The opening's integer shortcuts give exactly what the Fractions of docs/rules.md §5 give: the
abnormally-low tests of every bid at once, and the `average_price` order, ties and distances."""

from __future__ import annotations

from fractions import Fraction
from types import SimpleNamespace

from hypothesis import given, settings
from hypothesis import strategies as st

from bidding import opening, selection
from bidding.policy import DEFAULT_POLICY, BiddingPolicy

prices = st.lists(st.integers(min_value=1, max_value=10**9), min_size=1, max_size=30)
caps = st.one_of(st.none(), st.integers(min_value=1, max_value=2 * 10**9))
shares = st.fractions(min_value=Fraction(1, 100), max_value=Fraction(99, 100), max_denominator=1000)


@settings(max_examples=200, deadline=None)
@given(prices=prices, cap=caps, mean=shares, after=shares, of_cap=shares)
def test_the_low_tests_of_all_bids_are_each_bids_own(prices, cap, mean, after, of_cap):
    policy = BiddingPolicy(low_share_of_mean=mean, low_share_of_next=after, low_share_of_cap=of_cap)
    bids = [SimpleNamespace(id=i, price_fen=p) for i, p in enumerate(prices)]
    among = opening._low_tests_among(bids, cap, policy)
    for b in bids:
        others = [o.price_fen for o in bids if o.id != b.id]
        assert among[b.id] == opening.abnormally_low_tests(b.price_fen, others, cap, policy)


def test_a_bid_far_below_the_others_fails_every_test_with_its_exact_numbers():
    bids = [SimpleNamespace(id=i, price_fen=p) for i, p in enumerate([100, 1_000, 1_001, 1_003])]
    assert opening._low_tests_among(bids, 1_000, DEFAULT_POLICY)[0] == [
        {"test": "mean_of_others", "mean_fen": "3004/3", "threshold_fen": "1502/3"},
        {"test": "next_lowest", "next_lowest_fen": "1000", "threshold_fen": "500"},
        {"test": "cap", "cap_fen": "1000", "threshold_fen": "450"},
    ]


@settings(max_examples=200, deadline=None)
@given(prices=prices, percent=st.integers(min_value=95, max_value=98))
def test_average_price_orders_ties_and_writes_distances_as_the_fractions(prices, percent):
    reference, _mean, _used = selection.average_reference(prices, Fraction(percent, 100))
    r, d = reference.numerator, reference.denominator
    by_fractions = sorted(prices, key=lambda p: selection.average_price_key(p, reference))
    by_integers = sorted(prices, key=lambda p: (abs(p * d - r), p))
    assert by_integers == by_fractions
    for p, q in zip(prices, prices[1:], strict=False):  # the same tie groups
        same = selection.average_price_key(p, reference) == selection.average_price_key(
            q, reference
        )
        assert same == ((abs(p * d - r), p) == (abs(q * d - r), q))
    for p in prices:
        expected = str(selection.average_price_key(p, reference)[0])
        assert selection._fraction_str(abs(p * d - r), d) == expected
