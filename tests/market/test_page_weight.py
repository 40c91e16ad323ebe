"""Page weight: no page ships more than 100 kB of HTML, CSS and JavaScript before images
(docs/architecture.md, "Static files"). The heaviest pages — the lists, a task, the directory, an
agency's profile, search, the dashboards — rendered with a small world, each page's HTML plus
every stylesheet and script it links. A size budget, not a timing."""

from __future__ import annotations

import re

from tests.bidding.helpers import World
from tests.conftest import login

BUDGET = 100_000  # bytes of HTML + linked CSS/JS per page
LINKED = re.compile(r'<link rel="stylesheet" href="([^"]+)"|<script src="([^"]+)"', re.IGNORECASE)


def weight(client, path: str) -> tuple[int, dict[str, int]]:
    page = client.get(path)
    assert page.status_code == 200, path
    parts = {path: len(page.data)}
    for match in LINKED.finditer(page.get_data(as_text=True)):
        url = match.group(1) or match.group(2)
        assert url.startswith("/static/"), f"{path} links {url}"
        asset = client.get(url)
        assert asset.status_code == 200, url
        parts[url] = len(asset.data)
    return sum(parts.values()), parts


def test_heaviest_pages_stay_under_100_kb(app, db, make, frozen):
    world = World(db, make, frozen)
    agencies = [world.qualified_agency() for _ in range(12)]
    posted = [world.post_task(title=f"页面重量测试项目{n}环境影响评价") for n in range(25)]
    task = posted[0]
    for agency in agencies[:8]:
        world.bid(agency, task)
    agency_org = world.org(agencies[0])
    public = [
        "/",
        "/tasks",
        f"/tasks/{task.number}",
        "/agencies",
        f"/agencies/{agency_org.id}",
        "/search?q=环境影响评价",
        "/service-items",
        "/lists/honour",
        "/lists/dishonest",
        "/policy",
    ]
    visitors = [(app.test_client(), "public", public)]
    for user, paths in (
        (world.applicant, ["/dashboard", "/my/tasks", f"/tasks/{task.number}"]),
        (agencies[0], ["/dashboard", f"/tasks/{task.number}"]),
        (world.regulator, ["/dashboard", "/regulator/misconduct-proposals"]),
    ):
        own = app.test_client()
        login(own, user)
        visitors.append((own, user.email, paths))
    heavy = {}
    for lang in ("zh", "en"):
        for client, who, paths in visitors:
            client.get(f"/?lang={lang}")
            for path in paths:
                total, parts = weight(client, path)
                if total > BUDGET:
                    heavy[(lang, who, path)] = parts
    assert heavy == {}


def test_weight_counts_the_linked_stylesheets_and_scripts(client):
    total, parts = weight(client, "/")
    assert sorted(url.split("?")[0] for url in parts if url != "/") == [
        "/static/region-picker.js",
        "/static/style.css",
        "/static/suggest.js",
    ]
    assert total == sum(parts.values())
