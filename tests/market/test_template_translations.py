"""Templates translate through market.web.template_translations: the request's translations
kept on `g` with their locale, so a page's hundreds of messages do not each search Flask-Babel's
context — and `force_locale` (a mail in its recipient's language) still switches them."""

from __future__ import annotations

from flask import render_template_string
from flask_babel import force_locale

TEMPLATE = "{{ _('Log in') }}|{{ ngettext('%(num)d day', '%(num)d days', 3) }}"


def test_templates_follow_the_request_locale_and_force_locale(app):
    with app.test_request_context("/?lang=zh"):
        assert render_template_string(TEMPLATE) == "登录|3 天"
        with force_locale("en"):
            assert render_template_string(TEMPLATE) == "Log in|3 days"
        assert render_template_string(TEMPLATE) == "登录|3 天"
    with app.test_request_context("/?lang=en"):
        assert render_template_string(TEMPLATE) == "Log in|3 days"
        with force_locale("zh"):
            assert render_template_string(TEMPLATE) == "登录|3 天"


def test_pages_in_both_languages(client):
    assert "登录" in client.get("/?lang=zh").get_data(as_text=True)
    english = client.get("/?lang=en").get_data(as_text=True)
    assert "Log in" in english and "登录" not in english
