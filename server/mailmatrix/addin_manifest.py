"""The Outlook add-in manifest of one deployment (``mailmatrix manifest``).

The template is ``addin/manifest.xml.j2``; the committed ``addin/manifest.xml`` is the one for
the example deployment below, and tests validate both against the Office XSDs.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from urllib.parse import urlsplit

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from mailmatrix.resources import shipped_folder

EXAMPLE_BASE_URL = "https://localhost:5443"
EXAMPLE_CLIENT_ID = "00000000-0000-0000-0000-000000000000"
VERSION = "1.0.0.0"
SHORT_LIMIT, LONG_LIMIT = 125, 250  # characters, as Office enforces

# Every string the manifest shows, in English and Simplified Chinese
STRINGS = {
    "DisplayName": ("MailMatrix", "MailMatrix 客户档案"),
    "Description": ("Who is writing, which of their mailboxes is for formal business, lookalike "
                    "warnings and a tone hint for your reply.",
                    "谁在来信、哪个邮箱用于正式业务、仿冒域名警告，以及回复语气建议。"),
    "GroupLabel": ("MailMatrix", "MailMatrix"),
    "ReadButtonLabel": ("Sender profile", "发件人档案"),
    "ReadButtonTooltip": ("Who is writing: all their addresses, the one for formal matters, "
                          "warnings and a tone hint.",
                          "来信人是谁：其所有邮箱、正式事务专用邮箱、警告和语气建议。"),
    "ComposeButtonLabel": ("Check recipients", "检查收件人"),
    "ComposeButtonTooltip": ("Send formal matters to the right mailbox and greet in the "
                             "customer's language.",
                             "把正式事务发到正确的邮箱，并用客户的语言问候。"),
}
SHORT_STRINGS = ("GroupLabel", "ReadButtonLabel", "ComposeButtonLabel")
LONG_STRINGS = ("ReadButtonTooltip", "ComposeButtonTooltip")


class ManifestError(ValueError):
    """A deployment setting the manifest cannot be made from."""


@dataclass(frozen=True)
class Deployment:
    base_url: str  # https://mailmatrix.example.com (where the server is reachable)
    client_id: str  # the Entra app registration's application (client) id

    @property
    def origin(self) -> str:
        parts = urlsplit(self.base_url)
        return f"{parts.scheme}://{parts.netloc}"

    @property
    def add_in_id(self) -> str:
        """Stable per deployment: the same base URL always names the same add-in."""
        return str(uuid.uuid5(uuid.NAMESPACE_URL, self.origin + "/outlook"))


def render_manifest(deployment: Deployment) -> str:
    base = _checked_base_url(deployment.base_url)
    try:
        client_id = str(uuid.UUID(deployment.client_id))
    except ValueError:
        raise ManifestError(f"client id {deployment.client_id!r} is not a GUID (the Entra "
                            "app registration's application id)") from None
    host = urlsplit(base).netloc
    environment = Environment(loader=FileSystemLoader(str(shipped_folder("addin"))),
                              autoescape=True, undefined=StrictUndefined, trim_blocks=False,
                              keep_trailing_newline=True)
    return environment.get_template("manifest.xml.j2").render(
        add_in_id=deployment.add_in_id, version=VERSION, origin=deployment.origin,
        support_url=f"{base}/support", read_pane_url=f"{base}/outlook/pane",
        compose_pane_url=f"{base}/outlook/pane?mode=compose",
        icon_url=lambda size: f"{base}/static/icons/icon-{size}.png",
        client_id=client_id, api_resource=f"api://{host}/{client_id}",
        strings={key: {"en": en, "zh": zh} for key, (en, zh) in STRINGS.items()},
        short_strings=SHORT_STRINGS, long_strings=LONG_STRINGS)


def _checked_base_url(url: str) -> str:
    parts = urlsplit(url.strip())
    if parts.scheme != "https" or not parts.netloc:
        raise ManifestError(f"base URL {url!r} must be https://host[:port]: Office loads add-ins "
                            "only over HTTPS")
    if parts.query or parts.fragment:
        raise ManifestError(f"base URL {url!r} must not carry a query or fragment")
    return f"https://{parts.netloc}{parts.path.rstrip('/')}"
