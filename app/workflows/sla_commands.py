"""`flask sla …`: the minute tick (warnings, escalations and the periodic jobs the document
types declare) and seeding the deadline policies, settings and reference data. Commands
are boundaries: each commits its own work."""
from __future__ import annotations

from datetime import datetime

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy.orm.exc import StaleDataError

from app.models.base import local_now
from app.models.settings import seed_settings
from app.workflows.deadlines import seed_policies, tick
from app.workflows.registry import document_types

sla_cli = AppGroup("sla", help="Deadlines: warnings and escalations.")


@sla_cli.command("tick")
@click.option("--now", "now_text", default=None,
              help="Pretend it is this local time of the estates (YYYY-MM-DD HH:MM), for tests "
                   "and drills.")
@click.option("--batch", default=500, show_default=True, help="Timers per transaction.")
def sla_tick(now_text: str | None, batch: int) -> None:
    """Warn and escalate every due deadline once; run it every minute from cron."""
    now = datetime.fromisoformat(now_text) if now_text else None
    result = tick(now, batch=batch)
    upgraded = run_periodic_jobs(now or local_now())
    click.echo(f"checked {result.checked}, warnings {result.warnings}, "
               f"escalations {result.escalations}, notifications {result.notifications}, "
               f"periodic jobs changed {upgraded} records")


def run_periodic_jobs(now: datetime) -> int:
    """The jobs the document types declare, riding on the minute tick (e.g. responsible
    complaints unresolved after a month become major, R-CP-4 c). Each job commits on its
    own; another host doing the same at once loses on the version check and changes
    nothing."""
    session = current_app.appbuilder.session
    done = 0
    for document in document_types().values():
        for job in document.periodic_jobs:
            try:
                done += job(session, now)
                session.commit()
            except StaleDataError:
                session.rollback()
    return done


@sla_cli.command("seed")
def sla_seed() -> None:
    """Create the default deadline policies and settings that are missing (admin
    edits are kept)."""
    session = current_app.appbuilder.session
    added = seed_policies(session)
    settings = seed_settings(session)
    for document in document_types().values():
        for seed in document.seeds:
            click.echo(f"{document.doc_type}: {seed(session)} rows of reference data added")
    session.commit()
    click.echo(f"{added} deadline policies and {settings} settings added")
