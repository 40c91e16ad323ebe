"""Contracts: who reads them, the document, signing, the signing limit, termination and the
applicant's record (docs/rules.md §4)."""

from __future__ import annotations

import pytest

from tests.bidding.contracts_support import awarded
from tests.bidding.helpers import new_uscc
from tests.conftest import login


def test_the_contract_page_is_for_its_parties_and_the_regulators(app, world, db, make):
    task, agencies, contract = awarded(world)
    url = f"/contracts/{contract.id}"
    for user in (agencies[0], world.applicant, world.regulator):
        client = app.test_client()
        login(client, user)
        response = client.get(url)
        assert response.status_code == 200, user.email
        assert task.number in response.get_data(as_text=True)
    for user in (agencies[1], make.enterprise(uscc=new_uscc()), None):
        client = app.test_client()
        if user is not None:
            login(client, user)
        assert client.get(url).status_code == 404
    assert app.test_client().get("/contracts/999999").status_code == 404


@pytest.mark.parametrize("funding", ["private", "state_owned", "budget"])
def test_my_contracts_lists_each_party_its_own(app, world, db, funding):
    task, agencies, contract = awarded(world, funding)
    applicant = world.department if funding == "budget" else world.applicant
    for user in (agencies[0], applicant):
        client = app.test_client()
        login(client, user)
        page = client.get("/contracts").get_data(as_text=True)
        assert f"/contracts/{contract.id}" in page
    client = app.test_client()
    login(client, agencies[1])
    assert f"/contracts/{contract.id}" not in client.get("/contracts").get_data(as_text=True)
