"""Static files carry a hash of their content in their URLs and are cached for a year under
them (market.static_files)."""

from __future__ import annotations

import hashlib

from flask import Flask, url_for

from market import static_files
from market.config import ROOT


def test_page_links_hashed_static_files_cached_for_a_year(client):
    page = client.get("/")
    assert page.status_code == 200
    digest = hashlib.sha256((ROOT / "market" / "static" / "style.css").read_bytes()).hexdigest()
    url = f"/static/style.css?v={digest[:12]}"
    assert f'href="{url}"'.encode() in page.data
    response = client.get(url)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_stale_or_missing_hash_is_not_cached_for_long(client):
    for url in ("/static/style.css", "/static/style.css?v=000000000000"):
        response = client.get(url)
        assert response.status_code == 200
        assert response.headers["Cache-Control"] == "no-cache", url


def test_changed_file_changes_its_url(tmp_path):
    (tmp_path / "site.js").write_text("let a = 1;\n")

    def url_of_site_js() -> str:
        app = Flask("probe", static_folder=str(tmp_path), static_url_path="/static")
        static_files.init_app(app)
        with app.test_request_context():
            return url_for("static", filename="site.js")

    before = url_of_site_js()
    assert before == "/static/site.js?v=" + hashlib.sha256(b"let a = 1;\n").hexdigest()[:12]
    assert url_of_site_js() == before
    (tmp_path / "site.js").write_text("let a = 2;\n")
    after = url_of_site_js()
    assert after != before
    assert after == "/static/site.js?v=" + hashlib.sha256(b"let a = 2;\n").hexdigest()[:12]


def test_files_outside_the_folder_get_no_hash(tmp_path):
    app = Flask("probe", static_folder=str(tmp_path), static_url_path="/static")
    static_files.init_app(app)
    with app.test_request_context():
        assert url_for("static", filename="absent.css") == "/static/absent.css"
