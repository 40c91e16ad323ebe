"""Bidding fixtures: keys in a temporary directory, and a `world` to build tasks and bids in."""

from __future__ import annotations

import pytest

from tests.bidding.helpers import World
from tests.conftest import login


@pytest.fixture(scope="session")
def bidding_keys(app, tmp_path_factory):
    """Seed and signing keys of their own, so tests never write into the repository's instance/."""
    from bidding import keys

    folder = tmp_path_factory.mktemp("keys")
    installed = keys.Keys(
        draw_seed_key="test draw seed key", signing_key_path=folder / "signing_key.pem"
    )
    previous = keys.use(installed)
    yield installed
    keys.use(previous)


@pytest.fixture
def world(db, make, frozen, bidding_keys) -> World:
    return World(db, make, frozen)


@pytest.fixture
def as_(app):
    """as_(user, lang="en") → a client logged in as `user` (None: the public)."""

    def make(user=None, lang="en"):
        client = app.test_client()
        if user is not None:
            login(client, user)
        client.get(f"/?lang={lang}")
        return client

    return make
