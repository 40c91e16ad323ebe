"""The related-agency forms and API take any relation number without a server error: one no row
can have (beyond the id range, or digits int() refuses) is "no such relation" on its field."""

from __future__ import annotations

import pytest

from tests.conftest import login

API = "/api/v1"


@pytest.fixture
def regulator(app, world):
    client = app.test_client()
    login(client, world.regulator)
    client.get("/?lang=en")
    return client


@pytest.mark.parametrize("typed", ["2147483648", "9" * 30, "²", "٣"])
def test_a_relation_number_no_row_can_have_is_refused_on_its_field(world, regulator, typed):
    shell = world.agency()
    response = regulator.post(
        "/regulator/related/false-declarations",
        data={
            "finding-uscc": world.org(shell).uscc,
            "finding-declaration": "relation",
            "finding-relation_id": typed,
            "finding-statement": "两机构无任何股权或管理关系。",
        },
    )
    assert response.status_code == 422
    assert "Choose a relation this agency declared." in response.get_data(as_text=True)


@pytest.mark.parametrize("relation_id", [2**31, 10**30])
def test_the_api_refuses_a_relation_id_no_row_can_have(world, regulator, relation_id):
    shell = world.agency()
    response = regulator.post(
        f"{API}/agencies/{shell.organization_id}/false-declarations",
        json={"declaration": "relation", "relation_id": relation_id, "statement": "无关系。"},
    )
    assert response.status_code == 422
    assert list(response.get_json()["errors"]) == ["relation_id"]
