"""A notice as a printable HTML page (templates/bidding/notices/notice.html, A4 print styles in
market/static/notice.css, no script). Rendered inside a request, like every page: the lines come
from `bidding.notices.documents.content` with Flask-Babel's gettext in the asked locale, so the page
and the PDF say the same."""

from __future__ import annotations

from flask import render_template
from flask_babel import force_locale, gettext

from bidding.notices.documents import AwardNotice, ResultNotice, content


def render_html(doc: AwardNotice | ResultNotice, locale: str) -> str:
    with force_locale(locale):
        return render_template(
            "bidding/notices/notice.html", doc=doc, c=content(doc, locale, gettext)
        )
