"""Pages people can read, in their language: errors are the site's own pages (JSON under the API),
holidays and service items in one language, search facets and snippets without codes or English,
draw purposes named in words, and numbers as people read them: money in yuan with thousands
separators (the JSON keeps exact fen), marks by panel seat, the total score first."""

from __future__ import annotations

import re
from fractions import Fraction

import pytest
from werkzeug.exceptions import TooManyRequests

from bidding import labels, marking, panel
from bidding.policy import DEFAULT_POLICY
from market import workdays
from tests.conftest import login

API = "/api/v1"


def text_of(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


# --- error pages ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("lang", "title", "body"),
    [
        ("zh", "无权访问", "您的账号无权访问此页面。"),
        ("en", "Not allowed", "Your account may not open this page."),
    ],
)
def test_a_403_is_the_sites_page_in_the_readers_language(world, app, lang, title, body):
    client = app.test_client()
    login(client, world.agency())
    response = client.get(f"/expert/panels?lang={lang}")
    assert response.status_code == 403
    page = response.get_data(as_text=True)
    assert f'<html lang="{"zh-CN" if lang == "zh" else "en"}"' in page
    assert f"<h1>{title}</h1>" in page and f"<p>{body}</p>" in page
    assert "Forbidden" not in page and "read-protected" not in page


def test_a_429_is_the_sites_page_with_retry_after(app):
    with app.test_request_context("/tasks?lang=zh"):
        response = app.make_response(app.handle_http_exception(TooManyRequests()))
    assert (response.status_code, response.headers["Retry-After"]) == (429, "60")
    page = response.get_data(as_text=True)
    assert "<h1>尝试次数过多</h1>" in page and "Too Many Requests" not in page


def test_a_429_under_the_api_is_a_problem(app):
    with app.test_request_context(f"{API}/tasks"):
        response = app.make_response(app.handle_http_exception(TooManyRequests()))
    assert response.status_code == 429 and response.mimetype == "application/problem+json"
    assert response.get_json()["status"] == 429 and response.headers["Retry-After"] == "60"


def test_a_page_without_a_route_and_a_wrong_method_speak_chinese(client):
    missing = client.get("/nowhere?lang=zh")
    assert missing.status_code == 404 and "<h1>页面不存在</h1>" in missing.get_data(as_text=True)
    wrong = client.put("/tasks")
    assert wrong.status_code == 405
    assert "<h1>此地址不支持该操作</h1>" in wrong.get_data(as_text=True)
    assert "Method Not Allowed" not in wrong.get_data(as_text=True)


# --- one language a page ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("stored", "lang", "shown"),
    [
        ("National Day / 国庆节", "zh", "国庆节"),
        ("National Day / 国庆节", "en", "National Day"),
        ("厂庆调休", "en", "厂庆调休"),
        (None, "zh", ""),
    ],
)
def test_a_holiday_is_named_in_the_readers_language(stored, lang, shown):
    assert workdays.holiday_name_in(stored, lang) == shown


def test_the_calendar_names_holidays_in_chinese_only(client):
    page = client.get("/calendar/2026?lang=zh").get_data(as_text=True)
    assert "<td>国庆节</td>" in page
    assert "National Day" not in page and "Spring Festival" not in page


def test_the_service_item_dropdown_is_in_one_language(world, app):
    client = app.test_client()
    login(client, world.applicant)
    zh = client.get("/tasks/new?lang=zh").get_data(as_text=True)
    assert '<option value="EIA-REPORT">建设项目环境影响报告书编制</option>' in zh
    en = client.get("/tasks/new?lang=en").get_data(as_text=True)
    assert (
        '<option value="EIA-REPORT">Preparation of an environmental impact report (EIA report)'
        "</option>" in en
    )
    assert "建设项目环境影响报告书编制" not in en


def test_search_facets_and_snippets_speak_the_readers_language(world, client):
    world.post_task("lowest_price", title="某项目环境影响报告书编制")
    zh = client.get("/search?index=tasks&q=环境&lang=zh").get_data(as_text=True)
    facets = text_of(zh.split('<aside class="facets"', 1)[1].split("</aside>", 1)[0])
    assert "竞价 (1)" in facets and "生态环境 (1)" in facets and "社会资金 (1)" in facets
    assert "lowest_price" not in facets and "environment" not in facets
    hits = zh.split('<section class="results"', 1)[1]
    assert "建设项目<mark>环境</mark>影响报告书编制" in hits
    assert "Preparation of" not in hits
    en = client.get("/search?index=tasks&q=environmental&lang=en").get_data(as_text=True)
    assert "lowest price (1)" in text_of(en)
    assert "Preparation of an <mark>environmental</mark> impact report" in en


# --- draws named in words ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("purpose", "zh", "en"),
    [
        ("award", "决定选取顺序的抽签", "the draw of the order of award"),
        ("factor", "下浮系数抽签", "the draw of the factor"),
        ("panel", "评审专家抽取", "the draw of the panel"),
        ("tie:2", "第 2 名并列时的抽签", "the draw for place 2"),
    ],
)
def test_a_draw_purpose_is_named_in_words(app, purpose, zh, en):
    filt = app.jinja_env.filters["draw_purpose"]
    with app.test_request_context("/?lang=zh"):
        assert filt(purpose) == zh
    with app.test_request_context("/?lang=en"):
        assert filt(purpose) == en


def test_a_tied_place_says_which_draw_placed_it(world, client):
    task = world.post_task("lowest_price", min_bids=1)
    for _ in range(2):
        world.bid(world.agency(), task, 1_000_000)
    world.shift_to(task, "opened")
    zh = client.get(f"/tasks/{task.number}/award?lang=zh").get_data(as_text=True)
    assert zh.count("<small>名次由第 1 名并列时的抽签确定</small>") == 2
    draw = client.get(f"/tasks/{task.number}/draw?lang=zh").get_data(as_text=True)
    assert "<h3>第 1 名并列时的抽签 <small>用途 <code>tie:1</code></small></h3>" in draw


# --- numbers people read -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (1_000_000, "10,000.00"),
        ("123456789", "1,234,567.89"),
        ("3300001/3", "≈ 11,000.00"),
        ("2200001/2", "≈ 11,000.00"),
        ("-5", "-0.05"),
        ("not a number", "not a number"),
    ],
)
def test_an_amount_of_fen_is_shown_in_yuan(value, shown):
    assert labels.yuan_of_fen(value) == shown


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ("80000", "80,000"),
        ("97/100", "0.97"),
        ("1/8", "0.125"),
        ("-3/2", "-1.5"),
        ("281333/3", "≈ 93,777.67"),
        ("-1/3", "≈ -0.33"),
        ("x", "x"),
    ],
)
def test_a_score_is_shown_as_a_decimal(value, shown):
    assert labels.fraction_text(value) == shown


def test_the_total_score_comes_first():
    numbers = {"price_fen": 1, "price_score": "30", "total": "90", "mean_mark": "80"}
    assert [k for k, _ in labels.reading_order(numbers)] == [
        "total",
        "price_fen",
        "price_score",
        "mean_mark",
    ]


def test_marks_are_named_by_panel_seat():
    panel_ = [
        {"expert": {"id": 7}, "position": 1},
        {"expert": {"id": 3}, "position": 0},
        {"expert": {"id": 9}, "position": 3},
    ]
    marks = {"9": 70, "3": 90, "7": 80}
    assert labels.marks_by_seat(marks, panel_) == [(1, 90), (2, 80), (4, 70)]


def test_the_average_price_result_reads_in_yuan_and_keeps_fractions_in_json(world, client):
    task = world.post_task("average_price", min_bids=3, price_cap_fen=2_000_000)
    for price in (1_000_000, 1_100_000, 1_200_001):
        world.bid(world.agency(), task, price)
    world.shift_to(task, "opened")
    result = client.get(f"{API}/tasks/{task.number}/award").get_json()
    numbers = result["ranking"][0]["numbers"]
    assert Fraction(numbers["mean_fen"]) == Fraction(3_300_001, 3)
    assert numbers["mean_fen"] == "3300001/3"
    page = text_of(client.get(f"/tasks/{task.number}/award?lang=zh").get_data(as_text=True))
    assert "报价平均值（元） ≈ 11,000.00" in page
    assert "3300001/3" not in page and "（分）" not in page
    assert "10,000.00" in page


def numbers_of(client, task) -> dict:
    return client.get(f"{API}/tasks/{task.number}/award").get_json()["ranking"][0]["numbers"]


def test_a_scoring_result_shows_the_total_first_and_marks_by_seat(world, make, db, client):
    experts = [make.staff("expert", name=f"专家{n}") for n in range(3)]
    task = world.post_task(
        "scoring", min_bids=2, price_cap_fen=2_000_000, panel_size=3, weight_price=30
    )
    world.bid(world.agency(), task, 1_000_000)
    world.bid(world.agency(), task, 1_200_000)
    world.shift_to(task, "opened")
    by_org = {e.organization_id: e for e in experts}
    members = panel.active_members(db, task)
    for seat, member in enumerate(members, start=1):
        expert = by_org[member.expert_org_id]
        marking.declare_no_conflict(db, expert, task.number)
        for bid in marking.bids_to_mark(db, expert, task.number):
            marking.submit_mark(
                db, expert, task.number, bid.id, 60 + 10 * seat, policy=DEFAULT_POLICY
            )
    db.commit()
    html = client.get(f"/tasks/{task.number}/award?lang=zh").get_data(as_text=True)
    head = html.split("<thead>", 1)[1].split("</thead>", 1)[0]
    assert re.findall(r"<th[^>]*>([^<]*)</th>", head)[:3] == ["名次", "总得分", "中介服务机构"]
    total = numbers_of(client, task)["total"]
    assert f'<td class="total"><strong>{labels.fraction_text(total)}</strong></td>' in html
    first_row = html.split('<dl class="numbers">', 2)[1].split("</dl>", 1)[0]
    assert "总得分" not in first_row  # in its own column, not again among the numbers
    marks = re.findall(r'<span class="tag">([^<]*)</span>', first_row)
    assert marks == ["第 1 席: 70", "第 2 席: 80", "第 3 席: 90"]
    assert "第 1 席" in text_of(html.split("<h2>", 1)[1])


def test_an_abnormally_low_price_is_explained_in_yuan(world, app):
    task = world.post_task("lowest_price", min_bids=1, price_cap_fen=2_000_000)
    world.bid(world.agency(), task, 1_000_000)
    world.bid(world.agency(), task, 1_000_001)
    world.bid(world.agency(), task, 300_000)
    world.shift_to(task, "opened")
    client = app.test_client()
    login(client, world.applicant)
    page = text_of(client.get(f"/tasks/{task.number}?lang=zh").get_data(as_text=True))
    assert "明显低于其他有效报价的平均值（平均值 ≈ 10,000.00 元，界限 ≈ 5,000.00 元）" in page
    assert "明显低于最高限价（20,000.00 元，界限 9,000.00 元）" in page
    assert " 分，" not in page


def test_the_policy_page_shows_the_procurement_threshold_with_separators(client):
    page = text_of(client.get("/policy?lang=en").get_data(as_text=True))
    assert "with a price cap of ¥1,000,000.00 or more go to formal procurement" in page
