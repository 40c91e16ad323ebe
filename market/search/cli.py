"""`flask --app wsgi search …`: rebuild indexes from the database, show the outbox."""

from __future__ import annotations

import sys

import click
from flask import current_app
from flask.cli import AppGroup

from market import search
from market.search.outbox import pending

search_cli = AppGroup("search", help="Full-text search indexes.")


@search_cli.command("reindex")
@click.argument("index_name", required=False, metavar="[INDEX]")
def reindex_command(index_name: str | None):
    """Rebuild INDEX (default: every index) from the database; with Meilisearch configured,
    apply its settings (searchable, filterable and sortable attributes, synonyms) and reload it."""
    names = [index_name] if index_name else list(search.REGISTRY)
    unknown = [n for n in names if n not in search.REGISTRY]
    if unknown:
        click.echo(f"unknown index {unknown[0]!r}; indexes: {', '.join(search.REGISTRY)}", err=True)
        sys.exit(2)
    db = current_app.extensions["market.db"]
    failed = False
    for name in names:
        with db.transaction() as session:
            total = sum(1 for _ in search.get_index(name).ids(session))
            with click.progressbar(length=total, label=f"{name:<14}") as bar:
                report = search.reindex(session, name, on_progress=bar.update)
        engines = "embedded" + (
            ""
            if search.installed(db).meilisearch is None or report.meilisearch_error
            else " + Meilisearch"
        )
        click.echo(f"{name}: {report.documents} documents indexed ({engines})")
        if report.meilisearch_error:
            failed = True
            click.echo(f"{name}: Meilisearch was not updated: {report.meilisearch_error}", err=True)
    if failed:
        sys.exit(1)


@search_cli.command("outbox")
def outbox_command():
    """Show what is waiting for Meilisearch."""
    with current_app.extensions["market.db"].session() as session:
        rows = pending(session)
    click.echo(f"{len(rows)} documents waiting")
    for row in rows[:20]:
        click.echo(
            f"  {row.index_name}/{row.doc_id} attempts={row.attempts} "
            f"next={row.next_attempt_at.isoformat()} {row.last_error or ''}"
        )
