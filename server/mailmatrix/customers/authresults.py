"""The receiving system's verdict from Authentication-Results (RFC 8601), and only that one.

Anyone can write an Authentication-Results header into a message they send. Only the topmost
header added by the receiving system counts: its authserv-id names that system (Gmail:
``mx.google.com``); Exchange Online writes one without an authserv-id. Headers further down, or
with another authserv-id, are the sender's own words and are ignored. Mail between two users of
the same organization carries no such header: that is internal, not a failure.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

DEFAULT_AUTHSERV_IDS = ("mx.google.com", "mx.microsoft.com", "outlook.com",
                        "protection.outlook.com")
PASS, FAIL, NONE, INTERNAL = "pass", "fail", "none", "internal"
_METHOD = re.compile(r"\b(dmarc|spf|dkim|arc)\s*=\s*([a-z]+)", re.IGNORECASE)
_COMMENTS = re.compile(r"\([^()]*\)")


@dataclass(frozen=True)
class AuthVerdict:
    result: str  # pass | fail | none | internal
    # {"dmarc": "fail", "spf": "pass"}; shared by cached verdicts: copy it, never change it
    methods: dict[str, str] = field(default_factory=dict)
    authserv_id: str | None = None
    reason: str = ""


def receiving_verdict(headers: Sequence[str], *, trusted_ids: Iterable[str] =
                      DEFAULT_AUTHSERV_IDS, internal: bool = False) -> AuthVerdict:
    """The verdict of the receiving system: the topmost header, if its authserv-id is trusted.

    ``headers`` are the Authentication-Results values in message order (topmost first).
    """
    return _verdict(headers[0] if headers else None, tuple(trusted_ids), internal)


@lru_cache(maxsize=4096)  # a receiving system words its verdicts alike: ingest repeats them
def _verdict(top_header: str | None, trusted_ids: tuple[str, ...], internal: bool
             ) -> AuthVerdict:
    if top_header is None:
        if internal:
            return AuthVerdict(INTERNAL, reason="internal mail carries no verdict")
        return AuthVerdict(NONE, reason="no Authentication-Results from the receiving system")
    trusted = {item.lower() for item in trusted_ids}
    top = _COMMENTS.sub(" ", top_header).strip()
    authserv_id, _, rest = top.partition(";")
    authserv_id = authserv_id.strip().split()[0].lower() if authserv_id.strip() else ""
    if "=" in authserv_id:  # Exchange Online: no authserv-id, the results start at once
        authserv_id, rest = "", top
    if authserv_id and authserv_id not in trusted:
        return AuthVerdict(NONE, authserv_id=authserv_id,
                           reason=f"topmost Authentication-Results is from {authserv_id}, "
                           "not a trusted receiving system")
    methods = {name.lower(): value.lower() for name, value in _METHOD.findall(rest)}
    result = _overall(methods)
    who = authserv_id or "the receiving Exchange server"
    return AuthVerdict(result, methods, authserv_id or None,
                       reason=f"{who}: " + ", ".join(f"{k}={v}" for k, v in methods.items()))


def _overall(methods: dict[str, str]) -> str:
    dmarc = methods.get("dmarc")
    if dmarc in {"fail", "permerror"}:
        return FAIL
    if dmarc == "pass":
        return PASS
    if methods.get("spf") == "fail" and methods.get("dkim") not in {"pass"}:
        return FAIL
    if "pass" in (methods.get("spf"), methods.get("dkim")):
        return PASS
    return NONE
