"""The text part found by boundaries is the one the email package finds in the whole tree; where
the two could differ, the fast reading says so (UNSURE) instead of guessing."""

from __future__ import annotations

import base64
import email
import email.policy
from email.mime.application import MIMEApplication
from email.mime.base import MIMEBase
from email.mime.message import MIMEMessage
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mailmatrix.customers.facts import BODY_SCAN_BYTES, facts_from_bytes
from mailmatrix.mime_text import UNSURE, first_plain_text, plain_text_of

WHOLE = 1 << 30  # a limit no test message reaches: the whole text part is decoded
LINES = st.lists(st.sampled_from([
    "Dear Anna,", "please find the proforma invoice attached.", "", "--", "-- ",
    "From the warehouse:", "Best regards", "Wang Wei", "王伟 采购经理", "Grüße aus Köln",
    "Tel. +49 30 1234567", "--b", "--b--", "  indented", "x" * 90]), max_size=8)
TEXT = LINES.map("\n".join)


def text_part(draw: st.DrawFn) -> MIMEBase:
    charset = draw(st.sampled_from(["utf-8", "iso-8859-1", "us-ascii"]))
    text = draw(TEXT)
    if charset != "utf-8":
        text = text.encode(charset, errors="replace").decode(charset)
    part = MIMEText(text, draw(st.sampled_from(["plain", "html"])), charset)
    if draw(st.booleans()):
        part.add_header("Content-Disposition", "attachment", filename="note.txt")
    return part


def boundary(draw: st.DrawFn, depth: int) -> str:
    """Chosen here (the email package would draw one with ``random``): one per depth, so that
    a part never holds its parent's, and sometimes a prefix of another ("b1x5", "b1x55")."""
    return f"b{depth}x{draw(st.sampled_from(['5', '55', '=_x']))}"


@st.composite
def parts(draw: st.DrawFn, depth: int = 0) -> MIMEBase:
    kinds = ["text", "text", "attachment"] + (["multipart", "message"] if depth < 3 else [])
    kind = draw(st.sampled_from(kinds))
    if kind == "text":
        return text_part(draw)
    if kind == "attachment":
        return MIMEApplication(draw(st.binary(max_size=300)), "pdf")
    if kind == "message":
        inner = draw(parts(depth + 1))
        inner["From"] = "someone@example.com"
        return MIMEMessage(inner)
    container = MIMEMultipart(draw(st.sampled_from(["mixed", "alternative", "related"])),
                              boundary=boundary(draw, depth))
    for child in draw(st.lists(parts(depth + 1), min_size=1, max_size=3)):
        container.attach(child)
    return container


@st.composite
def messages(draw: st.DrawFn) -> bytes:
    """Mostly multipart, as mail clients send it; sometimes a single part."""
    if draw(st.integers(0, 4)):
        top = MIMEMultipart(draw(st.sampled_from(["mixed", "alternative"])),
                            boundary=boundary(draw, 0))
        for child in draw(st.lists(parts(1), min_size=1, max_size=4)):
            top.attach(child)
        top.preamble = draw(st.sampled_from([None, "This is a multi-part message in MIME format."]))
    else:
        top = draw(st.sampled_from([text_part, lambda draw: MIMEApplication(b"%PDF", "pdf")]))(
            draw)
    top["From"] = "Wang Wei <wang.wei@example.cn>"
    data = top.as_bytes()
    return data.replace(b"\n", b"\r\n") if draw(st.booleans()) else data


def by_email_package(data: bytes) -> str | None:
    return plain_text_of(email.message_from_bytes(data, policy=email.policy.compat32))


def by_boundaries(data: bytes, limit: int = WHOLE) -> object:
    return first_plain_text(data, limit)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(messages())
def test_well_formed_messages_give_the_email_packages_text(data: bytes) -> None:
    expected = by_email_package(data)
    facts = facts_from_bytes(data)  # ingest's way: with the headers it read already
    assert facts is not None and facts.body == expected
    found = by_boundaries(data)
    if found is UNSURE:  # only where a forwarded message comes before the text
        assert b"message/rfc822" in data
        return
    assert found == expected


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(messages(), st.data())
def test_damaged_messages_give_the_email_packages_text_or_say_unsure(
        data: bytes, draw: st.DataObject) -> None:
    """Truncated, bytes cut out, lone CRs and stray delimiters: never a different text."""
    for _ in range(draw.draw(st.integers(1, 3))):
        at = draw.draw(st.integers(0, len(data)))
        damage = draw.draw(st.sampled_from(["truncate", "cut", "cr", "delimiter", "garbage",
                                            "spaced colon"]))
        if damage == "truncate":
            data = data[:at]
        elif damage == "cut":
            data = data[:at] + data[at + draw.draw(st.integers(1, 40)):]
        elif damage == "spaced colon":  # "Content-Type : text/html" is no field to it
            colon = data.find(b":", at)
            data = data if colon < 0 else data[:colon] + b" " + data[colon:]
        elif damage == "cr":
            data = data[:at] + b"\r" + data[at:]
        elif damage == "delimiter":
            boundary = email.message_from_bytes(data).get_boundary() or "x"
            ending = draw.draw(st.sampled_from(["", "--", "  ", "\r"]))
            data = data[:at] + f"\n--{boundary}{ending}\n".encode() + data[at:]
        else:
            data = data[:at] + draw.draw(st.binary(min_size=1, max_size=20)) + data[at:]
    found = by_boundaries(data)
    if found is not UNSURE:
        assert found == by_email_package(data)


def test_the_text_is_found_without_reading_the_attachments() -> None:
    """A close delimiter missing after a large attachment does not matter: the text came first
    and nothing after it is read."""
    text = "您好，附件是形式发票。\n王伟\n".encode()
    data = (b'From: wang.wei@example.cn\nContent-Type: multipart/mixed; boundary="b"\n\n'
            b"--b\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: base64\n\n"
            + base64.encodebytes(text) + b"--b\nContent-Type: application/pdf\n\n"
            + b"JVBERi0xLjQK\n" * 100_000)  # 1.3 MB, and the file ends without "--b--"
    assert by_boundaries(data) == text.decode()
    facts = facts_from_bytes(data)
    assert facts is not None and facts.body == text.decode()


def test_a_text_part_after_the_scanned_bytes_is_still_found_and_a_long_one_is_cut() -> None:
    attachment = b"--b\nContent-Type: application/pdf\n\n" + b"JVBERi0xLjQK\n" * 20_000
    long_text = "".join(f"line {number}\n" for number in range(20_000))
    data = (b'Content-Type: multipart/mixed; boundary="b"\n\n' + attachment
            + b"--b\nContent-Type: text/plain\n\n" + long_text.encode() + b"--b--\n")
    found = by_boundaries(data, BODY_SCAN_BYTES)
    assert isinstance(found, str) and long_text.startswith(found)
    assert BODY_SCAN_BYTES - 100 < len(found) <= BODY_SCAN_BYTES
    assert found.endswith("\n")  # cut at a line's end


def test_defects_are_left_to_the_email_package() -> None:
    no_boundary = b"Content-Type: multipart/mixed\n\n--b\n\nhello\n--b--\n"
    no_delimiter = b'Content-Type: multipart/mixed; boundary="b"\n\nhello\n'
    digest = (b'Content-Type: multipart/digest; boundary="b"\n\n--b\n\n'
              b"From: a@b.de\n\nhello\n--b--\n")
    lone_cr = (b'Content-Type: multipart/mixed; boundary="b"\n\n'
               b"--b\rContent-Type: text/plain\n\nhello\n--b--\n")
    for data in (no_boundary, no_delimiter, digest, lone_cr):
        assert by_boundaries(data) is UNSURE, data
        facts = facts_from_bytes(b"From: a@b.de\n" + data)
        assert facts is not None and facts.body == by_email_package(b"From: a@b.de\n" + data)


CONTENT_TYPE = st.lists(st.sampled_from([
    "multipart/mixed", "multipart/digest", "text/plain", "message/rfc822", "; ", "boundary=",
    "boundary*=", "boundary*0=", "utf-8''", "b", '"', "charset=", "charset*=", "charset*0=",
    "no-such", "%41", "\t", " ",
    "é", "\u202e", "\x00"]), max_size=10).map("".join)
BODY = st.lists(st.sampled_from([
    b"--b", b"--b--", b"\n", b"\r\n", b"\r", b"Content-Type: ", b"text/plain", b"multipart/mixed;",
    b' boundary="b"', b"Content-Transfer-Encoding: base64", b"SGVsbG8=", b"\xff\xfe", b" : ",
    b"hello", b"; boundary*=; boundary*0=", b"; charset*1=x"]), max_size=30).map(b"".join)


@settings(max_examples=1000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(CONTENT_TYPE, BODY)
def test_any_content_type_and_body_give_the_text_or_none(content_type: str, body: bytes) -> None:
    data = b"From: a@b.de\nContent-Type: " + content_type.encode() + b"\n\n" + body
    facts = facts_from_bytes(data)
    assert facts is not None and (facts.body is None or isinstance(facts.body, str))
    found = by_boundaries(data)
    if found is not UNSURE:
        assert found == by_email_package(data)
