"""``mailmatrix`` commands, built on Flask's CLI so each one can reach the app's configuration."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Iterator
from contextlib import nullcontext
from datetime import UTC, datetime
from typing import TextIO

import click
from flask import current_app
from flask.cli import FlaskGroup, with_appcontext
from werkzeug.serving import run_simple

from mailmatrix.addin_manifest import Deployment, ManifestError, render_manifest
from mailmatrix.addresses.classify import AddressReport, classify_address
from mailmatrix.addresses.errors import InvalidAddress
from mailmatrix.app import create_app
from mailmatrix.backfill_cli import backfill_command
from mailmatrix.customers.contacts import read_contacts
from mailmatrix.customers.contacts_import import import_contacts
from mailmatrix.customers.db import database_of
from mailmatrix.customers.export import export_graph
from mailmatrix.customers.ingest import ingest_paths
from mailmatrix.customers.message_sources import input_size
from mailmatrix.customers.profile import profile
from mailmatrix.decide_cli import decide_group
from mailmatrix.gmail_deployment import DeploymentError, render_deployment
from mailmatrix.local_context import USER_OPTION, local_database_and_principal
from mailmatrix.mx_lookup import mx_lookup_of
from mailmatrix.teams_cli import COMMANDS as TEAM_COMMANDS
from mailmatrix.web.demo_mailbox import seed_demo


@click.group(cls=FlaskGroup, create_app=create_app, add_default_commands=True)
def main() -> None:
    """MailMatrix: one customer, many mailboxes."""


main.add_command(decide_group)
main.add_command(backfill_command)
for command in TEAM_COMMANDS:
    main.add_command(command)


def _inputs(arguments: tuple[str, ...]) -> Iterator[str]:
    """The arguments, or one item per non-empty line of standard input."""
    if arguments:
        yield from arguments
        return
    for line in sys.stdin:
        line = line.rstrip("\r\n")
        if line.strip():
            yield line


@main.command("classify")
@click.argument("addresses", nargs=-1)
@click.option("--json", "as_json", is_flag=True, help="One JSON object per line.")
@click.option("--dns/--no-dns", default=False, show_default=True,
              help="Look up MX records to name the hosting of corporate domains.")
@with_appcontext
def classify_command(addresses: tuple[str, ...], as_json: bool, dns: bool) -> None:
    """Classify addresses (arguments, or one per line on standard input)."""
    lookup = mx_lookup_of(current_app)
    mx_hosts = lookup.lookup_now if dns else None
    try:
        for text in _inputs(addresses):
            report = classify_address(text, mx_hosts=mx_hosts)
            click.echo(json.dumps(report.as_dict(), ensure_ascii=False) if as_json
                       else _describe(report))
    finally:
        lookup.close()


def _describe(report: AddressReport) -> str:
    if not report.valid:
        return f"{report.input}\tinvalid: {report.error}"
    facts = [report.kind or "", report.provider or report.registrable_domain or ""]
    if report.region:
        facts.append(report.region)
    if report.role:
        facts.append(f"role={report.role}")
    if report.hosting:
        facts.append(f"hosting={report.hosting}")
    return f"{report.input}\t{report.canonical}\t" + ", ".join(facts)


@main.command("lookalike")
@click.argument("domains", nargs=-1)
@click.option("--known", "known_file", type=click.File("r", encoding="utf-8"), required=True,
              help="File of known customer domains, one per line (# starts a comment).")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per line.")
def lookalike_command(domains: tuple[str, ...], known_file: Iterable[str], as_json: bool) -> None:
    """Tell whether domains imitate a known customer domain (or a well-known provider)."""
    from mailmatrix.addresses.lookalike import LookalikeIndex

    known = [line.split("#", 1)[0].strip() for line in known_file]
    try:
        index = LookalikeIndex(domain for domain in known if domain)
    except InvalidAddress as error:
        raise click.ClickException(f"--known file: {error.reason}") from None
    for domain in _inputs(domains):
        try:
            match = index.check(domain.strip())
        except InvalidAddress as error:
            row = {"domain": domain, "lookalike_of": None, "technique": None, "score": 0.0,
                   "error": error.reason}
        else:
            row = {"domain": domain, "lookalike_of": match.lookalike_of if match else None,
                   "technique": match.technique if match else None,
                   "score": round(match.score, 3) if match else 0.0,
                   "reasons": list(match.reasons) if match else []}
        if as_json:
            click.echo(json.dumps(row, ensure_ascii=False))
        elif row["lookalike_of"]:
            click.echo(f"{domain}\tLOOKALIKE of {row['lookalike_of']} ({row['technique']}, "
                       f"score {row['score']})")
        else:
            click.echo(f"{domain}\t{row.get('error') or 'no lookalike'}")


@main.command("manifest")
@click.option("--base-url", required=True, envvar="MAILMATRIX_BASE_URL",
              help="Where this server is reachable over HTTPS, e.g. https://mm.example.com")
@click.option("--client-id", required=True, envvar="MAILMATRIX_CLIENT_ID",
              help="The Entra app registration's application (client) id.")
@click.option("--output", "-o", type=click.File("w", encoding="utf-8"), default="-",
              show_default=True, help="Where to write the manifest.")
def manifest_command(base_url: str, client_id: str, output: TextIO) -> None:
    """Write the Outlook add-in manifest for this deployment (sideload it, or deploy it in
    the Microsoft 365 admin center)."""
    try:
        output.write(render_manifest(Deployment(base_url, client_id)))
    except ManifestError as error:
        raise click.ClickException(str(error)) from None


@main.command("gmail-deployment")
@click.option("--base-url", required=True, envvar="MAILMATRIX_PUBLIC_BASE_URL",
              help="This server's public HTTPS address, e.g. https://mm.example.com")
@click.option("--search-mailbox", is_flag=True,
              help="Also ask for gmail.readonly (restricted: needs Google's verification) to "
                   "learn past correspondence with a sender.")
@click.option("--output", "-o", type=click.File("w", encoding="utf-8"), default="-",
              show_default=True, help="Where to write the descriptor.")
def gmail_deployment_command(base_url: str, search_mailbox: bool, output: TextIO) -> None:
    """Write the Gmail add-on deployment descriptor (for gcloud workspace-add-ons
    deployments create)."""
    try:
        output.write(render_deployment(base_url, search_mailbox=search_mailbox))
    except DeploymentError as error:
        raise click.ClickException(str(error)) from None


@main.command("demo")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
def demo_command(host: str, port: int) -> None:
    """Serve the demo in a normal browser (embedded SQLite, no mail account needed)."""
    app = create_app()
    app.config["DEMO_MODE"] = True
    database = database_of(app)
    database.upgrade()
    seed_demo(database)
    click.echo(f"MailMatrix demo on http://{host}:{port}/  (Ctrl+C to stop)")
    # Flask's app.run() refuses to start inside its own CLI; werkzeug's server is what it wraps.
    run_simple(host, port, app, use_reloader=False, threaded=True)


@main.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--workers", type=int, default=None,
              help="Processes (default: MAILMATRIX_SERVE_WORKERS, else 2).")
@click.option("--threads", type=int, default=None,
              help="Threads per process (default: MAILMATRIX_SERVE_THREADS, else 8).")
def serve_command(host: str, port: int, workers: int | None, threads: int | None) -> None:
    """Serve the app with gunicorn (production; put HTTPS termination in front). Run
    `mailmatrix db upgrade` first: /readyz answers 503 until the database is migrated."""
    from mailmatrix.serve import serve

    app = create_app()
    serve(app, host, port, workers or int(app.config.get("SERVE_WORKERS") or 2),
          threads or int(app.config.get("SERVE_THREADS") or 8))


@main.command("tone")
@click.argument("files", nargs=-1, required=True)
@click.option("--json", "as_json", is_flag=True, help="One JSON object per line.")
@click.option("--now", "now_text", default=None,
              help="The clock for local-time cautions (ISO 8601, default: now).")
def tone_command(files: tuple[str, ...], as_json: bool, now_text: str | None) -> None:
    """Suggest the tone of the reply to each message (.eml, mbox, or - for stdin)."""
    from mailmatrix.tone_report import tone_lines

    try:
        now = datetime.fromisoformat(now_text) if now_text else datetime.now(UTC)
    except ValueError:
        raise click.BadParameter("expected ISO 8601, e.g. 2026-11-27T09:30:00+00:00",
                                 param_hint="--now") from None
    if now.tzinfo is None:
        now = now.replace(tzinfo=UTC)
    stdin = sys.stdin.buffer
    for line in tone_lines(files, now=now, as_json=as_json, stdin=stdin):
        click.echo(line)


@main.command("ingest")
@click.argument("paths", nargs=-1, required=True)
@USER_OPTION
@click.option("--dns/--no-dns", default=True, show_default=True,
              help="Look up MX records in the background to learn each domain's hosting.")
@with_appcontext
def ingest_command(paths: tuple[str, ...], user: str | None, dns: bool) -> None:
    """Learn from mail files: mbox, maildir, .eml, or .jsonl header records. Idempotent."""
    database, principal = local_database_and_principal(user)
    lookup = mx_lookup_of(current_app)
    # A bar over the bytes of input on a terminal; nothing in a pipe or a log.
    size = input_size(paths)
    bar = click.progressbar(length=size, label="ingest", file=sys.stderr,
                            show_pos=False, show_eta=True, width=30) \
        if sys.stderr.isatty() else None
    try:
        with bar if bar is not None else nullcontext():
            summary = ingest_paths(database, principal, paths,
                                   on_progress=bar.update if bar is not None else None,
                                   mx_hosts=lookup.known if dns else None, input_bytes=size)
    finally:
        lookup.close()  # lookups still queued are dropped: the next run asks again
    for source, reason in summary.skipped:
        click.echo(f"skipped {source}: {reason}", err=True)
    click.echo(f"{summary.read:,} messages read: {summary.new:,} new, "
               f"{summary.already_known:,} already known, {len(summary.skipped):,} skipped")


@main.command("profile")
@click.argument("address")
@click.option("--json", "as_json", is_flag=True, help="The profile as JSON.")
@USER_OPTION
@with_appcontext
def profile_command(address: str, as_json: bool, user: str | None) -> None:
    """The profile of one sender, as the panel shows it."""
    database, principal = local_database_and_principal(user)
    result = profile(database, principal, address)
    if as_json:
        click.echo(json.dumps(result.as_dict(), ensure_ascii=False, indent=2))
        return
    if not result.known:
        click.echo(f"{address}: unknown sender")
    else:
        person = result.person or {}
        company = result.company or {}
        click.echo(f"{person.get('name') or address}  {company.get('name') or ''}".rstrip())
        for item in result.addresses:
            flag = "*" if item.primary else " "
            click.echo(f" {flag} {item.address}  ({item.kind}, {item.link_state})")
        if result.primary:
            click.echo(f"   primary: {result.primary['address']} ({result.primary['reason']})")
    for warning in result.warnings:
        click.echo(f"WARNING: {warning.message}")


@main.command("export")
@click.option("--json", "as_json", is_flag=True, required=True, help="Export as JSON.")
@USER_OPTION
@with_appcontext
def export_command(as_json: bool, user: str | None) -> None:
    """Every person with their addresses, and the open suggestions."""
    database, principal = local_database_and_principal(user)
    click.echo(json.dumps(export_graph(database, principal), ensure_ascii=False, indent=2))


@main.command("import-contacts")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@USER_OPTION
@with_appcontext
def import_contacts_command(file: str, user: str | None) -> None:
    """Import an address book: Outlook, Google Contacts or HubSpot CSV, or vCard 3/4."""
    database, principal = local_database_and_principal(user)
    with open(file, encoding="utf-8-sig", errors="replace") as handle:
        book = read_contacts(handle.read(), file)
    summary = import_contacts(database, principal, book.contacts)
    for where, reason in book.problems + summary.problems:
        click.echo(f"skipped {where}: {reason}", err=True)
    click.echo(f"{book.format}: {summary.contacts:,} contacts, {summary.addresses:,} addresses, "
               f"{summary.linked:,} linked as your decision")
