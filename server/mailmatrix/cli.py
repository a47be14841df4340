"""``mailmatrix`` commands, built on Flask's CLI so each one can reach the app's configuration."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Iterator

import click
from flask import current_app
from flask.cli import FlaskGroup, with_appcontext
from werkzeug.serving import run_simple

from mailmatrix.addresses.classify import AddressReport, classify_address
from mailmatrix.addresses.errors import InvalidAddress
from mailmatrix.app import create_app
from mailmatrix.mx_lookup import mx_lookup_of


@click.group(cls=FlaskGroup, create_app=create_app, add_default_commands=True)
def main() -> None:
    """MailMatrix: one customer, many mailboxes."""


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
    for text in _inputs(addresses):
        report = classify_address(text, mx_hosts=mx_hosts)
        click.echo(json.dumps(report.as_dict(), ensure_ascii=False) if as_json
                   else _describe(report))


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


@main.command("demo")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
def demo_command(host: str, port: int) -> None:
    """Serve the demo in a normal browser (embedded SQLite, no mail account needed)."""
    app = create_app()
    app.config["DEMO_MODE"] = True
    click.echo(f"MailMatrix demo on http://{host}:{port}/  (Ctrl+C to stop)")
    # Flask's app.run() refuses to start inside its own CLI; werkzeug's server is what it wraps.
    run_simple(host, port, app, use_reloader=False, threaded=True)
