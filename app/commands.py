"""CLI commands: `flask roles sync`, `flask demo load`, `flask demo scale`, `flask backup`,
`flask restore` (the calendar and deadline commands register from their own modules)."""
from __future__ import annotations

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from app.backup import backup_command, restore_command
from app.demo import load_demo
from app.security.permissions import ROLE_ADMIN
from app.security.roles import role_permissions, transition_permissions
from app.workflows.calendar import calendar_cli
from app.workflows.sla_commands import sla_cli
from app.workflows.survey_follow_up import surveys_cli

roles_cli = AppGroup("roles", help="Built-in roles and their permissions.")
demo_cli = AppGroup("demo", help="Demo data for trying the product.")


def sync_roles(reset: bool = False) -> dict[str, int]:
    """Create the built-in roles and grant their default permissions (idempotent).

    Admin customisations are kept unless `reset` is given, which makes every built-in
    role exactly its default again.
    """
    roles = role_permissions()
    transitions = transition_permissions()
    sm = current_app.appbuilder.sm
    granted: dict[str, int] = {}
    if sm.find_role(ROLE_ADMIN) is None:
        sm.add_role(ROLE_ADMIN)
    for name, perms in roles.items():
        role = sm.find_role(name) or sm.add_role(name)
        perms = perms | transitions.get(name, set())
        wanted = {sm.add_permission_view_menu(a, r) for a, r in sorted(perms)}
        if reset:
            role.permissions = sorted(wanted, key=lambda pv: pv.id)
        else:
            have = set(role.permissions)
            role.permissions = list(role.permissions) + sorted(wanted - have,
                                                               key=lambda pv: pv.id)
        granted[name] = len(wanted)
    admin = sm.find_role(ROLE_ADMIN)
    every = {pv for perms in [*roles.values(), *transitions.values()] for pv in
             (sm.find_permission_view_menu(a, r) for a, r in perms) if pv is not None}
    admin.permissions = list(set(admin.permissions) | every)
    sm.session.commit()
    return granted


@roles_cli.command("sync")
@click.option("--reset", is_flag=True, help="Drop permissions admins added to built-in roles.")
def roles_sync(reset: bool) -> None:
    for name, count in sync_roles(reset).items():
        click.echo(f"{name}: {count} permissions")


@demo_cli.command("load")
def demo_load() -> None:
    """Load (or top up) the demo company, estates, residents and one user per role."""
    summary = load_demo()
    for line in summary:
        click.echo(line)


@demo_cli.command("scale")
@click.option("--factor", type=float, default=1.0, show_default=True,
              help="Share of the full shape: 0.01 builds 1,000 units and 10,000 work orders.")
def demo_scale(factor: float) -> None:
    """Add a company at scale (PostgreSQL): 100,000 units, 200,000 residents, 1,000,000
    work orders, 300,000 complaints, their revisits and deadline timers."""
    from time import perf_counter

    from app.demo.scale import Shape, build_scale_data
    from app.extensions import db

    if db.engine.dialect.name != "postgresql":
        raise click.ClickException("Scale data is built on PostgreSQL only: set DATABASE_URL.")
    started = perf_counter()
    try:
        added = build_scale_data(db.session, Shape().scaled(factor))
    except RuntimeError as error:
        db.session.rollback()
        raise click.ClickException(str(error)) from error
    db.session.commit()
    for what, count in added.items():
        click.echo(f"{what}: {count:,}")
    click.echo(f"built in {perf_counter() - started:.0f} s")


def register_commands(app: Flask) -> None:
    app.cli.add_command(roles_cli)
    app.cli.add_command(demo_cli)

    app.cli.add_command(calendar_cli)
    app.cli.add_command(sla_cli)
    app.cli.add_command(surveys_cli)

    app.cli.add_command(backup_command)
    app.cli.add_command(restore_command)
