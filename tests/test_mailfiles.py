"""Reading .eml, mbox and stdin: every message, and a clear error for what cannot be read."""

from __future__ import annotations

import io
from pathlib import Path

from mailmatrix.mailfiles import MailFileError, MailItem, read_mail

MESSAGE = (b"From: Li Wei <li.wei@acme-gmbh.de>\nTo: rep@example-export.com\n"
           b"Subject: Order\nMessage-ID: <m%d@acme-gmbh.de>\n\nHello,\nFrom the start.\n")


def test_mbox_yields_every_message_and_unescapes_from_lines(tmp_path: Path) -> None:
    mbox = tmp_path / "export.mbox"
    body = b"".join(b"From li@acme Mon Nov 23 10:00:00 2026\n" + (MESSAGE % n).replace(
        b"\nFrom the start", b"\n>From the start") + b"\n" for n in range(3))
    mbox.write_bytes(body)
    items = list(read_mail(str(mbox)))
    assert [type(item) for item in items] == [MailItem] * 3
    assert items[2].message["Message-ID"] == "<m2@acme-gmbh.de>"
    assert "From the start" in items[0].message.get_content()


def test_truncated_mbox_keeps_the_complete_messages(tmp_path: Path) -> None:
    mbox = tmp_path / "cut.mbox"
    mbox.write_bytes(b"From x Mon Nov 23 10:00:00 2026\n" + MESSAGE % 1
                     + b"From x Mon Nov 23 10:00:00 2026\n" + b"Subj")
    items = list(read_mail(str(mbox)))
    assert isinstance(items[0], MailItem)
    assert isinstance(items[1], MailFileError) and "no mail headers" in items[1].reason


def test_eml_file_and_stdin_are_one_message(tmp_path: Path) -> None:
    eml = tmp_path / "one.eml"
    eml.write_bytes(MESSAGE % 7)
    assert isinstance(next(read_mail(str(eml))), MailItem)
    assert isinstance(next(read_mail("-", io.BytesIO(MESSAGE % 8))), MailItem)


def test_missing_file_is_an_error_item_not_an_exception(tmp_path: Path) -> None:
    (item,) = read_mail(str(tmp_path / "nope.eml"))
    assert isinstance(item, MailFileError) and "cannot read" in item.reason
