"""Alembic environment: the same migrations build the schema on SQLite and PostgreSQL.

The target metadata is the composed platform's, complete by construction: composing the platform
(`wsgi.create_app`) lets each package register its own tables on the shared metadata (by importing
its models), so a package that adds tables changes nothing here. `flask --app wsgi db upgrade` and
the tests hand over the database of the app they composed (`market.cli.alembic_config`); only a
bare `alembic …` command composes the platform from the environment here.
"""

from __future__ import annotations

from alembic import context
from sqlmodel.sql.sqltypes import AutoString

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
    handed = config.attributes.get("database")
    if handed is not None:
        return handed  # its app is composed, so every package's tables are on the metadata
    # A bare `alembic` run. Imported here, not at the top: importing `wsgi` composes an app from
    # the environment (installing its keys), which must not happen when an app handed its own.
    import wsgi

    return wsgi.app.extensions["market.db"]


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
