"""The tasks index: published tasks, public fields only.

A task's document never says anything about its bids (whether there are any, how many, whose):
the index is public. Open or closed changes with time alone, so it is a state evaluated against
the clock at query time from the stored deadline and, for "open", from the moment the lifecycle
says the task stops being open (`lifecycle.open_until`), so the two never disagree.
"""

from __future__ import annotations

from types import SimpleNamespace

from sqlalchemy import select as core_select
from sqlmodel import Session, select

from market import lifecycle
from market.models import Organization, ServiceItem, Task
from market.search.registry import (
    Condition,
    Document,
    IndexSpec,
    SearchField,
    SortOption,
    State,
    StateOption,
    epoch,
    register_index,
)
from market.validation import N_


def build_task(session: Session, doc_id: str) -> Document | None:
    task = session.get(Task, int(doc_id)) if str(doc_id).isdigit() else None
    if task is None:
        return None
    item = session.get(ServiceItem, task.service_item_id)
    applicant = session.get(Organization, task.applicant_org_id)
    return _task_document(task, item, applicant)


def build_tasks(session: Session, doc_ids: list[str]) -> list[Document | None]:
    """The documents of many tasks from one query of plain rows (reindexing builds thousands at
    a time; loading them as ORM objects costs more than segmenting their text). A row has the
    task's columns as attributes, as the lifecycle's `open_until` reads them."""
    wanted = [int(i) for i in doc_ids if str(i).isdigit()]
    if not wanted:
        return [None for _ in doc_ids]
    items, orgs = ServiceItem.__table__.c, Organization.__table__.c
    rows = session.execute(
        core_select(
            Task.__table__,
            items.code.label("item_code"),
            items.name_zh.label("item_name_zh"),
            items.name_en.label("item_name_en"),
            items.category.label("item_category"),
            orgs.name.label("applicant_name"),
        )
        .join_from(
            Task.__table__, ServiceItem.__table__, items.id == Task.__table__.c.service_item_id
        )
        .join(Organization.__table__, orgs.id == Task.__table__.c.applicant_org_id)
        .where(Task.__table__.c.id.in_(wanted))
    ).all()
    found = {
        str(row.id): _task_document(
            row,
            SimpleNamespace(
                code=row.item_code,
                name_zh=row.item_name_zh,
                name_en=row.item_name_en,
                category=row.item_category,
            ),
            SimpleNamespace(name=row.applicant_name),
        )
        for row in rows
    }
    return [found.get(str(i)) for i in doc_ids]


def _task_document(task: Task, item: ServiceItem, applicant: Organization) -> Document | None:
    if task.published_at is None:
        return None  # drafts are their applicant's alone
    return Document(
        id=str(task.id),
        text={
            "number": task.number,
            "title": task.title,
            # One field a language, so a page shows the reader's snippet only.
            "service_zh": item.name_zh,
            "service_en": item.name_en,
            "applicant": applicant.name,
            "description": task.description,
        },
        terms={
            "service_item": [item.code],
            "funding": [task.funding],
            "method": [task.method],
            "category": [item.category],
        },
        numbers={
            "published_at": epoch(task.published_at),
            "deadline_at": epoch(task.deadline_at),
            "price_cap_fen": task.price_cap_fen
            if task.price_cap_fen is not None
            else task.fixed_fee_fen,
            "open_until": epoch(lifecycle.open_until(task)),
        },
    )


def task_ids(session: Session):
    return session.exec(select(Task.id).where(Task.published_at.is_not(None)).order_by(Task.id))


TASKS = IndexSpec(
    name="tasks",
    label=N_("Tasks"),
    build=build_task,
    build_many=build_tasks,
    ids=task_ids,
    searchable=(
        SearchField("number", "A"),
        SearchField("title", "A"),
        SearchField("service_zh", "B"),
        SearchField("service_en", "B"),
        SearchField("applicant", "C"),
        SearchField("description", "D"),
    ),
    title="title",
    snippets=("description", "service_zh", "service_en"),
    filters={
        "service_item": N_("Service item"),
        "funding": N_("Funding"),
        "method": N_("Selection method"),
        "category": N_("Category"),
    },
    numbers=("published_at", "deadline_at", "price_cap_fen", "open_until"),
    sorts={
        "newest": SortOption("published_at", True, N_("Newest")),
        "deadline": SortOption("deadline_at", False, N_("Deadline soonest")),
        "price_cap": SortOption("price_cap_fen", True, N_("Highest price cap")),
    },
    states={
        "phase": State(
            N_("Bidding"),
            {
                "open": StateOption(N_("Open for bids"), (Condition("open_until", "after_now"),)),
                "closed": StateOption(
                    N_("Bidding closed"), (Condition("deadline_at", "before_now"),)
                ),
            },
        )
    },
    browse_sort="newest",
    link=lambda hit: ("tasks.task_detail", {"number": hit.data.get("number", "")}),
)

register_index(TASKS)
