"""Ratings tests build their facts with bidding's world."""

from tests.bidding.conftest import as_, bidding_keys, world  # noqa: F401  (fixtures)
