"""Security headers on every response (docs/security.md): a Content-Security-Policy that lets no
inline script run and no other site frame a page, X-Frame-Options for older browsers, nosniff, a
Referrer-Policy, and HSTS and the HTTPS redirect only where the deployment says it runs on HTTPS
(SESSION_COOKIE_SECURE). Downloads keep their own, stricter policy. The templates hold no inline
script, event handler or style for the policy to refuse."""

from __future__ import annotations

import hashlib
import io
import re
from pathlib import Path

import pytest

from market import tasks
from tests.conftest import app_config, login
from tests.market.test_tasks import task_data

ROOT_TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
PDF = b"%PDF-1.7\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"
REFERRER_POLICIES = {
    "same-origin",
    "strict-origin",
    "strict-origin-when-cross-origin",
    "no-referrer",
}


def directives(csp: str) -> dict[str, list[str]]:
    out = {}
    for part in csp.split(";"):
        words = part.split()
        if words:
            out[words[0]] = words[1:]
    return out


def check_headers(response, where: str) -> None:
    """The headers every response carries, on HTTP (no HSTS there)."""
    headers = response.headers
    csp = directives(headers.get("Content-Security-Policy", ""))
    scripts = csp.get("script-src", csp.get("default-src"))
    assert scripts is not None, (
        f"{where}: no script policy in {headers.get('Content-Security-Policy')}"
    )
    assert "'unsafe-inline'" not in scripts and "'unsafe-eval'" not in scripts, where
    assert "'unsafe-inline'" not in csp.get("style-src", csp.get("default-src", [])), where
    assert csp.get("frame-ancestors") == ["'none'"], where
    assert headers.get("X-Frame-Options") == "DENY", where
    assert headers.get("X-Content-Type-Options") == "nosniff", where
    assert headers.get("Referrer-Policy") in REFERRER_POLICIES, where
    assert "Strict-Transport-Security" not in headers, where


ARGUMENT = re.compile(r"<(?:(\w+)(?:\([^)]*\))?:)?(\w+)>")


def sample_value(name: str, converter: str | None, ids: dict[str, int]) -> str:
    """A value for a URL argument: real rows where the test has them, else one that is absent (the
    404 a route then answers must carry the headers too)."""
    if name in ids:
        return str(ids[name])
    if name == "year":
        return "2026"
    if converter == "int":
        return "999999"
    if name == "filename":
        return "suggest.js"
    if name == "code":
        return "EIA-REPORT"
    if name == "number":
        return "ZJ-2099-999999"
    return "0" * 64


def routes(app, ids: dict[str, int]) -> list[tuple[str, str, str]]:
    """(method, path, endpoint) of every rule of the app, with sample arguments."""
    out = []
    for rule in app.url_map.iter_rules():
        values = {
            name: sample_value(name, converter or None, ids)
            for converter, name in ARGUMENT.findall(rule.rule)
        }
        path = rule.build(values, append_unknown=False)[1]
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            out.append((method, path, rule.endpoint))
    return sorted(out)


def test_every_route_answers_anonymous_readers_with_the_security_headers(app, client, make):
    agency = make.agency()
    ids = {"agency_id": agency.organization_id, "org_id": agency.organization_id}
    seen = set()
    for method, path, endpoint in routes(app, ids):
        response = client.open(path, method=method)
        check_headers(response, f"{method} {path} ({endpoint}) → {response.status_code}")
        seen.add((method, response.status_code // 100))
    # The enumeration reached pages, redirects and refusals alike.
    assert {("GET", 2), ("GET", 3), ("GET", 4), ("POST", 4)} <= seen


def test_errors_the_app_did_not_route_carry_the_headers(client):
    for response in (
        client.get("/no/such/page"),
        client.get("/api/v1/no-such-thing"),
        client.delete("/policy"),  # 405
        client.get("/static/no-such-file.js"),
    ):
        check_headers(response, f"{response.request.path} → {response.status_code}")


def test_an_internal_error_carries_the_headers(app, client, monkeypatch):
    def broken():
        raise RuntimeError("boom")

    monkeypatch.setitem(app.view_functions, "public.policy", broken)
    monkeypatch.setitem(app.config, "PROPAGATE_EXCEPTIONS", False)
    response = client.get("/policy")
    assert response.status_code == 500
    check_headers(response, "500")


def test_pages_api_and_static_files_carry_the_headers(client):
    for path in ("/", "/tasks", "/search?q=环评", "/api/v1/policy", "/static/suggest.js"):
        response = client.get(path)
        assert response.status_code == 200, path
        check_headers(response, path)


def test_the_policy_allows_the_platform_s_own_scripts_and_styles_and_nothing_else(client):
    csp = directives(client.get("/").headers["Content-Security-Policy"])
    assert csp["script-src"] == ["'self'"]
    assert csp["style-src"] == ["'self'"]
    assert csp["default-src"] == ["'self'"]
    assert csp["object-src"] == ["'none'"]
    assert csp["base-uri"] == ["'none'"]
    assert csp["form-action"] == ["'self'"]


def test_a_download_keeps_its_own_stricter_policy(client, db, make):
    enterprise = make.enterprise()
    task = tasks.create_draft(db, enterprise, task_data())
    db.commit()
    login(client, enterprise)
    uploaded = client.post(
        f"/api/v1/tasks/{task.number}/attachments",
        data={"file": (io.BytesIO(PDF), "报告.pdf")},
        content_type="multipart/form-data",
    )
    assert uploaded.status_code == 201, uploaded.get_json()
    digest = hashlib.sha256(PDF).hexdigest()
    for url in (
        f"/api/v1/tasks/{task.number}/attachments/{digest}",
        f"/tasks/{task.number}/attachments/{digest}",
    ):
        got = client.get(url)
        assert got.status_code == 200 and got.data == PDF
        assert directives(got.headers["Content-Security-Policy"]) == {
            "default-src": ["'none'"],
            "sandbox": [],
            "frame-ancestors": ["'none'"],
        }
        assert got.headers["X-Frame-Options"] == "DENY"
        assert got.headers["X-Content-Type-Options"] == "nosniff"


def test_without_secure_cookies_nothing_forces_https(client):
    """Development and tests run on plain HTTP: no redirect, and no HSTS even over HTTPS, so a
    developer's browser never pins localhost to HTTPS."""
    plain = client.get("/policy")
    assert plain.status_code == 200
    secure = client.get("/policy", base_url="https://localhost")
    assert "Strict-Transport-Security" not in secure.headers


@pytest.fixture(scope="module")
def secure_app(database_url, tmp_path_factory):
    from wsgi import create_app

    folder = tmp_path_factory.mktemp("secure")
    return create_app(
        app_config(
            database_url,
            SESSION_COOKIE_SECURE=True,
            DRAW_SEED_KEY="test draw seed key",
            SIGNING_KEY_PATH=str(folder / "signing_key.pem"),
            UPLOAD_DIR=str(folder / "uploads"),
        )
    )


def test_with_secure_cookies_https_is_forced_and_pinned(secure_app):
    client = secure_app.test_client()
    redirected = client.get("/static/style.css")
    assert redirected.status_code == 302
    assert redirected.headers["Location"].startswith("https://localhost/static/style.css")
    secure = client.get("/static/style.css", base_url="https://localhost")
    assert secure.status_code == 200
    hsts = secure.headers["Strict-Transport-Security"]
    assert re.fullmatch(r"max-age=\d+", hsts) and int(hsts.split("=")[1]) >= 31_536_000
    # Behind a proxy that ends TLS, its X-Forwarded-Proto says the request was HTTPS.
    proxied = client.get("/static/style.css", headers={"X-Forwarded-Proto": "https"})
    assert proxied.status_code == 200 and "Strict-Transport-Security" in proxied.headers


# --- the templates ------------------------------------------------------------------------------

INLINE_SCRIPT = re.compile(r"<script\b(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
EVENT_HANDLER = re.compile(r"<[^>]*\son[a-z]+\s*=", re.IGNORECASE | re.DOTALL)
JAVASCRIPT_URL = re.compile(r"""(?:href|src|action|formaction)\s*=\s*["']?\s*javascript:""", re.I)
STYLE = re.compile(r"<style\b|<[^>]*\sstyle\s*=", re.IGNORECASE | re.DOTALL)
REFUSED = {
    "inline script": INLINE_SCRIPT,
    "event handler": EVENT_HANDLER,
    "javascript: URL": JAVASCRIPT_URL,
    "inline style": STYLE,
}


def test_the_scan_recognises_what_the_policy_would_refuse():
    refused = [
        "<script>alert(1)</script>",
        '<script type="module">x()</script>',
        '<button onclick="go()">',
        '<select\n  name="m" onchange="this.form.submit()">',
        '<a href="javascript:void(0)">',
        '<p style="color: red">',
        "<style>p { color: red }</style>",
    ]
    allowed = [
        '<script src="/static/suggest.js" defer></script>',
        '<a class="online">',
        "<p>on=</p>",
    ]
    for text in refused:
        assert any(p.search(text) for p in REFUSED.values()), text
    for text in allowed:
        assert not any(p.search(text) for p in REFUSED.values()), text


def test_no_template_holds_an_inline_script_handler_or_style():
    found = []
    for path in sorted(ROOT_TEMPLATES.rglob("*.html")):
        source = path.read_text(encoding="utf-8")
        for name, pattern in REFUSED.items():
            found += [
                f"{path.relative_to(ROOT_TEMPLATES)}: {name}" for _ in pattern.finditer(source)
            ]
    assert found == []


def test_an_https_app_leaves_the_other_apps_alone(secure_app, client):
    """Talisman keeps its settings on its instance: each app has its own."""
    assert secure_app.test_client().get("/policy").status_code == 302
    plain = client.get("/policy")
    assert plain.status_code == 200 and "Strict-Transport-Security" not in plain.headers


def test_every_page_links_the_svg_favicon_served_from_static(app, client):
    page = client.get("/").get_data(as_text=True)
    digest = app.extensions["market.static_hashes"]["favicon.svg"]
    href = f"/static/favicon.svg?v={digest}"
    assert f'<link rel="icon" href="{href}" type="image/svg+xml">' in page
    icon = client.get("/static/favicon.svg")
    assert icon.status_code == 200 and icon.mimetype == "image/svg+xml"
    svg = icon.get_data(as_text=True)
    assert svg.startswith("<svg ") and "<script" not in svg


SECURITY_HEADERS = (
    "Content-Security-Policy",
    "X-Frame-Options",
    "X-Content-Type-Options",
    "Referrer-Policy",
    "Permissions-Policy",
    "Strict-Transport-Security",
)


@pytest.mark.parametrize("https", [False, True])
def test_the_headers_worked_out_once_are_those_talisman_sets_itself(app, secure_app, https):
    """`security_headers.fix_headers_once`: each response gets exactly what Talisman's own hook
    would have set, on HTTP and on HTTPS, and no view has options of its own that would differ."""
    from flask import Response
    from flask_talisman import Talisman

    from market.security_headers import fix_headers_once

    target = secure_app if https else app
    base = "https://localhost" if https else "http://localhost"
    # The HTTPS app has no session on the test's transaction: paths that read no database.
    for path in ("/api/v1/health", "/static/style.css") + (() if https else ("/policy",)):
        got = target.test_client().get(path, base_url=base)
        assert got.status_code == 200, path
        talisman = target.extensions["talisman"]
        with target.test_request_context(path, base_url=base):
            expected = talisman._set_response_headers(Response())
        for name in SECURITY_HEADERS:
            assert got.headers.get(name) == expected.headers.get(name), (path, name)
    assert "Strict-Transport-Security" in got.headers if https else True
    assert not [v for v in target.view_functions.values() if hasattr(v, "talisman_view_options")]
    # Talisman's own hooks no longer run: the fixed headers replaced them.
    assert talisman._set_response_headers not in target.after_request_funcs[None]
    assert talisman._make_nonce not in target.before_request_funcs[None]
    assert (talisman._force_https in target.before_request_funcs[None]) is https
    with pytest.raises(AssertionError, match="a nonce differs per request"):
        from flask import Flask

        other = Flask("nonce")
        fix_headers_once(
            other, Talisman(other, content_security_policy_nonce_in=["script-src"]), False
        )
