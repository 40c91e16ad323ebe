"""The migrated schema equals the models, on the database under test, and Alembic has one head."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory

from market.cli import alembic_config
from market.db import include_object, metadata


def test_alembic_has_a_single_head(app):
    with app.app_context():
        script = ScriptDirectory.from_config(alembic_config())
    assert len(script.get_heads()) == 1


def test_migrated_schema_matches_the_models(app):
    conn = app.extensions["market.db"].bind  # the test's connection (SQLite allows one writer)
    context = MigrationContext.configure(
        conn,
        opts={"compare_type": True, "include_object": include_object, "target_metadata": metadata},
    )
    diff = compare_metadata(context, metadata)
    assert diff == []
