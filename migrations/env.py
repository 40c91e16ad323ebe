"""Alembic environment: the same migrations build the schema on SQLite and PostgreSQL.

The target metadata is the composed platform's, complete by construction: this file imports the
composition root (`wsgi`), whose `create_app` composes every package, and each package registers
its own tables on the shared metadata (by importing its models), so a package that adds tables
changes nothing here. `flask --app wsgi db upgrade` and the tests hand over the database of the
app they composed (`market.cli.alembic_config`); a bare `alembic …` command migrates the database
of the platform composed from the environment.
"""

from __future__ import annotations

from alembic import context
from sqlmodel.sql.sqltypes import AutoString

import wsgi
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
    return config.attributes.get("database") or wsgi.app.extensions["market.db"]


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
