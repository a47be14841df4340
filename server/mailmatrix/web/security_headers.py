"""Headers every page carries: a strict Content-Security-Policy (no inline script, scripts
only from us and Office.js's CDN, nothing framed from elsewhere; the pane may be framed only by
Outlook's hosts and ourselves), no MIME sniffing, no referrer."""

from __future__ import annotations

from flask import Flask, Response

OFFICE_CDN = "https://appsforoffice.microsoft.com"
# Where Outlook on the web shows the task pane (desktop Outlook uses a web view, not a frame)
OUTLOOK_HOSTS = ("https://outlook.office.com", "https://outlook.office365.com",
                 "https://outlook.live.com", "https://*.outlook.com", "https://*.office.com",
                 "https://*.office365.com")
POLICY = "; ".join((
    "default-src 'none'",
    f"script-src 'self' {OFFICE_CDN}",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    f"connect-src 'self' {OFFICE_CDN}",
    "frame-src 'self'",
    "frame-ancestors 'self' " + " ".join(OUTLOOK_HOSTS),
    "form-action 'self'",
    "base-uri 'none'",
    "object-src 'none'",
))


def init_app(app: Flask) -> None:
    app.after_request(_secure)


def _secure(response: Response) -> Response:
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "no-referrer")
    if response.mimetype == "text/html":
        response.headers.setdefault("Content-Security-Policy", POLICY)
    return response
