"""The tasks index: published tasks only, Chinese words and synonyms, open/closed at query time."""

from __future__ import annotations

from werkzeug.datastructures import MultiDict

from market import lifecycle, search, tasks
from market.labels import STATUS_LABELS
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


def test_a_task_is_found_in_either_script_and_its_snippet_keeps_its_own(db, make):
    applicant = make.enterprise()
    written = {
        "traditional": ("長春測繪項目", "項目需要測繪與環評。"),
        "simplified": ("吉林测绘项目", "项目需要测绘与环评。"),
    }
    made = {}
    for script, (title, description) in written.items():
        draft = tasks.create_draft(db, applicant, task_data(title=title, description=description))
        made[script] = str(tasks.publish(db, applicant, draft.number).id)
    for words in ("测绘", "測繪", "环评", "環評"):
        assert {h.id for h in find(db, words).hits} == set(made.values()), words
    hits = {h.id: h for h in find(db, "测绘").hits}
    traditional = hits[made["traditional"]]
    assert traditional.data["title"] == "長春測繪項目"
    assert traditional.highlights["title"] == "長春<mark>測繪</mark>項目"
    assert "<mark>測繪</mark>" in traditional.highlights["description"]
    assert hits[made["simplified"]].highlights["title"] == "吉林<mark>测绘</mark>项目"


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


def test_the_open_state_agrees_with_the_lifecycle_for_a_task_in_every_status(db, make, frozen):
    applicant = make.enterprise()
    made = []
    for name in STATUS_LABELS:
        task = tasks.create_draft(db, applicant, task_data(title=f"状态 {name}"))
        if name != lifecycle.DRAFT:
            tasks.publish(db, applicant, task.number)
        if name not in (lifecycle.DRAFT, lifecycle.OPEN, lifecycle.DEADLINE_PASSED):
            # Reached by its timestamp alone, before the deadline (a direct award can be).
            setattr(task, f"{name}_at", frozen.now())
            db.add(task)
            db.flush()
            search.index(db, "tasks", task.id)
        made.append(task)
    seen = set()
    for moment in (frozen.now(), made[-1].deadline_at):
        frozen.set(moment)
        found = search.search(db, "tasks", Query(filters={"phase": ["open"]}, per_page=100))
        expected = {str(t.id) for t in made if lifecycle.status(t, moment) == lifecycle.OPEN}
        assert {h.id for h in found.hits} == expected, moment
        seen |= {lifecycle.status(t, moment) for t in made}
    assert seen == set(STATUS_LABELS)


def test_reindexing_builds_the_same_documents_in_batches_as_one_by_one(db, make):
    from market.search.task_index import build_task, build_tasks

    applicant = make.enterprise()
    draft = tasks.create_draft(db, applicant, task_data(title="长春市测绘项目"))
    published = [
        tasks.publish(
            db, applicant, tasks.create_draft(db, applicant, task_data(title=title)).number
        )
        for title in ("吉林市水土保持方案", "環境影響評價")
    ]
    ids = [str(published[0].id), str(draft.id), "999999", "x", str(published[1].id)]
    assert build_tasks(db, ids) == [build_task(db, i) for i in ids]
    assert [d is None for d in build_tasks(db, ids)] == [False, True, True, True, False]
    report = search.reindex(db, "tasks")
    assert report.documents == 2
    assert [h.id for h in find(db, "水土保持").hits] == [str(published[0].id)]
