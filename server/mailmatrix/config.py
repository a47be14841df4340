"""Configuration: defaults, then the instance config file, then ``MAILMATRIX_*`` variables."""

from __future__ import annotations

import os
from pathlib import Path

from flask import Flask

DEFAULTS: dict[str, object] = {
    # Database URL; the embedded default (SQLite in the instance folder) is filled in at start.
    "DATABASE_URL": None,
    # Seconds a DNS (MX) lookup may take before the domain stays "unknown" for now.
    "DNS_TIMEOUT": 2.0,
    # How long MX answers are trusted (seconds) and how many domains are remembered.
    "DNS_CACHE_TTL": 6 * 3600,
    "DNS_CACHE_SIZE": 50_000,
    "DEMO_MODE": False,
    # Your organization's own domains besides the one of your address (comma-separated or a
    # list): their people are colleagues, never customers.
    "OWN_DOMAINS": "",
    # Microsoft 365: our API's Entra app registration (application id, App ID URI api://...),
    # the delegated scope the pane asks for, and the organizations (tids, comma-separated)
    # allowed to use this server (empty: any).
    "ENTRA_CLIENT_ID": "",
    "ENTRA_APP_ID_URI": "",
    "ENTRA_SCOPE": "access_as_user",
    "ENTRA_ALLOWED_TENANTS": "",
    # The app registration's client secret, for reading mail through Microsoft Graph on the
    # user's behalf (never in the repository: the environment or the instance file).
    "ENTRA_CLIENT_SECRET": "",
    # An app role of the registration (its value, e.g. "MailMatrix.Admin") whose holders are
    # admins of their organization in MailMatrix; empty: roles are managed in MailMatrix only.
    "ENTRA_ADMIN_ROLE": "",
    # Redis (redis://host:6379/0) for what app processes share: users' Graph token caches.
    # Empty: each process keeps its own in memory.
    "REDIS_URL": "",
    # Requests per minute per user and per organization on the API and add-on endpoints
    # (0: unlimited); counted in Redis when configured, so every process shares them.
    # `mailmatrix serve`: gunicorn processes and threads per process
    "SERVE_WORKERS": 2,
    "SERVE_THREADS": 8,
    "RATE_LIMIT_USER": 300,
    "RATE_LIMIT_TENANT": 3000,
    # Google Workspace: the Gmail add-on's OAuth client id, its service account
    # (service-<project number>@gcp-sa-gsuiteaddons.iam.gserviceaccount.com) and this
    # server's public HTTPS address, as the deployment descriptor names it.
    "GOOGLE_CLIENT_ID": "",
    "GOOGLE_SERVICE_ACCOUNT": "",
    "PUBLIC_BASE_URL": "",
    # "Learn from my mailbox" (backfill): secrets that encrypt users' offline mailbox grants
    # at rest (comma-separated, 32+ characters each; the first encrypts, all decrypt, for
    # rotation), Google's web OAuth client for the offline Gmail consent, and how many months
    # back a run reads by default.
    "GRANTS_KEYS": "",
    "GOOGLE_OAUTH_CLIENT_ID": "",
    "GOOGLE_OAUTH_CLIENT_SECRET": "",
    "BACKFILL_MONTHS": 12,
}
INSTANCE_CONFIG_FILE = "mailmatrix.cfg"


def load_config(app: Flask, test_config: dict[str, object] | None) -> None:
    """Fill ``app.config``; a test config replaces the file and the environment entirely."""
    app.config.from_mapping(DEFAULTS)
    if test_config is None:
        app.config.from_pyfile(INSTANCE_CONFIG_FILE, silent=True)
        # MAILMATRIX_DNS_TIMEOUT=1.5 -> DNS_TIMEOUT = 1.5 (values parsed as JSON when they can be).
        app.config.from_prefixed_env("MAILMATRIX")
    else:
        app.config.from_mapping(test_config)
    if not app.config["DATABASE_URL"]:
        database = Path(app.instance_path) / "mailmatrix.sqlite3"
        app.config["DATABASE_URL"] = f"sqlite:///{database}"
    app.config.setdefault("SECRET_KEY", os.environ.get("MAILMATRIX_SECRET_KEY") or os.urandom(32))
