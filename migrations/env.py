"""Alembic environment: the same migrations build the schema on SQLite and PostgreSQL."""

from __future__ import annotations

from alembic import context
from sqlmodel.sql.sqltypes import AutoString

import bidding.models  # noqa: F401  (registers bidding's tables, so autogenerate never drops them)
import market.models  # noqa: F401  (registers the core tables)
from market.db import Database, UTCDateTime, include_object, metadata

config = context.config


def render_item(type_, obj, autogen_context):
    """Write plain SQLAlchemy types into migrations, so they never import application code."""
    if type_ == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    if type_ == "type" and isinstance(obj, AutoString):
        return f"sa.String(length={obj.length})" if obj.length else "sa.String()"
    return False


def _database() -> Database:
    db = config.attributes.get("database")
    if db is None:
        import os

        from market.config import from_environment

        db = Database(os.environ.get("DATABASE_URL") or from_environment()["DATABASE_URL"])
    return db


def run_migrations() -> None:
    db = _database()
    connection = config.attributes.get("connection")
    options = dict(
        target_metadata=metadata,
        include_object=include_object,
        render_item=render_item,
        compare_type=True,
        render_as_batch=True,
    )
    if connection is not None:
        context.configure(connection=connection, **options)
        with context.begin_transaction():
            context.run_migrations()
        return
    with db.engine.connect() as conn:
        context.configure(connection=conn, **options)
        with context.begin_transaction():
            context.run_migrations()
        conn.commit()


run_migrations()
