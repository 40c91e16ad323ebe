"""The people of the browser tests and the task they meet on, written straight into the live
server's database (the setup a test does not drive), and logging in through the login page."""

from __future__ import annotations

from playwright.sync_api import Page, expect
from sqlmodel import Session

from market import accounts, agencies, tasks
from market.models import Task, User

PASSWORD = "correct horse battery staple"


def enterprise(session: Session, uscc: str, email: str, name: str) -> User:
    return accounts.register_enterprise(
        session,
        {
            "name": name,
            "uscc": uscc,
            "legal_representative": "钱十",
            "region_code": "220106",
            "user_name": "钱十",
            "email": email,
            "password": PASSWORD,
        },
    )


def agency(session: Session, uscc: str, email: str, name: str) -> User:
    """A listed agency offering environmental impact reports (so it may bid and ask)."""
    return agencies.register_agency(
        session,
        {
            "name": name,
            "uscc": uscc,
            "legal_representative": "冯十一",
            "region_code": "220102",
            "contact_name": "冯十一",
            "contact_phone": "0431-88880000",
            "commitment": True,
            "services": [
                {
                    "service_item": "EIA-REPORT",
                    "commitment_days": 30,
                    "commitment_scope": "报告书编制",
                    "price_min_fen": 5_000_000,
                    "price_max_fen": 20_000_000,
                }
            ],
            "user_name": "冯十一",
            "email": email,
            "password": PASSWORD,
        },
    )


def published_task(session: Session, applicant: User, title: str) -> Task:
    """An open lowest-price task, price cap 100,000 yuan, deadline 5 working days from now."""
    draft = tasks.create_draft(
        session,
        applicant,
        {
            "service_item": "EIA-REPORT",
            "title": title,
            "description": "编制环境影响报告书并配合技术评估。",
            "funding": "private",
            "method": "lowest_price",
            "price_cap_fen": 10_000_000,
            "min_bids": 1,
            "service_days": 60,
            "bidding_wd": 5,
        },
    )
    return tasks.publish(session, applicant, draft.number)


def log_in(page: Page, email: str) -> None:
    """Log in through the Chinese login page (an account without a second factor)."""
    page.goto("/login")
    page.get_by_label("电子邮箱", exact=True).fill(email)
    page.get_by_label("密码", exact=True).fill(PASSWORD)
    page.get_by_role("main").get_by_role("button", name="登录").click()
    expect(page.get_by_role("status")).to_contain_text("欢迎您")
