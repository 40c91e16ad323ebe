"""`flask --app wsgi draw …`: the draw record of a task, and its verification from the database."""

from __future__ import annotations

import json
import sys

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from bidding.draws.records import draw_record, draws_of, verify_task
from market.tasks import get_task
from market.validation import NotFound

draw_cli = AppGroup("draw", help="Verifiable draws.")


def _session():
    return current_app.extensions["market.db"].session()


@draw_cli.command("verify")
@click.argument("task_number")
def draw_verify(task_number: str):
    """Recompute TASK's draw record from the database; exit 1 naming each discrepancy."""
    with _session() as session:
        try:
            task = get_task(session, task_number)
        except NotFound:
            click.echo(f"no task {task_number}", err=True)
            sys.exit(2)
        problems = verify_task(session, task)
        drew = bool(draws_of(session, task))
    if problems:
        for problem in problems:
            click.echo(f"MISMATCH {task_number}: {problem}", err=True)
        sys.exit(1)
    click.echo(f"draw record of {task_number} OK" + ("" if drew else ": no draw"))


@draw_cli.command("show")
@click.argument("task_number")
def draw_show(task_number: str):
    """Print TASK's draw record (the JSON that verify_draw_standalone.py reads), in full: whoever
    runs the platform's commands is its operator, who may know the panel while it marks."""
    with _session() as session:
        try:
            record = draw_record(session, get_task(session, task_number), with_draws=True)
        except NotFound:
            click.echo(f"no task {task_number}", err=True)
            sys.exit(2)
    click.echo(json.dumps(record, ensure_ascii=False, indent=2))


def init_app(app: Flask) -> None:
    app.cli.add_command(draw_cli)
