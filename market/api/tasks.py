"""Task endpoints: post, amend, cancel, exclude, re-post; public reading."""

from __future__ import annotations

from flask import jsonify, request

from market import attachments, policy, task_queries, tasks
from market.accounts import require_kind
from market.api import api
from market.api import schemas as s
from market.api import search as search_api
from market.api.openapi import operation
from market.api.problems import parse_body
from market.models import OrgKind
from market.validation import NotFound
from market.web import (
    acting_user,
    attachment_policy,
    db,
    list_cursor,
    load_task,
    open_due,
    policy_registry,
    send_attachment,
    task_policy,
    translate,
    unit_of_work,
    upload_dir,
    uploaded_file,
    viewer,
)


def _task_json(task):
    return jsonify(task_queries.describe(db(), task, with_timeline=True))


#: The filters of the task lists, as the OpenAPI document describes them.
FILTER_DOCS = {
    "status": "a status: open, deadline_passed, opened, failed, publicity, cancelled…",
    "stage": "the stage a task is at: posted, bidding, opening, validity, panel, publicity, "
    "failed or cancelled (as its timeline says)",
    "category": "a service category code (environment, water, …)",
    "service_item": "a service item code",
    "method": "direct, random, lowest_price, average_price or scoring",
    "funding": "private, state_owned or budget",
    "deadline_from": "deadlines on or after this Shanghai day (2027-06-30)",
    "deadline_to": "deadlines on or before this Shanghai day (2027-06-30)",
    "title": "words the title contains (case-insensitive, up to 100 characters)",
}
PAGE_DOCS = {"cursor": "from next_cursor", "limit": "1–100 (20 unless given)"}


def _with_search_docs() -> dict[str, str]:
    """The public list's parameters: the filters, paging, and the search's (with q) — a filter
    both take says what each does with it."""
    searching = search_api.search_query_docs("tasks")
    docs = {**PAGE_DOCS, **searching}
    for name, doc in FILTER_DOCS.items():
        docs[name] = f"{doc}; {searching[name]}" if name in searching else f"without q: {doc}"
    return docs


def page_json(found, items) -> dict:
    return {
        "items": items,
        "next_cursor": str(found.next_cursor) if found.next_cursor is not None else None,
        "total": found.total,
    }


@operation(
    api,
    "/tasks",
    "GET",
    summary="Published tasks, newest first, filtered (status from timestamps); with q, a "
    "full-text search",
    tag="tasks",
    response=s.TaskPage,
    query=_with_search_docs(),
)
def list_tasks():
    # Checked with q too: a value the list refuses is refused, not searched for in vain.
    wanted = task_queries.parse_filter(db(), request.args, statuses=task_queries.PUBLIC_STATUSES)
    if request.args.get("q"):
        return search_api.search_page("tasks", search_api.tasks_by_id)
    cursor, limit = list_cursor()
    found = task_queries.public_list(db(), wanted, cursor=cursor, limit=limit)
    open_due(found.rows)
    return jsonify(page_json(found, task_queries.describe_list(db(), found.rows)))


@operation(
    api,
    "/tasks/mine",
    "GET",
    summary="My organization's tasks, drafts included, newest first, filtered; with the bids "
    "counted from opening on and the questions awaiting an answer (enterprise or department)",
    tag="tasks",
    response=s.MyTaskPage,
    query={**FILTER_DOCS, **PAGE_DOCS},
    auth=True,
)
def list_my_tasks():
    org = require_kind(db(), acting_user(), OrgKind.enterprise, OrgKind.department)
    wanted = task_queries.parse_filter(db(), request.args)
    cursor, limit = list_cursor()
    found = task_queries.of_applicant(db(), org.id, wanted, cursor=cursor, limit=limit)
    open_due(found.rows)
    counts = task_queries.list_counts(db(), found.rows)
    rows = task_queries.describe_list(db(), found.rows)
    items = [{**row, **counts[t.id]} for t, row in zip(found.rows, rows, strict=True)]
    return jsonify(page_json(found, items))


@operation(
    api,
    "/tasks",
    "POST",
    summary="Post a task as a draft (enterprise or department)",
    tag="tasks",
    body=s.TaskIn,
    response=s.Task,
    status=201,
    auth=True,
)
def create_task():
    data = parse_body(s.TaskIn).model_dump(exclude_none=True)
    with unit_of_work():
        task = tasks.create_draft(db(), acting_user(), data, task_policy())
    return _task_json(task), 201


@operation(
    api,
    "/tasks/<number>",
    "GET",
    summary="A task (drafts: their applicant only)",
    tag="tasks",
    response=s.Task,
)
def get_task(number: str):
    return _task_json(load_task(number))


@operation(
    api,
    "/tasks/<number>",
    "PATCH",
    summary="Edit a draft",
    tag="tasks",
    body=s.TaskIn,
    response=s.Task,
    auth=True,
)
def patch_task(number: str):
    data = parse_body(s.TaskIn).model_dump(exclude_unset=True)
    with unit_of_work():
        task = tasks.update_draft(db(), acting_user(), number, data, task_policy())
    return _task_json(task)


@operation(
    api,
    "/tasks/<number>/publish",
    "POST",
    summary="Publish a draft: the deadline is computed now in working days",
    tag="tasks",
    response=s.Task,
    auth=True,
)
def publish_task(number: str):
    with unit_of_work():
        task = tasks.publish(db(), acting_user(), number, task_policy())
    return _task_json(task)


@operation(
    api,
    "/tasks/<number>/amendments",
    "GET",
    summary="The public change log",
    tag="tasks",
    response=s.AmendmentList,
)
def list_amendments(number: str):
    return jsonify({"items": task_queries.describe(db(), load_task(number))["amendments"]})


@operation(
    api,
    "/tasks/<number>/amendments",
    "POST",
    summary="Amend an open task (published in "
    "the change log; the deadline extends when too little time is left)",
    tag="tasks",
    body=s.AmendmentIn,
    response=s.Task,
    status=201,
    auth=True,
)
def amend_task(number: str):
    data = parse_body(s.AmendmentIn).model_dump(exclude_unset=True)
    with unit_of_work():
        tasks.amend(db(), acting_user(), number, data, task_policy())
    return _task_json(task_queries.load(db(), viewer(), number)), 201


@operation(
    api,
    "/tasks/<number>/attachments",
    "GET",
    summary="The task's files (drafts: their applicant only)",
    tag="tasks",
    response=s.AttachmentList,
)
def list_attachments(number: str):
    task = load_task(number)
    return jsonify({"items": [attachments.describe(a) for a in attachments.of_task(db(), task)]})


@operation(
    api,
    "/tasks/<number>/attachments",
    "POST",
    summary="Attach a PDF, PNG or JPEG file "
    "(multipart/form-data, field `file`) to a draft, or to an open task with a change-log "
    "entry",
    tag="tasks",
    response=s.Attachment,
    status=201,
    auth=True,
    upload=True,
)
def add_attachment(number: str):
    actor = acting_user()
    filename, data = uploaded_file()
    with unit_of_work():
        row = attachments.add_to_task(
            db(), actor, number, filename, data, upload_dir(), attachment_policy(), task_policy()
        )
        body = attachments.describe(row)
    return jsonify(body), 201


@operation(
    api,
    "/tasks/<number>/attachments/<sha256>",
    "GET",
    summary="Download one of the task's files (drafts: their applicant only)",
    tag="tasks",
    download=True,
)
def download_attachment(number: str, sha256: str):
    row, path = attachments.task_file(db(), load_task(number), sha256, upload_dir())
    return send_attachment(row, path)


@operation(
    api,
    "/tasks/<number>/cancel",
    "POST",
    summary="Cancel before opening (with a "
    "published reason) or ask a regulator to approve a cancellation after opening",
    tag="tasks",
    body=s.ReasonIn,
    response=s.Task,
    auth=True,
)
def cancel_task(number: str):
    data = parse_body(s.ReasonIn)
    with unit_of_work():
        task = tasks.cancel(db(), acting_user(), number, data.reason)
    return _task_json(task)


@operation(
    api,
    "/tasks/<number>/cancel/approve",
    "POST",
    summary="A regulator approves a cancellation after opening",
    tag="tasks",
    response=s.Task,
    auth=True,
)
def approve_cancellation(number: str):
    with unit_of_work():
        task = tasks.approve_cancellation(db(), acting_user(), number)
    return _task_json(task)


@operation(
    api,
    "/tasks/<number>/exclusions",
    "POST",
    summary="Exclude an agency on a listed ground, stated publicly",
    tag="tasks",
    body=s.ExclusionIn,
    response=s.Task,
    status=201,
    auth=True,
)
def exclude_agency(number: str):
    data = parse_body(s.ExclusionIn)
    with unit_of_work():
        tasks.exclude(db(), acting_user(), number, data.agency_id, data.ground, data.statement)
    return _task_json(task_queries.load(db(), viewer(), number)), 201


@operation(
    api,
    "/tasks/<number>/repost",
    "POST",
    summary="Post a failed task again as a new linked draft",
    tag="tasks",
    response=s.Task,
    status=201,
    auth=True,
)
def repost_task(number: str):
    with unit_of_work():
        task = tasks.repost(db(), acting_user(), number, task_policy())
    return _task_json(task), 201


def _policy_in_force():
    """The in-force version, recorded now if it is not the latest (`market.policy`)."""
    row, created = policy.record(db(), policy_registry())
    if created:
        db().commit()
    return row


@operation(
    api,
    "/policy",
    "GET",
    summary="The policy in force: every section's settings with their labels, its version, hash "
    "and recording time, and the versions before it",
    tag="policy",
    response=s.PolicyInForce,
)
def get_policy():
    current = _policy_in_force()
    return jsonify(policy.describe(policy_registry(), current, policy.history(db()), translate))


@operation(
    api,
    "/policy/versions",
    "GET",
    summary="Every recorded version of the policy, newest first (the first is the one in force)",
    tag="policy",
    response=s.PolicyVersionList,
)
def list_policy_versions():
    _policy_in_force()
    return jsonify({"items": [policy.describe_version(v) for v in policy.history(db())]})


@operation(
    api,
    "/policy/versions/<int:number>",
    "GET",
    summary="One recorded version of the policy",
    tag="policy",
    response=s.PolicyVersion,
)
def get_policy_version(number: int):
    row = policy.get_version(db(), number)
    if row is None:
        raise NotFound()
    return jsonify(policy.describe_version(row))
