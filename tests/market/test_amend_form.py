"""The amendment form on the task page changes what the applicant changed and nothing else: a
field the form does not show keeps the task's value, never the blank form's default. The change
log names each field by its label and shows amounts in yuan."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from sqlmodel import select

from market import tasks
from market.models import Task, TaskAmendment
from tests.conftest import login
from tests.market.test_tasks import task_data

EIA_QUALIFICATION = "eia-engineer"


class FormFields(HTMLParser):
    """What a browser submits from the form posting to `action`: each named input and textarea
    with the value the page gives it, each select with its selected options (none: not sent)."""

    def __init__(self, action: str):
        super().__init__()
        self.action, self.inside, self.fields = action, False, {}
        self._textarea: str | None = None
        self._select: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.inside = a.get("action") == self.action
        if not self.inside or "name" not in a and tag != "option":
            return
        if tag == "input" and a.get("type") not in ("submit", "checkbox", "radio", "file"):
            self.fields[a["name"]] = [a.get("value") or ""]
        elif tag == "textarea":
            self._textarea = a["name"]
            self.fields[a["name"]] = [""]
        elif tag == "select":
            self._select = a["name"]
        elif tag == "option" and self._select and "selected" in a:
            self.fields.setdefault(self._select, []).append(a.get("value", ""))

    def handle_data(self, data):
        if self._textarea:  # a browser drops the line break that opens a textarea's content
            first = not self.fields[self._textarea][0]
            text = data.removeprefix("\r\n").removeprefix("\n") if first else data
            self.fields[self._textarea][0] += text

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "textarea":
            self._textarea = None
        elif tag == "select":
            self._select = None


def posted_by_the_page(html: str, action: str) -> dict[str, list[str]]:
    parser = FormFields(action)
    parser.feed(html)
    assert parser.fields, f"no form posting to {action}"
    return parser.fields


@pytest.mark.parametrize("min_bids", [1, 2])
def test_an_amendment_through_the_page_changes_only_what_the_applicant_changed(
    client, db, make, min_bids
):
    applicant = make.enterprise()
    draft = tasks.create_draft(db, applicant, task_data(funding="private", min_bids=min_bids))
    tasks.publish(db, applicant, draft.number)
    db.commit()
    login(client, applicant)
    action = f"/tasks/{draft.number}/amend"
    form = posted_by_the_page(client.get(f"/tasks/{draft.number}").get_data(as_text=True), action)
    assert form["price_cap"] == ["300000.00"]

    form.update(price_cap=["250000"], reason=["调整最高限价"])
    response = client.post(action, data=form)

    assert response.status_code == 302
    db.expire_all()
    task = db.get(Task, draft.id)
    assert (task.price_cap_fen, task.min_bids) == (25_000_000, min_bids)
    logged = db.exec(select(TaskAmendment).where(TaskAmendment.task_id == task.id)).one()
    assert logged.changes == {"price_cap_fen": {"old": 30_000_000, "new": 25_000_000}}
    page = client.get(f"/tasks/{draft.number}").get_data(as_text=True)
    assert "<li>最高限价（元）：300,000.00 → 250,000.00</li>" in page


def test_unchoosing_every_required_qualification_on_the_page_removes_them(client, db, make):
    """A multiple select with nothing chosen sends nothing, and that is the applicant's choice."""
    applicant = make.enterprise()
    draft = tasks.create_draft(
        db,
        applicant,
        task_data(funding="private", required_qualifications=[EIA_QUALIFICATION]),
    )
    tasks.publish(db, applicant, draft.number)
    db.commit()
    login(client, applicant)
    action = f"/tasks/{draft.number}/amend"
    form = posted_by_the_page(client.get(f"/tasks/{draft.number}").get_data(as_text=True), action)
    assert form["required_qualifications"] == [EIA_QUALIFICATION]

    del form["required_qualifications"]
    form["reason"] = ["取消资质要求"]
    response = client.post(action, data=form)

    assert response.status_code == 302
    db.expire_all()
    task = db.get(Task, draft.id)
    assert (task.required_qualifications, task.min_bids) == ([], 3)


#: Each field the amendment form shows for a private lowest-price task, a new value as typed on the
#: page, and what the change log must then record: (its key, the new stored value). Besides these the
#: form carries the fixed fee (empty: random draws only), the required qualifications (unchoosing
#: them is tested above) and, hidden, what cannot change after publication.
SHOWN_ELSEWHERE = {"csrf_token", "reason", "fixed_fee", "required_qualifications"}
HIDDEN = {"service_item", "funding", "method"}
ONE_FIELD_CHANGES = {
    "title": ("长春市某项目环境影响评价（调整）", "title", "长春市某项目环境影响评价（调整）"),
    "description": (
        "编制报告书，并参加专家评审会。",
        "description",
        "编制报告书，并参加专家评审会。",
    ),
    "price_cap": ("280000", "price_cap_fen", 28_000_000),
    "service_days": ("45", "service_days", 45),
    "bidding_wd": ("8", "bidding_wd", 8),
}


def amendment_form(client, db, make) -> tuple[Task, str, dict[str, list[str]]]:
    """A published task whose values differ from the blank form's defaults (a minimum of 2 valid
    bids, not 3), and the amendment form its page shows."""
    applicant = make.enterprise()
    draft = tasks.create_draft(db, applicant, task_data(funding="private", min_bids=2))
    tasks.publish(db, applicant, draft.number)
    db.commit()
    login(client, applicant)
    action = f"/tasks/{draft.number}/amend"
    page = client.get(f"/tasks/{draft.number}").get_data(as_text=True)
    return draft, action, posted_by_the_page(page, action)


def test_the_amendment_form_posted_back_as_shown_changes_nothing(client, db, make):
    draft, action, form = amendment_form(client, db, make)
    assert set(form) - SHOWN_ELSEWHERE - HIDDEN == set(ONE_FIELD_CHANGES)
    form.update(reason=["核对"])
    response = client.post(action, data=form)
    assert response.status_code == 422
    assert db.exec(select(TaskAmendment).where(TaskAmendment.task_id == draft.id)).all() == []


@pytest.mark.parametrize("field", sorted(ONE_FIELD_CHANGES))
def test_changing_one_field_of_the_amendment_form_changes_that_field_only(client, db, make, field):
    draft, action, form = amendment_form(client, db, make)
    typed, key, stored = ONE_FIELD_CHANGES[field]
    assert form[field] != [typed]
    form.update({field: [typed], "reason": ["调整"]})
    response = client.post(action, data=form)
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    logged = db.exec(select(TaskAmendment).where(TaskAmendment.task_id == draft.id)).one()
    assert list(logged.changes) == [key]
    assert logged.changes[key]["new"] == stored
