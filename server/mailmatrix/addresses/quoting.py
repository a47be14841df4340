"""What the sender wrote now: a plain-text body without quoted replies and forwarded blocks.

The body is read once, line by line, and every test looks at one line or a window of at most
three short lines, so the work is linear in the size of the body whatever it contains.
"""

from __future__ import annotations

import re

# Lines longer than this are prose or garbage, never a reply header; skipping them bounds the
# regex work per line.
_MAX_HEADER_LINE = 400
_WINDOW_LINES = 3  # Gmail and Apple Mail wrap a long "On ... wrote:" over two or three lines.
_HEADER_LOOKAHEAD = 5  # lines after "From:" in which Outlook's "Sent:" must follow.

# Invisible marks that RTL text and some clients put around header words.
_INVISIBLE_MARKS = "\u200b\u200c\u200d\u200e\u200f\u202a\u202b\u202c\u202d\u202e"
_INVISIBLE = str.maketrans("", "", _INVISIBLE_MARKS + "\u2066\u2067\u2068\u2069\ufeff\u00ad")

_ATTRIBUTION_VERB = re.compile(
    r"wrote|writes|schrieb|a\s+écrit|escribió|escribio|ha\s+escrito|ha\s+scritto|scrisse"
    r"|escreveu|schreef|skrev|kirjoitti|napisał|написал|写道|寫道|書きました|のメッセージ",
    re.IGNORECASE,
)
# How an attribution line begins: "On", "Am", "Le", "El", ... , a date, or "Name <address>".
_ATTRIBUTION_OPENER = re.compile(
    r"(?:on|am|le|el|il|em|op|den|w\s+dniu)\s|在|于|\d|[^<>]{0,80}<[^<>\s@]+@[^<>\s]+>",
    re.IGNORECASE,
)
# Japanese Gmail has no verb: "2024年6月3日(月) 10:00 山田太郎 <taro@example.jp>:".
_DATED_ADDRESS_LINE = re.compile(
    r"(?:\d{4}年|\d{4}/\d{1,2}/\d{1,2}).*<[^<>\s@]+@[^<>\s]+>\s*[:：]$"
)

_DASHES = r"[-–—=_~*]{2,}"
_ORIGINAL_OR_FORWARDED = re.compile(
    rf"^{_DASHES}\s*(?:original\s+message|original|ursprüngliche\s+nachricht"
    r"|message\s+d['’]origine|mensaje\s+original|messaggio\s+originale|oorspronkelijk\s+bericht"
    r"|originalmeddelande|原始邮件|原始郵件|元のメッセージ"
    r"|forwarded\s+message|weitergeleitete\s+nachricht|message\s+transféré|mensaje\s+reenviado"
    r"|messaggio\s+inoltrato|doorgestuurd\s+bericht|转发的邮件|已转发邮件|轉寄的郵件"
    rf"|転送されたメッセージ|転送メッセージ)\s*{_DASHES}\s*$",
    re.IGNORECASE,
)
_BEGIN_FORWARDED = re.compile(
    r"^(?:begin\s+forwarded\s+message|anfang\s+der\s+weitergeleiteten\s+nachricht"
    r"|début\s+du\s+message\s+réexpédié|inicio\s+del\s+mensaje\s+reenviado"
    r"|转发的邮件|以下是转发的邮件|転送されたメッセージ)\s*[:：]\s*$",
    re.IGNORECASE,
)

# Outlook's header block: a "From:" line, then "Sent:" (or "Date:"/"Subject:") a few lines on.
_LABEL_END = r"\s*\**\s*[:：]"
_FROM_LABEL = re.compile(
    rf"^\**\s*(?:from|von|de|da|van|från|fra|发件人|發件人|寄件者|寄件人|差出人|送信者){_LABEL_END}",
    re.IGNORECASE,
)
_SENT_WORDS = (
    r"sent|date|gesendet|datum|envoyé|date\s+d['’]envoi|enviado|fecha|inviato|data|verzonden"
    r"|skickat|sendt|subject|betreff|objet|asunto|oggetto|onderwerp|发送时间|發送時間|日期|时间"
    r"|寄件日期|主题|主旨|送信日時|日付|件名"
)
_SENT_LABEL = re.compile(rf"^\**\s*(?:{_SENT_WORDS}){_LABEL_END}", re.IGNORECASE)
_SENT_LABEL_INLINE = re.compile(rf"\s\**(?:{_SENT_WORDS}){_LABEL_END}", re.IGNORECASE)

_SEPARATOR_ONLY = re.compile(r"^[-–—_=*~\s]*$")


def _visible(line: str) -> str:
    if line.isascii():
        return line.strip()
    return line.translate(_INVISIBLE).replace("\u00a0", " ").strip()


def _is_quoted(line: str) -> bool:
    return line.lstrip(" \t\u00a0").startswith(">")


def _is_attribution(joined: str) -> bool:
    if not joined.endswith((":", "：")):
        return False
    if _DATED_ADDRESS_LINE.search(joined):
        return True
    return bool(
        _ATTRIBUTION_OPENER.match(joined)
        and _ATTRIBUTION_VERB.search(joined)
        and re.search(r"[\d@]", joined)
    )


def _attribution_length(lines: list[str], start: int) -> int:
    """How many lines (1..3) starting at ``start`` form an "On ... wrote:" line, or 0."""
    joined = ""
    for offset in range(_WINDOW_LINES):
        index = start + offset
        if index >= len(lines):
            break
        line = lines[index]
        if not line or len(line) > _MAX_HEADER_LINE or (offset and _is_quoted(line)):
            break
        joined = f"{joined} {line}".strip()
        if _is_attribution(joined):
            return offset + 1
    return 0


def _is_outlook_header(lines: list[str], start: int) -> bool:
    line = lines[start]
    if len(line) > _MAX_HEADER_LINE or not _FROM_LABEL.match(line):
        return False
    if _SENT_LABEL_INLINE.search(line):  # "From: X Sent: Y To: Z" flattened onto one line
        return True
    following = (nxt for nxt in lines[start + 1 : start + 1 + _HEADER_LOOKAHEAD] if nxt)
    return any(len(nxt) <= _MAX_HEADER_LINE and _SENT_LABEL.match(nxt) for nxt in following)


def _starts_quoted_rest(lines: list[str], start: int) -> bool:
    """Whether the next non-blank line after ``start`` is a "> " quoted line."""
    for line in lines[start : start + 50]:  # bounded: a run of blank lines proves nothing
        if line:
            return _is_quoted(line)
    return False


def strip_quoted(text: str) -> str:
    """The part of a plain-text body the sender wrote now.

    Drops "> " quoted lines, reply attributions ("On ... wrote:", "Am ... schrieb ...:", ...),
    Outlook's "-----Original Message-----" and "From: ... Sent: ..." blocks and forwarded blocks
    with everything below them. An attribution followed by "> " lines is an interleaved reply:
    only the attribution and the quoted lines go, the sender's answers between them stay.
    """
    if not isinstance(text, str) or not text:
        return ""
    raw_lines = text.splitlines()
    lines = [_visible(line) for line in raw_lines]
    kept: list[str] = []
    index = 0
    while index < len(lines):
        line = lines[index]
        if _is_quoted(line):
            index += 1
            continue
        if line and len(line) <= _MAX_HEADER_LINE:
            if _ORIGINAL_OR_FORWARDED.match(line) or _BEGIN_FORWARDED.match(line):
                break
            if _is_outlook_header(lines, index):
                break
            span = _attribution_length(lines, index)
            if span:
                if not _starts_quoted_rest(lines, index + span):
                    break
                index += span
                continue
        kept.append(raw_lines[index].rstrip())
        index += 1
    # Outlook puts a rule of underscores above its header block; blank lines trail quotes.
    while kept and _SEPARATOR_ONLY.match(_visible(kept[-1])) and _visible(kept[-1]) != "--":
        kept.pop()
    return "\n".join(kept)
