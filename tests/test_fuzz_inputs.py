"""Hostile input never crashes: headers, Office items, Gmail header lists, mail files (random
and truncated), signatures, dates and Authentication-Results, found by hypothesis. Each either
gives an answer or a typed error."""

from __future__ import annotations

import contextlib
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mailmatrix.addresses.display_names import claimed_domain, visible_text
from mailmatrix.addresses.signature import signature_facts
from mailmatrix.customers.authresults import receiving_verdict
from mailmatrix.customers.facts import VERIFIED, MessageFacts, facts_from_header_list
from mailmatrix.customers.message_read import read_message
from mailmatrix.mail_dates import sent_at, utc_offset_minutes
from mailmatrix.mailfiles import MailFileError, MailItem, read_mail
from mailmatrix.panel.office_item import facts_of_office_item

FUZZ = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
HEADERISH = st.lists(st.sampled_from(list(
    'ab@.<>"(),;:\\ \r\n\t=?[]+-_é李\u202e\u200b\x00\x7f') + ["=?utf-8?b?", "?=", "Li Wei"]),
    max_size=40).map("".join)
JSONISH = st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=20),
                       lambda inner: st.lists(inner, max_size=4) |
                       st.dictionaries(st.text(max_size=12), inner, max_size=4), max_leaves=12)
REAL_MESSAGE = (b"From li@x Thu Nov 26 07:15:00 2026\nFrom: Li Wei <li.wei@acme-gmbh.de>\n"
                b"To: anna@example-export.com\nSubject: =?utf-8?q?PO_4411?=\n"
                b"Date: Thu, 26 Nov 2026 08:15:00 +0100\nMessage-ID: <f1@acme>\n"
                b"Content-Type: text/plain; charset=utf-8\n\nDear Anna,\nKind regards\nLi\n")


@FUZZ
@given(st.fixed_dictionaries({name: HEADERISH for name in (
    "from_", "sender", "reply_to", "to", "cc", "date", "message_id", "subject")}),
    st.lists(HEADERISH, max_size=3), st.one_of(st.none(), HEADERISH))
def test_any_header_values_are_read_without_crashing(values: dict[str, str],
                                                     results: list[str], body: str | None
                                                     ) -> None:
    read = read_message(MessageFacts(**values, authentication_results=tuple(results),
                                     body=body))
    assert all(item.role for item in read.seen)


@FUZZ
@given(JSONISH)
def test_any_office_item_is_facts_or_a_typed_error(item: object) -> None:
    with contextlib.suppress(TypeError, ValueError):
        facts_of_office_item(item if isinstance(item, dict) else {"from": item})


@FUZZ
@given(st.lists(st.dictionaries(st.sampled_from(["name", "value", "x"]), JSONISH,
                                max_size=3), max_size=8))
def test_any_header_list_from_a_mailbox_api_is_facts_or_none(headers: list[dict]) -> None:
    facts = facts_from_header_list(headers, VERIFIED)
    assert facts is None or facts.from_


@FUZZ
@given(st.binary(max_size=600), st.integers(min_value=0, max_value=len(REAL_MESSAGE)))
def test_any_bytes_and_any_truncation_of_a_mail_file_are_read_or_reported(
        noise: bytes, cut: int) -> None:
    for data in (noise, REAL_MESSAGE[:cut], REAL_MESSAGE[:cut] + noise):
        with tempfile.NamedTemporaryFile(suffix=".mbox", delete=False) as handle:
            handle.write(data)
        try:
            for item in read_mail(handle.name):
                assert isinstance(item, MailItem | MailFileError)
        finally:
            Path(handle.name).unlink()


@FUZZ
@given(st.text(max_size=400), st.one_of(st.none(), HEADERISH))
def test_any_body_gives_signature_facts(body: str, name: str | None) -> None:
    signature_facts(body, sender_name=name)


@FUZZ
@given(HEADERISH, st.lists(HEADERISH, max_size=3))
def test_any_date_and_authentication_results_are_read(date: str, results: list[str]) -> None:
    sent_at(date)
    utc_offset_minutes(date)
    receiving_verdict(results, trusted_ids=["mx.google.com"])


@FUZZ
@given(HEADERISH, HEADERISH)
def test_display_name_checks_are_total_and_strip_what_hides_text(name: str, domain: str) -> None:
    assert "\u202e" not in visible_text(name) and "\u200b" not in visible_text(name)
    claimed_domain(name, domain)
