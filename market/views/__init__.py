"""Server-rendered pages of the platform core."""
from __future__ import annotations

from flask import Flask

from market.workdays import SHANGHAI


def fen_to_yuan(fen: int | None) -> str:
    if fen is None:
        return ""
    yuan, rest = divmod(int(fen), 100)
    return f"{yuan:,}.{rest:02d}"


def shanghai_time(value) -> str:
    if value is None:
        return ""
    return value.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M")


def init_views(app: Flask) -> None:
    from market import web
    from market.models.catalog import CATEGORIES
    from market.views import account, admin, auth, public, regulator

    for module in (public, auth, account, admin, regulator):
        app.register_blueprint(module.bp)

    app.jinja_env.filters["yuan"] = fen_to_yuan
    app.jinja_env.filters["shanghai"] = shanghai_time
    app.jinja_env.globals.update(
        localized=web.localized, lang=web.lang, viewer_org=web.viewer_org,
        categories=CATEGORIES, translate=web.translate,
    )
