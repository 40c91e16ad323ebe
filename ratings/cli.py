"""`flask --app wsgi credit …`: the agencies' standing recomputed from their credit events."""

from __future__ import annotations

import time

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from market.policy import registry_of
from ratings.credit_policy import SECTION
from ratings.standing import policy_version, recompute_all

credit_cli = AppGroup("credit", help="Agencies' credit scores.")


@credit_cli.command("recompute")
@click.option(
    "--batch", default=1000, show_default=True, help="Rows read and agencies reindexed at a time."
)
def credit_recompute(batch: int):
    """Recompute every agency's score as of now from its events (streamed, one agency in memory
    at a time); write and reindex the ones that changed. Running it again changes nothing."""
    registry = registry_of(current_app)
    started = time.perf_counter()
    with current_app.extensions["market.db"].transaction() as session:
        seen, changed = recompute_all(
            session, registry.section(SECTION.name), policy_version(session, registry), batch
        )
    click.echo(
        f"{seen} agencies with events recomputed, {changed} changed "
        f"({time.perf_counter() - started:.1f} s)"
    )


def init_app(app: Flask) -> None:
    app.cli.add_command(credit_cli)
