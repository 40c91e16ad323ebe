"""A form posted to something that does not exist (a task, a bid's receipt, a question, an
objection, a qualification, a service item, a token) answers the 404 page, whoever posts it:
never a 500, never a 403 that would hint the target exists."""

from __future__ import annotations

import pytest

from tests.conftest import login

MISSING = "ZJM-MISSING-0001"
RECEIPT = "0" * 64


@pytest.fixture
def as_(app):
    def make(user):
        client = app.test_client()
        login(client, user)
        return client

    return make


def posted_as(world, make, role):
    return {
        "applicant": lambda: world.applicant,
        "agency": world.agency,
        "expert": lambda: make.staff("expert"),
        "regulator": lambda: make.staff("regulator"),
        "operator": lambda: make.staff("operator"),
    }[role]()


@pytest.mark.parametrize(
    "role, url",
    [
        ("applicant", f"/tasks/{MISSING}/edit"),
        ("applicant", f"/tasks/{MISSING}/publish"),
        ("applicant", f"/tasks/{MISSING}/amend"),
        ("applicant", f"/tasks/{MISSING}/attachments"),
        ("applicant", f"/tasks/{MISSING}/cancel"),
        ("regulator", f"/tasks/{MISSING}/cancel/approve"),
        ("applicant", f"/tasks/{MISSING}/repost"),
        ("agency", f"/tasks/{MISSING}/bid"),
        ("agency", f"/tasks/{MISSING}/bid/change"),
        ("agency", f"/tasks/{MISSING}/bid/withdraw"),
        ("agency", f"/tasks/{MISSING}/bid/attachments"),
        ("agency", f"/bids/{RECEIPT}/explain"),
        ("applicant", f"/bids/{RECEIPT}/decide"),
        ("expert", f"/expert/panels/{MISSING}/declare"),
        ("expert", f"/expert/panels/{MISSING}/recuse"),
        ("expert", f"/expert/panels/{MISSING}/mark/{RECEIPT}"),
        ("agency", f"/tasks/{MISSING}/questions"),
        ("applicant", f"/tasks/{MISSING}/questions/1/answer"),
        ("agency", f"/tasks/{MISSING}/objections"),
        ("applicant", f"/tasks/{MISSING}/objections/1/reply"),
        ("regulator", "/regulator/qualifications/999999/verify"),
        ("operator", "/operator/service-items/NO-SUCH-ITEM"),
        ("applicant", "/account/tokens/999999/revoke"),
        ("agency", "/account/related/relations/999999/withdraw"),
        ("regulator", "/regulator/related/relations/999999/revoke"),
    ],
)
def test_a_form_posted_to_a_missing_target_is_the_404_page(world, make, as_, role, url):
    client = as_(posted_as(world, make, role))
    response = client.post(url, data={})
    assert response.status_code == 404, response.get_data(as_text=True)[:500]
    assert response.mimetype == "text/html"


@pytest.mark.parametrize(
    "url", ["/questions/999999/answer", "/objections/999999/reply"], ids=["question", "objection"]
)
def test_answering_a_missing_question_or_objection_of_a_real_task_is_the_404_page(world, as_, url):
    task = world.post_task()
    response = as_(world.applicant).post(f"/tasks/{task.number}{url}", data={"a999999-answer": "x"})
    assert response.status_code == 404
