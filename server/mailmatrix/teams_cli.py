"""The server operator's commands for teams and privacy: ``mailmatrix users``, ``audit``,
``gdpr`` and ``prune`` (safe to run from cron)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import TypeVar

import click
from flask import current_app
from flask.cli import AppGroup, with_appcontext

from mailmatrix.customers import gdpr
from mailmatrix.customers.audit import audit_log
from mailmatrix.customers.db import database_of
from mailmatrix.customers.errors import DecisionError
from mailmatrix.customers.users import (
    list_users,
    operator_principal,
    set_role,
    tenant_of_email,
    tenants_with_retention,
)

T = TypeVar("T")
AS_USER = click.option("--as", "as_user", required=True, metavar="EMAIL",
                       help="An admin of the organization (recorded in the audit log).")
TENANT = click.option("--tenant", type=int, default=None,
                      help="The organization's id, when the address is known in several.")


def _run(action: Callable[..., T], *arguments: object, **options: object) -> T:
    try:
        return action(*arguments, **options)
    except DecisionError as error:
        raise click.ClickException(str(error)) from None


@click.group("users", cls=AppGroup)
def users_group() -> None:
    """List users and grant or revoke admin."""


@users_group.command("list")
@TENANT
@with_appcontext
def users_list(tenant: int | None) -> None:
    for user in list_users(database_of(current_app), tenant):
        click.echo(f"{user.tenant_id}\t{user.email}\t{user.role}\t{user.display_name}")


@users_group.command("grant-admin")
@click.argument("email")
@TENANT
@with_appcontext
def grant_admin(email: str, tenant: int | None) -> None:
    _set_role(email, tenant, "admin")
    click.echo(f"{email} is an admin")


@users_group.command("revoke-admin")
@click.argument("email")
@TENANT
@with_appcontext
def revoke_admin(email: str, tenant: int | None) -> None:
    _set_role(email, tenant, "member")
    click.echo(f"{email} is a member")


def _set_role(email: str, tenant: int | None, role: str) -> None:
    database = database_of(current_app)
    _run(set_role, database, None, tenant or _run(tenant_of_email, database, email), email,
         role)


@click.command("audit")
@AS_USER
@TENANT
@click.option("--limit", default=50, show_default=True)
@with_appcontext
def audit_command(as_user: str, tenant: int | None, limit: int) -> None:
    """The organization's audit log, newest first, as JSON lines."""
    database = database_of(current_app)
    principal = _run(operator_principal, database, as_user, tenant)
    for event in audit_log(database, principal, limit=limit):
        click.echo(json.dumps(event, ensure_ascii=False))


@click.group("gdpr", cls=AppGroup)
def gdpr_group() -> None:
    """Export or erase everything about a person; lift a suppression."""


@gdpr_group.command("export")
@click.argument("person_id", type=int)
@AS_USER
@TENANT
@with_appcontext
def gdpr_export(person_id: int, as_user: str, tenant: int | None) -> None:
    database = database_of(current_app)
    principal = _run(operator_principal, database, as_user, tenant)
    click.echo(json.dumps(_run(gdpr.export_person, database, principal, person_id),
                          ensure_ascii=False, indent=2))


@gdpr_group.command("erase")
@click.argument("person_id", type=int)
@AS_USER
@TENANT
@click.confirmation_option(prompt="Erase everything about this person?")
@with_appcontext
def gdpr_erase(person_id: int, as_user: str, tenant: int | None) -> None:
    database = database_of(current_app)
    principal = _run(operator_principal, database, as_user, tenant)
    counts = _run(gdpr.erase_person, database, principal, person_id)
    click.echo(json.dumps({"erased": counts}))


@gdpr_group.command("lift")
@click.argument("address")
@AS_USER
@TENANT
@with_appcontext
def gdpr_lift(address: str, as_user: str, tenant: int | None) -> None:
    database = database_of(current_app)
    principal = _run(operator_principal, database, as_user, tenant)
    lifted = _run(gdpr.lift_suppression, database, principal, address)
    click.echo("lifted" if lifted else "was not suppressed")


@click.command("prune")
@with_appcontext
def prune_command() -> None:
    """Delete observations older than each organization's retention (idempotent)."""
    database = database_of(current_app)
    for tenant in tenants_with_retention(database):
        click.echo(json.dumps({"tenant": tenant,
                               "pruned": gdpr.prune_observations(database, tenant)}))


COMMANDS = (users_group, audit_command, gdpr_group, prune_command)
