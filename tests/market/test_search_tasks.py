"""The tasks index: published tasks only, Chinese words and synonyms, open/closed at query time."""

from __future__ import annotations

from werkzeug.datastructures import MultiDict

from market import search, tasks
from market.search.registry import Query
from tests.market.test_tasks import task_data


def find(db, text: str, **args):
    args = MultiDict({"q": text, **args})
    return search.search(db, "tasks", Query.from_args(args, search.get_index("tasks"), 20))


def test_a_published_task_is_found_by_inner_words_and_synonyms(db, make):
    applicant = make.enterprise()
    task = tasks.create_draft(db, applicant, task_data(title="长春市某项目环境影响评价"))
    assert find(db, "环境影响评价").hits == []  # a draft is not public
    tasks.publish(db, applicant, task.number)
    for words in ("环境影响评价", "影响评价", "环评"):
        assert [h.id for h in find(db, words).hits] == [str(task.id)], words


def test_open_or_closed_is_decided_by_the_clock_at_query_time(db, make, frozen):
    applicant = make.enterprise()
    task = tasks.create_draft(db, applicant, task_data(title="水土保持方案编制"))
    tasks.publish(db, applicant, task.number)
    assert [h.id for h in find(db, "水土保持", phase="open").hits] == [str(task.id)]
    frozen.set(task.deadline_at)
    assert find(db, "水土保持", phase="open").hits == []
    assert [h.id for h in find(db, "水土保持", phase="closed").hits] == [str(task.id)]


def test_the_api_searches_tasks_with_q(client, db, make):
    applicant = make.enterprise()
    task = tasks.create_draft(db, applicant, task_data(title="地质灾害危险性评估"))
    tasks.publish(db, applicant, task.number)
    db.commit()
    body = client.get("/api/v1/tasks?q=地灾").get_json()
    assert [t["number"] for t in body["items"]] == [task.number]


def test_the_search_page_lists_tasks(client, db, make):
    applicant = make.enterprise()
    task = tasks.create_draft(db, applicant, task_data(title="防洪评价报告编制"))
    tasks.publish(db, applicant, task.number)
    db.commit()
    page = client.get("/search?index=tasks&q=防洪评价").get_data(as_text=True)
    assert task.number in page or f"/tasks/{task.number}" in page
