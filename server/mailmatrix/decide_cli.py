"""``mailmatrix decide ...``: the user's decisions from the command line, as the panel makes
them. Each one is logged with who, when and why, and can be undone."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import TypeVar

import click
from flask.cli import AppGroup, with_appcontext

from mailmatrix.customers import decisions
from mailmatrix.customers.pending import pending_decisions
from mailmatrix.local_context import USER_OPTION, local_database_and_principal

REASON_OPTION = click.option("--reason", default="", help="Why: kept in the decision log.")
T = TypeVar("T")


@click.group("decide", cls=AppGroup)
def decide_group() -> None:
    """Confirm or reject links, undo, pin, label, formal channels, company domains."""


def _run(action: Callable[..., T], *arguments: object) -> T:
    try:
        return action(*arguments)
    except decisions.DecisionError as error:
        raise click.ClickException(str(error)) from None


@decide_group.command("list")
@click.option("--json", "as_json", is_flag=True, help="As JSON.")
@USER_OPTION
@with_appcontext
def list_command(as_json: bool, user: str | None) -> None:
    """Suggestions waiting for you, and your latest decisions."""
    database, principal = local_database_and_principal(user)
    waiting = pending_decisions(database, principal)
    if as_json:
        click.echo(json.dumps(waiting, ensure_ascii=False, indent=2))
        return
    for item in waiting["links"]:
        click.echo(f"link?   {item['address']} is person {item['person_id']} "
                   f"({item['person']}), {item['confidence']:.2f}: "
                   f"{'; '.join(item['reasons'])}")
    for item in waiting["domains"]:
        click.echo(f"domain? {item['domain']} belongs to {item['company']}: "
                   f"{'; '.join(item['reasons'])}")
    for item in waiting["decisions"]:
        click.echo(f"#{item['id']} {item['at'][:16]} {item['decision']} {item['address']} "
                   f"person {item['person_id']}" + (f": {item['reason']}"
                                                    if item["reason"] else ""))


@decide_group.command("confirm")
@click.argument("address")
@click.argument("person_id", type=int)
@REASON_OPTION
@USER_OPTION
@with_appcontext
def confirm_command(address: str, person_id: int, reason: str, user: str | None) -> None:
    """ADDRESS is person PERSON_ID."""
    database, principal = local_database_and_principal(user)
    number = _run(decisions.confirm_link, database, principal, address, person_id, reason)
    click.echo(f"decision #{number}: {address} is person {person_id}")


@decide_group.command("reject")
@click.argument("address")
@click.argument("person_id", type=int)
@REASON_OPTION
@USER_OPTION
@with_appcontext
def reject_command(address: str, person_id: int, reason: str, user: str | None) -> None:
    """ADDRESS is not person PERSON_ID: never suggested or linked again."""
    database, principal = local_database_and_principal(user)
    number = _run(decisions.reject_link, database, principal, address, person_id, reason)
    click.echo(f"decision #{number}: {address} is not person {person_id}")


@decide_group.command("undo")
@click.argument("decision_id", type=int)
@REASON_OPTION
@USER_OPTION
@with_appcontext
def undo_command(decision_id: int, reason: str, user: str | None) -> None:
    """Undo decision DECISION_ID: the state before it comes back."""
    database, principal = local_database_and_principal(user)
    number = _run(decisions.undo, database, principal, decision_id, reason)
    click.echo(f"decision #{number}: undid #{decision_id}")


@decide_group.command("pin")
@click.argument("person_id", type=int)
@click.argument("address", required=False)
@USER_OPTION
@with_appcontext
def pin_command(person_id: int, address: str | None, user: str | None) -> None:
    """Make ADDRESS the primary for formal matters of PERSON_ID (no ADDRESS: unpin)."""
    database, principal = local_database_and_principal(user)
    _run(decisions.pin_primary, database, principal, person_id, address)
    click.echo(f"person {person_id}: primary {'pinned to ' + address if address else 'unpinned'}")


@decide_group.command("label")
@click.argument("address")
@click.argument("label", required=False)
@USER_OPTION
@with_appcontext
def label_command(address: str, label: str | None, user: str | None) -> None:
    """Label ADDRESS ("private", "China office"); no LABEL clears it."""
    database, principal = local_database_and_principal(user)
    _run(decisions.label_address, database, principal, address, label)
    click.echo(f"{address}: {'labelled ' + repr(label) if label else 'label cleared'}")


@decide_group.command("formal-channel")
@click.argument("company_address")
@click.argument("purpose", type=click.Choice(decisions.FORMAL_PURPOSES))
@click.argument("address", required=False)
@USER_OPTION
@with_appcontext
def formal_channel_command(company_address: str, purpose: str, address: str | None,
                           user: str | None) -> None:
    """The company of COMPANY_ADDRESS takes PURPOSE at ADDRESS (no ADDRESS: clear)."""
    database, principal = local_database_and_principal(user)
    _run(decisions.set_formal_channel, database, principal, purpose, address, company_address)
    click.echo(f"{purpose}: {address or 'cleared'}")


@decide_group.command("join-domain")
@click.argument("company_address")
@click.argument("domain")
@USER_OPTION
@with_appcontext
def join_domain_command(company_address: str, domain: str, user: str | None) -> None:
    """DOMAIN belongs to the company of COMPANY_ADDRESS too."""
    database, principal = local_database_and_principal(user)
    _run(decisions.join_company_domain, database, principal, domain, company_address)
    click.echo(f"{domain} joined the company of {company_address}")


@decide_group.command("keep-domain-apart")
@click.argument("company_address")
@click.argument("domain")
@USER_OPTION
@with_appcontext
def keep_domain_apart_command(company_address: str, domain: str, user: str | None) -> None:
    """DOMAIN is not the company of COMPANY_ADDRESS: never suggested again."""
    database, principal = local_database_and_principal(user)
    _run(decisions.keep_domain_apart, database, principal, domain, company_address)
    click.echo(f"{domain} stays apart from the company of {company_address}")
