"""``mailmatrix backfill``: learn from a user's whole mailbox at the terminal.

With the grant the user gave from the panel (Gmail's offline consent, Outlook's stored msal
cache), or for Microsoft 365 with the app's own ``Mail.Read`` application permission
(``--app-only``, after an administrator consented for the organization). Interrupted, the next
run continues where this one stopped.
"""

from __future__ import annotations

import sys

import click
from flask import current_app
from flask.cli import with_appcontext

from mailmatrix.auth.principal import Principal
from mailmatrix.customers.db import database_of
from mailmatrix.customers.errors import DecisionError, NotFound
from mailmatrix.customers.users import operator_principal
from mailmatrix.mailboxes.backfill import MAX_MONTHS, Progress, run_backfill
from mailmatrix.mailboxes.backfill_runs import app_only_source, google_source, microsoft_source
from mailmatrix.mailboxes.backfill_source import BackfillSource
from mailmatrix.mailboxes.grants import GrantsUnavailable, Sealer
from mailmatrix.mailboxes.setup import GMAIL, GOOGLE_GRANTS, GRAPH, ON_BEHALF_OF


@click.command("backfill")
@click.option("--user", "email", required=True, help="The user whose mailbox is read.")
@click.option("--tenant", type=int, default=None,
              help="The user's organization (MailMatrix id), if the address is in several.")
@click.option("--provider", type=click.Choice(["microsoft", "google"]), required=True)
@click.option("--months", type=click.IntRange(1, MAX_MONTHS), default=None,
              help="How far back (default: MAILMATRIX_BACKFILL_MONTHS, else 12).")
@click.option("--app-only", "entra_tenant", default=None, metavar="ENTRA_TENANT_ID",
              help="Microsoft: read with the app's Mail.Read application permission in this "
                   "Entra tenant (admin consent) instead of the user's own grant.")
@with_appcontext
def backfill_command(email: str, tenant: int | None, provider: str, months: int | None,
                     entra_tenant: str | None) -> None:
    """Learn from a user's mailbox: the headers of the last months, resumable."""
    database = database_of(current_app)
    try:
        principal = operator_principal(database, email, tenant)
        source = _source(principal, provider, entra_tenant)
    except (DecisionError, NotFound, GrantsUnavailable) as error:
        raise click.ClickException(str(error)) from None
    on_terminal = sys.stderr.isatty()

    def show(progress: Progress) -> None:
        total = f" of about {progress.estimated_total:,}" if progress.estimated_total else ""
        line = (f"{progress.read:,}{total} messages read ({progress.new:,} new): "
                f"{progress.state}{' - ' + progress.detail if progress.detail else ''}")
        if on_terminal:
            click.echo(f"\r{line[:150]:<150}", nl=False, err=True)

    try:
        final = run_backfill(database, principal, source, months=months or int(
            current_app.config.get("BACKFILL_MONTHS") or 12), on_progress=show)
    except KeyboardInterrupt:
        click.echo("\nstopped: run the same command again to continue", err=True)
        sys.exit(130)
    if on_terminal:
        click.echo(err=True)
    click.echo(f"{final.state}: {final.read:,} messages read, {final.new:,} new"
               + (f" ({final.detail})" if final.detail else ""))
    if final.state != "done":
        sys.exit(1)


def _source(principal: Principal, provider: str, entra_tenant: str | None) -> BackfillSource:
    database, exchange = database_of(current_app), current_app.extensions[ON_BEHALF_OF]
    if provider == "microsoft" and exchange is None:
        raise click.ClickException("set MAILMATRIX_ENTRA_CLIENT_ID and "
                                   "MAILMATRIX_ENTRA_CLIENT_SECRET")
    if provider == "microsoft" and entra_tenant:
        return app_only_source(exchange, entra_tenant, principal.email,
                               current_app.extensions[GRAPH])
    sealer = Sealer.from_setting(current_app.config.get("GRANTS_KEYS"))
    if provider == "microsoft":
        return microsoft_source(database, principal, exchange, sealer,
                                current_app.extensions[GRAPH])
    grants = current_app.extensions[GOOGLE_GRANTS]
    if grants is None:
        raise click.ClickException("set MAILMATRIX_GOOGLE_OAUTH_CLIENT_ID and "
                                   "MAILMATRIX_GOOGLE_OAUTH_CLIENT_SECRET")
    return google_source(database, principal, grants, sealer,
                         current_app.extensions[GMAIL].client.http_factory)
