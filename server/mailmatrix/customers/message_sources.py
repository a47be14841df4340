"""What ingest reads: mbox files, maildirs, single messages and JSON-lines header records, as
``MessageFacts`` or the reason a message was skipped.

Light on imports (no database, no classification): ``read_ahead`` runs it in a process of its
own, which starts in a tenth of a second.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from pathlib import Path

from mailmatrix.customers.facts import MessageFacts, facts_from_bytes
from mailmatrix.mailfiles import NO_HEADERS, MailFileError, read_raw_mail

JSON_FIELDS = {"from": "from_", "sender": "sender", "reply_to": "reply_to", "to": "to",
               "cc": "cc", "date": "date", "message_id": "message_id",
               "in_reply_to": "in_reply_to", "references": "references", "subject": "subject",
               "body": "body"}


def input_size(paths: Iterable[str]) -> int:
    """Bytes ingest will read: files, and the message files of folders (maildir)."""
    total = 0
    for path in map(Path, paths):
        try:
            files = [path] if not path.is_dir() else [
                file for file in path.rglob("*") if file.is_file()]
            total += sum(file.stat().st_size for file in files)
        except OSError:
            continue  # reported as skipped when ingest gets to it
    return total


# (source, facts or why skipped or None for a blank line, bytes of input it took up)
Read = tuple[str, MessageFacts | str | None, int]


def read_sources(paths: Iterable[str]) -> Iterator[Read]:
    """Every message of ``paths`` in order, as facts or the reason it was skipped."""
    for path in paths:
        target = Path(path)
        if target.is_dir():
            yield from _maildir(target)
        elif target.suffix in (".jsonl", ".ndjson"):
            yield from _json_lines(target)
        else:
            yield from _mail_file(path)


def _mail_file(path: str) -> Iterator[Read]:
    for item in read_raw_mail(path):
        if isinstance(item, MailFileError):
            yield item.source, item.reason, item.size
            continue
        try:
            facts = facts_from_bytes(item.data)
        except Exception as error:  # a shape no reader foresaw: reported, and the run goes on
            yield item.source, f"unreadable: {type(error).__name__}: {error}"[:300], item.size
            continue
        if facts is None:
            yield item.source, NO_HEADERS, item.size
        elif not facts.from_.strip():
            yield item.source, "no From header", item.size
        else:
            yield item.source, facts, item.size


def _maildir(folder: Path) -> Iterator[Read]:
    """A maildir's cur/ and new/ (or any folder of message files), in name order."""
    subfolders = [folder / name for name in ("cur", "new") if (folder / name).is_dir()]
    for sub in subfolders or [folder]:
        for file in sorted(sub.iterdir()):
            if file.is_file() and not file.name.startswith("."):
                yield from _mail_file(str(file))


def _json_lines(path: Path) -> Iterator[Read]:
    try:
        handle = path.open("rb")
    except OSError as error:
        yield str(path), f"cannot read: {error.strerror or error}", 0
        return
    with handle:
        for number, raw in enumerate(handle, start=1):
            source, size = f"{path}:{number}", len(raw)
            line = raw.decode("utf-8", errors="replace")
            if not line.strip():
                yield source, None, size
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as error:
                yield source, f"not JSON: {error.msg}", size
                continue
            if not isinstance(record, dict) or not record.get("from"):
                yield source, "a header record needs at least a 'from' field", size
                continue
            values = {attribute: str(record[key]) for key, attribute in JSON_FIELDS.items()
                      if record.get(key) is not None}
            results = record.get("authentication_results") or []
            if isinstance(results, str):
                results = [results]
            yield source, MessageFacts(**values, authentication_results=tuple(
                map(str, results))), size
