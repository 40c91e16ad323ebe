"""Picking an administrative division the way a user does: province, city, then district."""

from __future__ import annotations

from playwright.sync_api import Page


def pick_region(page: Page, province: str, city: str | None, district: str | None) -> None:
    page.get_by_label("行政区划", exact=True).select_option(label=province)
    if city:
        page.get_by_label("市", exact=True).select_option(label=city)
    if district:
        page.get_by_label("区县", exact=True).select_option(label=district)
