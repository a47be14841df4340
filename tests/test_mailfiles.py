"""Reading .eml, mbox and stdin: every message, and a clear error for what cannot be read."""

from __future__ import annotations

import io
import tempfile
from pathlib import Path
from unittest import mock

from hypothesis import given, settings
from hypothesis import strategies as st

from mailmatrix import mailfiles
from mailmatrix.mailfiles import MailFileError, MailItem, read_mail, read_raw_mail

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


def split_by_lines(data: bytes) -> list[tuple[bytes, int]]:
    """The mbox rule, line by line (how the reader once worked): a line that starts with
    "From " ends the message before it, unless nothing came since the last such line;
    ">From " at a line's start is unescaped. (message bytes, bytes of the file it took up)"""
    lines = data.splitlines(keepends=True)
    found, body, size = [], [], len(lines[0])
    for line in lines[1:]:
        if line.startswith(b"From ") and body:
            found.append((b"".join(body), size))
            body, size = [], len(line)
            continue
        body.append(line[1:] if line.startswith(b">From ") else line)
        size += len(line)
    if body:
        found.append((b"".join(body), size))
    return found


LINES = st.sampled_from([b"From a@b Mon Nov 23 10:00:00 2026", b"From ", b">From x", b"From",
                         b"Subject: x", b"", b" From y", b">>From z", b"hello"])


@settings(max_examples=300, deadline=None)
@given(st.lists(LINES, max_size=25), st.sampled_from([b"\n", b"\r\n"]), st.booleans(),
       st.integers(min_value=1, max_value=64))
def test_the_block_reader_splits_as_the_mbox_rule_says(
    body: list[bytes], newline: bytes, final_newline: bool, block: int
) -> None:
    """Any block size (a "From " line cut between blocks included) gives the same messages
    and the same bytes of the file for each (what the progress bar advances by)."""
    data = newline.join([b"From first Mon Nov 23 10:00:00 2026", *body]) + (
        newline if final_newline else b"")
    with tempfile.TemporaryDirectory() as folder, \
            mock.patch.object(mailfiles, "_BLOCK", block):
        path = Path(folder) / "box.mbox"
        path.write_bytes(data)
        items = list(read_raw_mail(str(path)))
    expected = split_by_lines(data)
    assert [item.size for item in items] == [size for _, size in expected]
    assert [getattr(item, "data", None) for item in items] == [
        message if message.strip() else None for message, _ in expected]
