"""`flask --app wsgi …` commands of the platform core."""

from __future__ import annotations

import csv
import sys
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup
from sqlmodel import select

from market import accounts, audit, catalog, heap, holidays, policy
from market.config import ROOT
from market.demo import load_all
from market.jobs import run_scheduler
from market.models import User
from market.search.cli import search_cli
from market.validation import Invalid


def _db():
    return current_app.extensions["market.db"]


def alembic_config():
    # Deferred: Alembic (~0.2 s to import) serves the migration commands only, not the web workers.
    from alembic.config import Config

    cfg = Config(str(ROOT / "alembic.ini"))
    cfg.set_main_option("script_location", str(ROOT / "migrations"))
    cfg.attributes["database"] = _db()
    return cfg


db_cli = AppGroup("db", help="Database migrations.")


@db_cli.command("upgrade")
@click.argument("revision", default="head")
def db_upgrade(revision: str):
    """Migrate the database to REVISION (default: head)."""
    # Deferred: Alembic (~0.2 s to import) serves the migration commands only, not the web workers.
    from alembic import command

    if _db().url.startswith("sqlite:///"):
        Path(_db().url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    command.upgrade(alembic_config(), revision)
    click.echo(f"database at {revision}")


seed_cli = AppGroup("seed", help="Seed data.")


@seed_cli.command("catalog")
def seed_catalog():
    """Insert the service catalog items that are missing."""
    with _db().transaction() as session:
        click.echo(f"{catalog.seed_catalog(session)} service items added")


@seed_cli.command("demo")
def seed_demo():
    """Load demo data for every role, and a task at every stage (once; a second run changes
    nothing)."""
    with _db().transaction() as session:
        for line in load_all(current_app, session):
            click.echo(line)


audit_cli = AppGroup("audit", help="The hash-chained audit log.")


@audit_cli.command("verify")
def audit_verify():
    """Recompute the chain; exit 1 and name every bad row if it was tampered with."""
    with _db().session() as session:
        problems = audit.verify(session)
        count = session.get(audit.AuditHead, 1)
    if problems:
        for p in problems:
            click.echo(f"TAMPERED seq {p.seq}: {p.message}", err=True)
        sys.exit(1)
    click.echo(f"audit chain OK ({count.seq if count else 0} events)")


@audit_cli.command("publish")
def audit_publish():
    """Publish today's chain head now (the scheduler does it daily)."""
    with _db().transaction() as session:
        cp = audit.publish_checkpoint(session)
        click.echo(f"{cp.day} seq {cp.seq} {cp.hash}")


calendar_cli = AppGroup("calendar", help="The working-day calendar.")


@calendar_cli.command("import")
@click.option(
    "--year",
    "years",
    type=int,
    multiple=True,
    help="Year to import (repeatable); default: last, this and next year.",
)
@click.option(
    "--file",
    "path",
    type=click.Path(exists=True, dir_okay=False),
    help="CSV of day,is_workday(0/1),name for a year the package does not know.",
)
def calendar_import(years: tuple[int, ...], path: str | None):
    """Import the official holiday arrangement (from the package, or a CSV file)."""
    with _db().transaction() as session:
        if path:
            with open(path, encoding="utf-8") as fh:
                rows = [r for r in csv.reader(fh) if r and not r[0].startswith("#")]
            for day, workday, *name in rows:
                try:
                    # Only 0 or 1: anything else (a "yes", a typo) must not become a holiday.
                    holidays.set_day(
                        session,
                        None,
                        {
                            "day": day.strip(),
                            "is_workday": {"1": True, "0": False}.get(workday.strip()),
                            "name": (name or [""])[0].strip(),
                            "mark_year_known": True,
                        },
                    )
                except Invalid as exc:
                    for field, messages in exc.errors.items():
                        for m in messages:
                            click.echo(
                                f"{','.join([day, workday, *name])}: {field}: "
                                f"{m.msgid % dict(m.params) if m.params else m.msgid}",
                                err=True,
                            )
                    sys.exit(2)  # inside the transaction: nothing of the file is kept
            click.echo(f"{len(rows)} days imported from {path}")
            return
        known = holidays.import_official(session, list(years) or None)
    missing = sorted(set(years) - set(known))
    click.echo(f"imported years: {', '.join(map(str, known)) or 'none'}")
    if missing:
        click.echo(
            f"WARNING: the package does not know {missing}; those years fall back to "
            "weekends only until an operator enters them (--file or the calendar page).",
            err=True,
        )


accounts_cli = AppGroup("accounts", help="Accounts made by the platform's operators.")


@accounts_cli.command("create")
@click.option(
    "--kind", type=click.Choice(["department", "regulator", "expert", "operator"]), required=True
)
@click.option("--name", required=True, help="Organization (or expert's) name.")
@click.option("--user-name", required=True)
@click.option("--email", required=True)
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
@click.option("--region-code", default=None)
@click.option("--category", "categories", multiple=True)
@click.option("--region-prefix", "region_prefixes", multiple=True)
def accounts_create(**data):
    """Create a department, regulator, expert or operator account."""
    data["categories"], data["region_prefixes"] = (
        list(data["categories"]),
        list(data["region_prefixes"]),
    )
    try:
        with _db().transaction() as session:
            user, secret = accounts.create_by_operator(session, None, data, from_cli=True)
    except Invalid as exc:
        for field, messages in exc.errors.items():
            for m in messages:
                click.echo(
                    f"{field}: {m.msgid % dict(m.params) if m.params else m.msgid}", err=True
                )
        sys.exit(2)
    click.echo(f"created user {user.email} (organization {user.organization_id})")
    if secret:
        click.echo(f"TOTP secret (shown once): {secret}")
        click.echo(f"otpauth URI: {accounts.provisioning_uri(user, secret)}")


@accounts_cli.command("totp")
@click.argument("email")
def accounts_totp(email: str):
    """Print the current authenticator code of an account (demo and local use)."""
    with _db().session() as session:
        user = session.exec(select(User).where(User.email == email.lower())).first()
    if user is None or not user.totp_secret:
        click.echo("no such account with a second factor", err=True)
        sys.exit(1)
    click.echo(accounts.current_totp(user.totp_secret))


policy_cli = AppGroup("policy", help="The policy in force and its recorded versions.")


@policy_cli.command("record")
def policy_record():
    """Record the policy in force as the next version, unless it is the latest (a deploy step,
    after `db upgrade`; running it again changes nothing)."""
    with _db().transaction() as session:
        row, created = policy.record(session, policy.registry_of(current_app))
    state = "recorded" if created else "already recorded"
    click.echo(f"policy version {row.version} {state} (sha256 {row.sha256})")


scheduler_cli = AppGroup("scheduler", help="The scheduler process.")


@scheduler_cli.command("run")
def scheduler_run():
    """Run the sweeps (its own process; never inside web workers)."""
    heap.freeze()  # the app is built: its start-up heap out of the collector's way
    run_scheduler(current_app._get_current_object())


def init_app(app: Flask) -> None:
    for group in (db_cli, seed_cli, audit_cli, calendar_cli, accounts_cli, scheduler_cli):
        app.cli.add_command(group)
    app.cli.add_command(policy_cli)
    app.cli.add_command(search_cli)
