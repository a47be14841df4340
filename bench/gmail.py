"""Gmail add-on speed: the server time of the contextual trigger (POST /gmail/message), with
Google's tokens verified for real and the Gmail API answered in-process.

    python bench/gmail.py [--messages 5000] [--requests 300]

A tenant is filled by ingesting a generated mailbox (bench/graph.py's generator); then the
message trigger is posted for messages from its senders through the real Flask app: both ID
tokens verified (locally signed), the message read through google-api-python-client (its
transport answers at once), observed, profiled, tone-hinted and rendered as a card.
Target (issue 6): p99 <= 25 ms.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httplib2

REPOSITORY = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPOSITORY))
sys.path.insert(0, str(REPOSITORY / "bench"))

from tests.google_fake import Google, app_for_google, event, gmail_message  # noqa: E402

from bench_panel_senders import senders_of  # noqa: E402
from graph import generate_mbox  # noqa: E402
from mailmatrix.auth.google import (  # noqa: E402
    GoogleSettings,
    principal_for_google,
    verify_user_token,  # noqa: E402
)
from mailmatrix.customers.db import database_of  # noqa: E402
from mailmatrix.customers.ingest import ingest_paths  # noqa: E402
from mailmatrix.mailboxes.gmail import GmailClient  # noqa: E402
from mailmatrix.web.gmail import GMAIL, GOOGLE_KEYS  # noqa: E402

BODY = "Dear Ms Becker,\n\nplease find our purchase order attached.\n\nKind regards\n"


class InstantGmail:
    """An httplib2.Http stand-in: the next message, answered at once."""

    def __init__(self) -> None:
        self.message: dict[str, Any] = {}

    def request(self, uri: str, method: str = "GET", body: Any = None, headers: Any = None,
                **_: Any) -> tuple[httplib2.Response, bytes]:
        return httplib2.Response({"status": "200"}), json.dumps(self.message).encode()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=5000)
    parser.add_argument("--requests", type=int, default=300)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp())
    google = Google()
    app = app_for_google(google, f"sqlite:///{folder / 'gmail.sqlite3'}")
    database = database_of(app)
    settings = GoogleSettings(app.config["GOOGLE_CLIENT_ID"], "")
    user = verify_user_token(google.user_token(), settings, app.extensions[GOOGLE_KEYS])
    principal = principal_for_google(database, user)
    mbox = folder / "mailbox.mbox"
    generate_mbox(mbox, args.messages)
    ingest_paths(database, principal, [str(mbox)])
    gmail = InstantGmail()
    app.extensions[GMAIL].use(GmailClient(http_factory=lambda: gmail))
    client = app.test_client()
    headers = {"Authorization": f"Bearer {google.system_token('/gmail/message')}"}
    body = event(google, message_id="msg-f:1785563012391230966")
    senders = senders_of(mbox, args.requests)
    timings = []
    for number, sender in enumerate(senders[:20] + senders):  # the first 20 warm up
        gmail.message = gmail_message(f'"{sender["displayName"]}" <{sender["emailAddress"]}>',
                                      body=BODY + sender["displayName"],
                                      message_id=f"<bench{number}@gmail.bench>")
        start = time.perf_counter()
        response = client.post("/gmail/message", json=body, headers=headers)
        elapsed = (time.perf_counter() - start) * 1000
        assert response.status_code == 200 and "action" in response.json, response.json
        if number >= 20:
            timings.append(elapsed)
    timings.sort()
    p99 = timings[int(len(timings) * 0.99)]
    print(f"server: POST /gmail/message over {len(timings)} requests: "
          f"p50 {statistics.median(timings):.1f} ms, p99 {p99:.1f} ms")


if __name__ == "__main__":
    main()
