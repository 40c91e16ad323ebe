"""Static files with content hashes in their URLs (docs/architecture.md, "Static files").

At start the app reads every file of its static folder once and keeps a short SHA-256 of each;
`url_for('static', filename=…)` then adds `?v=<hash>`, so a changed file gets a new URL. A request
whose `v` is the file's current hash is answered with `Cache-Control: public, max-age=31536000,
immutable` (a browser never asks again); any other request for a static file keeps Flask's
revalidating default, so a stale or missing hash is never cached for long.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from flask import Flask, request

#: What a hashed URL's response says: a year, and never revalidated.
IMMUTABLE = "public, max-age=31536000, immutable"
#: The query parameter that carries a file's hash.
PARAM = "v"
HASH_LENGTH = 12


def file_hashes(folder: str | Path) -> dict[str, str]:
    """A short content hash of every file under `folder`, by its path relative to it (with `/`)."""
    root = Path(folder)
    if not root.is_dir():
        return {}
    return {
        path.relative_to(root).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()[
            :HASH_LENGTH
        ]
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


def init_app(app: Flask) -> None:
    hashes = file_hashes(app.static_folder) if app.static_folder else {}
    app.extensions["market.static_hashes"] = hashes

    @app.url_defaults
    def add_static_hash(endpoint: str | None, values: dict) -> None:
        if endpoint == "static" and PARAM not in values:
            digest = hashes.get(values.get("filename", ""))
            if digest:
                values[PARAM] = digest

    @app.after_request
    def cache_hashed_static(response):
        if (
            request.endpoint == "static"
            and response.status_code == 200
            and request.view_args is not None
            and hashes.get(request.view_args.get("filename", "")) == request.args.get(PARAM)
            and request.args.get(PARAM)
        ):
            response.headers["Cache-Control"] = IMMUTABLE
            response.expires = None
        return response
