"""The JSON event Google posts to a Workspace add-on endpoint, read defensively: every field is
optional, every value is hostile until checked (../shared/specs/PLATFORMS.md, section 1)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

SCOPE = "https://www.googleapis.com/auth/"
METADATA = SCOPE + "gmail.addons.current.message.metadata"
READONLY_MESSAGE = SCOPE + "gmail.addons.current.message.readonly"
COMPOSE = SCOPE + "gmail.addons.current.action.compose"
MAILBOX_READONLY = SCOPE + "gmail.readonly"
MAX_FIELD = 4000  # characters of any one value we read from the event


class BadEvent(ValueError):
    """Not an add-on event we can read."""


@dataclass(frozen=True)
class GmailEvent:
    locale: str = "en"
    user_token: str = ""  # the user's OAuth access token (for the Gmail API)
    user_id_token: str = ""  # who the user is
    authorized_scopes: frozenset[str] | None = None  # None: not granular, all were granted
    message_id: str = ""
    thread_id: str = ""
    message_token: str = ""  # the per-message access token
    parameters: dict[str, str] = field(default_factory=dict)
    inputs: dict[str, str] = field(default_factory=dict)  # form inputs, first value each
    to_recipients: tuple[str, ...] = ()  # the draft's To (compose, draftAccess METADATA)

    def granted(self, scope: str) -> bool:
        """Without granular consent the user granted the deployment's required scopes; the
        optional mailbox search only counts when it is named."""
        if self.authorized_scopes is None:
            return scope != MAILBOX_READONLY
        return scope in self.authorized_scopes


def read_event(data: Any) -> GmailEvent:
    if not isinstance(data, dict):
        raise BadEvent("the event is not a JSON object")
    common = _object(data.get("commonEventObject"))
    authorization = _object(data.get("authorizationEventObject"))
    gmail = _object(data.get("gmail"))
    scopes = authorization.get("authorizedScopes")
    return GmailEvent(
        locale=_text(common.get("userLocale")) or "en",
        user_token=_text(authorization.get("userOAuthToken")),
        user_id_token=_text(authorization.get("userIdToken")),
        authorized_scopes=frozenset(_text(scope) for scope in scopes)
        if isinstance(scopes, list) else None,
        message_id=_text(gmail.get("messageId")), thread_id=_text(gmail.get("threadId")),
        message_token=_text(gmail.get("accessToken")),
        parameters={_text(key): _text(value)
                    for key, value in _object(common.get("parameters")).items()},
        inputs=_inputs(_object(common.get("formInputs"))),
        to_recipients=tuple(_text(item) for item in gmail.get("toRecipients") or []
                            if isinstance(item, str))[:100],
    )


def _inputs(form: dict[str, Any]) -> dict[str, str]:
    """``formInputs.<name>.stringInputs.value`` is always a list of strings: the first one."""
    found = {}
    for name, entry in form.items():
        values = _object(_object(entry).get("stringInputs")).get("value")
        if isinstance(values, list) and values:
            found[_text(name)] = _text(values[0])
    return found


def _object(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _text(value: Any) -> str:
    return value[:MAX_FIELD] if isinstance(value, str) else ""
