"""The unit of work of a request (`market.web.unit_of_work`): it commits what succeeded, leaves
nothing of what failed, and every domain error answers with one status, on a page as on the API."""

from __future__ import annotations

import pytest

from market import accounts, tasks, web
from market.lifecycle import IllegalTransition
from market.validation import Forbidden, Invalid, Message, NotFound
from tests.conftest import login
from tests.market.test_tasks import task_data

UNKNOWN_TASK = "ZJ-2026-999999"


@pytest.fixture
def enterprise(make):
    return make.enterprise()


@pytest.fixture
def published(db, enterprise):
    task = tasks.create_draft(db, enterprise, task_data())
    tasks.publish(db, enterprise, task.number)
    db.commit()
    return task


def token_names(db, user) -> list[str]:
    return [t.name for t in accounts.tokens_of(db, user)]


# --- one mapping ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("error", "status"),
    [
        (Invalid({"title": [Message("This field is required.")]}), 422),
        (Forbidden("Please log in first."), 403),
        (IllegalTransition("This task can no longer be cancelled."), 403),
        (NotFound(), 404),
    ],
    ids=["invalid", "forbidden", "illegal-transition", "not-found"],
)
def test_each_domain_error_has_one_status(error, status):
    assert web.status_for(error) == status


def test_an_error_outside_the_domain_has_no_status():
    with pytest.raises(TypeError):
        web.status_for(ValueError("not a domain error"))


def test_the_api_answers_each_domain_error_with_its_status(client, db, enterprise, published):
    anonymous = client.post("/api/v1/tasks", json=task_data())
    missing = client.get(f"/api/v1/tasks/{UNKNOWN_TASK}")
    login(client, enterprise)
    invalid = client.post("/api/v1/tasks", json=task_data(title=""))
    illegal = client.post(f"/api/v1/tasks/{published.number}/publish")
    forbidden = client.post(f"/api/v1/tasks/{published.number}/cancel/approve")
    answers = {
        "invalid": invalid,
        "forbidden": forbidden,
        "illegal": illegal,
        "not found": missing,
        "not logged in": anonymous,
    }
    assert {name: r.status_code for name, r in answers.items()} == {
        "invalid": 422,
        "forbidden": 403,
        "illegal": 403,
        "not found": 404,
        "not logged in": 401,
    }
    for response in answers.values():
        assert response.mimetype == "application/problem+json"
        assert response.get_json()["status"] == response.status_code


def test_a_page_shows_invalid_input_next_to_its_field_with_422(client, enterprise):
    login(client, enterprise)
    response = client.post(
        "/tasks/new?lang=en",
        data={
            "service_item": "EIA-REPORT",
            "title": "",
            "description": "编制报告书",
            "funding": "private",
            "method": "lowest_price",
            "price_cap": "1000",
            "service_days": "30",
            "bidding_wd": "3",
        },
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "This field is required." in page
    assert "编制报告书" in page  # what was typed is kept


def test_a_forbidden_on_a_page_is_403_with_its_message_and_the_typed_values(
    client, enterprise, published
):
    login(client, enterprise)
    response = client.post(
        f"/tasks/{published.number}/edit?lang=en",
        data={
            "service_item": "EIA-REPORT",
            "title": "一个改过的标题",
            "description": "编制报告书",
            "funding": "private",
            "method": "lowest_price",
            "price_cap": "1000",
            "service_days": "30",
            "bidding_wd": "3",
        },
    )
    assert response.status_code == 403
    page = response.get_data(as_text=True)
    assert "Only a draft can be edited freely; amend a published task." in page
    assert "一个改过的标题" in page


def test_a_missing_task_on_a_page_is_404(client):
    response = client.get(f"/tasks/{UNKNOWN_TASK}?lang=en")
    assert response.status_code == 404
    assert "There is nothing at this address." in response.get_data(as_text=True)


def test_a_domain_error_no_page_shows_gets_the_error_page_with_its_status_and_message(app):
    with app.test_request_context("/?lang=en"):
        response = app.make_response(app.handle_user_exception(Forbidden("Please log in first.")))
    assert response.status_code == 403
    assert "Please log in first." in response.get_data(as_text=True)


# --- commit or nothing ---------------------------------------------------------------------------


def test_a_unit_of_work_that_ends_commits_its_writes(app, db, enterprise):
    with app.test_request_context("/"), web.unit_of_work():
        accounts.create_token(web.db(), enterprise, "kept")
    assert token_names(db, enterprise) == ["kept"]


def test_a_write_that_fails_after_writing_leaves_no_row(app, db, enterprise):
    with app.test_request_context("/"):
        with pytest.raises(Forbidden), web.unit_of_work():
            accounts.create_token(web.db(), enterprise, "half done")
            web.db().flush()  # the row is in the database, inside the transaction
            raise Forbidden("refused after the first write")
        # The request's session goes on after the rollback, with nothing of the failed work.
        assert accounts.tokens_of(web.db(), enterprise) == []
    assert token_names(db, enterprise) == []


def test_a_page_keeps_a_refusal_with_its_status_and_message_and_leaves_no_row(app, db, enterprise):
    with app.test_request_context("/?lang=en"):
        with web.unit_of_work(keep_errors=True) as work:
            accounts.create_token(web.db(), enterprise, "half done")
            raise Forbidden("refused after the first write")
        assert (work.failed, work.status, work.messages) == (
            True,
            403,
            ["refused after the first write"],
        )
    assert token_names(db, enterprise) == []


def test_a_page_does_not_keep_a_not_found_and_still_rolls_back(app, db, enterprise):
    with (
        app.test_request_context("/"),
        pytest.raises(NotFound),
        web.unit_of_work(keep_errors=True),
    ):
        accounts.create_token(web.db(), enterprise, "half done")
        raise NotFound()
    assert token_names(db, enterprise) == []


def test_units_of_work_do_not_nest(app, db, enterprise):
    with app.test_request_context("/"), pytest.raises(RuntimeError), web.unit_of_work():
        accounts.create_token(web.db(), enterprise, "outer")
        with web.unit_of_work():
            pass
    assert token_names(db, enterprise) == []
