"""Ingest's header-only reader: the same facts the email package reads, for the shapes mail
files take (folding, CRLF, encoded words, raw UTF-8, MIME bodies, broken header blocks)."""

from __future__ import annotations

import base64
import email
import email.policy
from pathlib import Path

import pytest

from mailmatrix.customers import facts as facts_module
from mailmatrix.customers import message_sources
from mailmatrix.customers.facts import MessageFacts, facts_from_bytes
from mailmatrix.mail_headers import header_text
from mailmatrix.raw_headers import read_headers

PLAIN = (b"From: =?utf-8?q?J=C3=B6rg_M=C3=BCller?= <joerg@acme-gmbh.de>\n"
         b"To: rep@example-export.com,\n\tli.wei@acme-gmbh.de\n"
         b"Cc: sales@acme-gmbh.de\nSubject: Angebot\n =?utf-8?q?f=C3=BCr?= Pumpen\n"
         b"Date: Thu, 26 Nov 2026 08:15:00 +0100\nMessage-ID: <m1@acme-gmbh.de>\n"
         b"Authentication-Results: mx.google.com; dmarc=pass\n"
         b"Authentication-Results: forged.example; dmarc=fail\n"
         b"\nSehr geehrte Frau Li,\nanbei das Angebot.\n")
MULTIPART = (b"From: Ana Silva <ana@loja.com.br>\nTo: rep@example-export.com\n"
             b"Subject: pedido\nMIME-Version: 1.0\n"
             b'Content-Type: multipart/alternative; boundary="b1"\n\n'
             b"--b1\nContent-Type: text/plain; charset=iso-8859-1\n"
             b"Content-Transfer-Encoding: quoted-printable\n\nOl=E1, segue o pedido.\n"
             b"--b1\nContent-Type: text/html\n\n<p>Ol&aacute;</p>\n--b1--\n")
LATIN1 = (b"From: a@b.de\nContent-Type: text/plain; charset=\"ISO-8859-1\"\n\n"
          b"Gr\xfc\xdfe\n")
RAW_UTF8 = "From: 王伟 <wang.wei@example.cn>\nSubject: 报价单\n\n您好\n".encode()


def _via_email_package(data: bytes) -> MessageFacts:
    message = email.message_from_bytes(data, policy=email.policy.compat32)
    return MessageFacts(**{field: header_text(message, name) for name, field in (
        ("From", "from_"), ("To", "to"), ("Cc", "cc"), ("Subject", "subject"),
        ("Date", "date"), ("Message-ID", "message_id"))})


@pytest.mark.parametrize("data", [PLAIN, MULTIPART, PLAIN.replace(b"\n", b"\r\n")])
def test_headers_read_as_the_email_package_reads_them_unfolded(data: bytes) -> None:
    facts, expected = facts_from_bytes(data), _via_email_package(data)
    assert facts is not None
    for field in ("from_", "cc", "date", "message_id"):
        assert getattr(facts, field) == getattr(expected, field)
    # Folded lines are unfolded (the email package keeps the line break)
    assert " ".join(facts.to.split()) == " ".join(expected.to.split())
    assert " ".join(facts.subject.split()) == " ".join(expected.subject.split())


def test_encoded_words_folding_and_every_authentication_result() -> None:
    facts = facts_from_bytes(PLAIN)
    assert facts is not None
    assert facts.from_ == "Jörg Müller <joerg@acme-gmbh.de>"
    assert facts.to == "rep@example-export.com,\tli.wei@acme-gmbh.de"  # RFC 5322 unfolding
    assert facts.subject == "Angebot für Pumpen"
    assert facts.authentication_results == ("mx.google.com; dmarc=pass",
                                            "forged.example; dmarc=fail")
    assert facts.body == "Sehr geehrte Frau Li,\nanbei das Angebot.\n"


def test_bodies_plain_by_charset_and_mime_through_the_email_package() -> None:
    multipart = facts_from_bytes(MULTIPART)
    assert multipart is not None and multipart.body == "Olá, segue o pedido."
    latin = facts_from_bytes(LATIN1)
    assert latin is not None and latin.body == "Grüße\n"
    unknown = facts_from_bytes(LATIN1.replace(b"ISO-8859-1", b"no-such-charset"))
    assert unknown is not None and unknown.body == "Gr\ufffd\ufffde\n"


def test_a_large_attachment_is_not_parsed_and_the_text_before_it_is_read() -> None:
    """Only the first BODY_SCAN_BYTES of a multipart message are parsed for its text."""
    text = "您好，附件是形式发票。\n王伟\n".encode()
    attachment = base64.encodebytes(bytes(range(256)) * 2000)  # 700 KB of base64 lines
    message = (b'From: Wang Wei <wang.wei@example.cn>\nMIME-Version: 1.0\n'
               b'Content-Type: multipart/mixed; boundary="b"\n\n--b\n'
               b'Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: base64\n\n'
               + base64.encodebytes(text) + b'--b\nContent-Type: application/pdf\n'
               b'Content-Transfer-Encoding: base64\n\n' + attachment + b"--b--\n")
    assert len(message) > 10 * facts_module.BODY_SCAN_BYTES
    facts = facts_from_bytes(message)
    assert facts is not None and facts.body == text.decode()


def test_raw_utf8_headers_are_text() -> None:
    facts = facts_from_bytes(RAW_UTF8)
    assert facts is not None
    assert (facts.from_, facts.subject, facts.body) == (
        "王伟 <wang.wei@example.cn>", "报价单", "您好\n")


def test_a_line_that_is_no_field_ends_the_header_and_a_truncated_file_has_none() -> None:
    headers = read_headers(b"From: a@b.de\nthis is no header\nSubject: x\n\nbody\n",
                           frozenset({"from", "subject"}))
    assert headers is not None
    assert headers.fields == {"from": ["a@b.de"]}
    assert headers.body.startswith(b"this is no header")
    assert read_headers(b"Subj", frozenset({"subject"})) is None
    assert read_headers(b"\n\nbody only", frozenset({"from"})) is None
    only_headers = read_headers(b"From: a@b.de", frozenset({"from"}))
    assert only_headers is not None and only_headers.body == b""


@pytest.mark.parametrize("body", [
    b"Content-Type: text/plain; charset=ut\x00f-8\n\nhi\n",
    b"Content-Type: text/plain; charset=ut\x00f-8\nContent-Transfer-Encoding: base64\n\naGk=\n",
    b'Content-Type: multipart/mixed; boundary="b"\n\n--b\n'
    b"Content-Type: text/plain; charset=ut\x00f-8\n\nhi\n--b--\n"])
def test_a_charset_name_with_a_nul_is_no_charset_and_the_text_is_read_as_utf8(
        body: bytes) -> None:
    facts = facts_from_bytes(b"From: a@b.de\n" + body)  # it raised ValueError here
    assert facts is not None and facts.body is not None and facts.body.startswith("hi")


@pytest.mark.parametrize(("body", "text"), [
    (b"Content-Type: text/plain; charset*=; charset*0=\nContent-Transfer-Encoding: base64\n\n"
     b"aGk=\n", "hi"),
    (b'Content-Type: multipart/mixed; boundary="b"\n\n--b\n'
     b"Content-Type: text/plain; boundary*=; boundary*0=\n\nhi\n--b--\n", "hi"),
    (b"Content-Type: multipart/mixed; boundary*=; boundary*0=\n\n--b\n\nhi\n--b--\n", None)])
def test_rfc2231_pieces_the_email_package_cannot_join_leave_the_facts_standing(
        body: bytes, text: str | None) -> None:
    """The email package raises TypeError on these parameters; the headers still count."""
    facts = facts_from_bytes(b"From: a@b.de\n" + body)
    assert facts is not None and facts.from_ == "a@b.de" and facts.body == text


def test_a_message_no_reader_foresaw_is_reported_and_the_others_are_read(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    mbox = tmp_path / "export.mbox"
    mbox.write_bytes(b"".join(
        b"From x Thu Nov 26 08:15:00 2026\nFrom: a@b.de\nSubject: %d\n\nhi\n\n" % number
        for number in range(3)))
    read = message_sources.facts_from_bytes

    def failing_on_the_second(data: bytes) -> MessageFacts | None:
        if b"Subject: 1" in data:
            raise RuntimeError("a shape nobody foresaw")
        return read(data)

    monkeypatch.setattr(message_sources, "facts_from_bytes", failing_on_the_second)
    items = [item for _, item, _ in message_sources.read_sources([str(mbox)])]
    assert [getattr(item, "subject", item) for item in items] == [
        "0", "unreadable: RuntimeError: a shape nobody foresaw", "2"]
