"""``mailmatrix tone``: one hint per message of the given files, as text or JSON lines.

Start-up costs (models, language profiles, word lists) are paid once per run: they live in
module-level caches of the tone package, not per message.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import asdict
from datetime import datetime
from typing import BinaryIO

from mailmatrix.mail_headers import header_text
from mailmatrix.mailfiles import MailFileError, read_mail
from mailmatrix.tone.email_input import UnreadableMessage, message_for_tone
from mailmatrix.tone.hint import ToneHint, tone_hint


def hint_record(source: str, message_id: str, hint: ToneHint) -> dict[str, object]:
    """The DESIGN.md contract of one tone line."""
    return {
        "file": source,
        "message_id": message_id,
        "register": hint.register,
        "formality": hint.formality,
        "confidence": hint.confidence,
        "language": hint.language,
        "greeting": hint.greeting,
        "sign_off": hint.sign_off,
        "cues": [asdict(cue) for cue in hint.cues],
        "cautions": [asdict(caution) for caution in hint.cautions],
    }


def tone_lines(files: Iterable[str], *, now: datetime, as_json: bool,
               stdin: BinaryIO | None = None) -> Iterator[str]:
    for path in files:
        for item in read_mail(path, stdin):
            if isinstance(item, MailFileError):
                yield _error_line(item.source, "", item.reason, as_json)
                continue
            message_id = header_text(item.message, "Message-ID").strip()
            try:
                hint = tone_hint(message_for_tone(item.message), now=now)
            except UnreadableMessage as error:
                yield _error_line(item.source, message_id, str(error), as_json)
                continue
            record = hint_record(item.source, message_id, hint)
            yield json.dumps(record, ensure_ascii=False) if as_json else _describe(record)


def _error_line(source: str, message_id: str, reason: str, as_json: bool) -> str:
    if as_json:
        return json.dumps({"file": source, "message_id": message_id, "error": reason},
                          ensure_ascii=False)
    return f"{source}: cannot read: {reason}"


def _describe(record: dict[str, object]) -> str:
    lines = [f"{record['file']} {record['message_id']}".rstrip(),
             f"  register: {record['register']} (formality {record['formality']:.2f}, "
             f"language {record['language'] or 'unknown'})",
             f"  greeting: {record['greeting']}   sign-off: {record['sign_off']}"]
    for cue in record["cues"]:  # type: ignore[union-attr]
        lines.append(f"  cue: {cue['kind']}: {cue['text']!r} ({cue['effect']:+.2f}) {cue['note']}")
    for caution in record["cautions"]:  # type: ignore[union-attr]
        lines.append(f"  caution: {caution['message']}")
    return "\n".join(lines)
