"""The Gmail add-on's deployment descriptor of one deployment (``mailmatrix gmail-deployment``),
the JSON that ``gcloud workspace-add-ons deployments create`` takes. The committed
``addin/gmail-deployment.json`` is the one for the example deployment below.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlsplit

from mailmatrix.web.gmail_event import (
    COMPOSE,
    MAILBOX_READONLY,
    METADATA,
    READONLY_MESSAGE,
    SCOPE,
)

EXAMPLE_BASE_URL = "https://mailmatrix.example.com"
LOGO_PATH = "/static/icons/icon-128.png"  # PNG: Gmail does not render SVG logos

# Always requested. The body scope (current.message.readonly) is chosen over the stricter
# current.message.metadata alone: the tone hint and signature evidence need the body. The
# metadata scope is there for the compose trigger's draftAccess METADATA (the draft's To).
SCOPES = [SCOPE + "gmail.addons.execute", METADATA, READONLY_MESSAGE, SCOPE + "userinfo.email",
          SCOPE + "script.locale", COMPOSE]


class DeploymentError(ValueError):
    """A setting the descriptor cannot be made from."""


def gmail_deployment(base_url: str, *, search_mailbox: bool = False) -> dict[str, Any]:
    """``search_mailbox`` adds ``gmail.readonly`` (a restricted scope: Google's verification)
    so the card can learn the past correspondence with a sender; it is used only when the
    user grants it."""
    base = _https_base(base_url)
    return {
        "oauthScopes": SCOPES + ([MAILBOX_READONLY] if search_mailbox else []),
        "addOns": {
            "common": {"name": "MailMatrix", "logoUrl": base + LOGO_PATH,
                       "useLocaleFromApp": True,
                       "homepageTrigger": {"runFunction": base + "/gmail/homepage",
                                           "enabled": True}},
            "gmail": {
                "contextualTriggers": [{"unconditional": {},
                                        "onTriggerFunction": base + "/gmail/message"}],
                "composeTrigger": {"actions": [{"runFunction": base + "/gmail/compose",
                                                "label": "Check recipients"}],
                                   "draftAccess": "METADATA"}},
            "httpOptions": {"authorizationHeader": "SYSTEM_ID_TOKEN",
                            "granularOauthPermissionSupport": "OPT_IN"}}}


def render_deployment(base_url: str, *, search_mailbox: bool = False) -> str:
    return json.dumps(gmail_deployment(base_url, search_mailbox=search_mailbox),
                      indent=2, ensure_ascii=False) + "\n"


def _https_base(url: str) -> str:
    parts = urlsplit(url.strip())
    if parts.scheme != "https" or not parts.netloc or parts.query or parts.fragment:
        raise DeploymentError(f"base URL {url!r} must be https://host[:port][/path]: Google "
                              "calls add-ons only over public HTTPS")
    return f"https://{parts.netloc}{parts.path.rstrip('/')}"
