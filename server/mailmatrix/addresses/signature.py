"""Signature facts from a plain-text body: name, title, company, phones, websites, emails.

These are linking evidence ("same mobile number in the signature"), so a fact is only reported
when it is written in the signature, each with the reason it was taken. Pure: no I/O.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

import phonenumbers
from phonenumbers import Leniency, PhoneNumberFormat, PhoneNumberMatcher, PhoneNumberType

from mailmatrix.addresses.quoting import strip_quoted


@dataclass(frozen=True)
class Phone:
    e164: str  # "+4989123456"
    kind: str  # "mobile" | "fixed" | "unknown"
    text: str  # as written


@dataclass(frozen=True)
class SignatureFacts:
    block: str  # the signature block text found ("" when none)
    name: str | None
    title: str | None  # job title
    company: str | None
    phones: tuple[Phone, ...]
    websites: tuple[str, ...]  # lowercased host (+path), e.g. "acme-gmbh.de"
    emails: tuple[str, ...]  # lowercased
    reasons: tuple[str, ...]  # how each fact was found


NO_SIGNATURE = SignatureFacts("", None, None, None, (), (), (), ())

# Signatures live at the end; scanning only the tail bounds the work on huge bodies.
_TAIL_CHARS = 4000
_MAX_BLOCK_LINES = 20
_MAX_LINE = 300  # longer lines are disclaimers or prose: not scanned for facts
_CLOSING_WINDOW = 25  # a closing must be among the last this many non-blank lines
_NAME_WINDOW = 3  # without the sender's name, the name is among the block's first lines

# --- line cleaning ----------------------------------------------------------------------------

# Compiled once, here and below: a block's lines and parts pass through a few dozen patterns,
# and re's own cache lookup for each one written inline cost 5-8% of reading a block.
_INVISIBLE = re.compile(r"[\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff\u00ad]")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_DECORATION = re.compile(r"^[\W_]*$")  # rules of dashes, "━━━", "＝＝＝", "***"
_SPACES = re.compile(r" {2,}")


def _clean(line: str) -> str:
    line = _INVISIBLE.sub("", line)
    line = _CONTROL.sub(" ", line).replace("\t", " ").replace("\u00a0", " ")
    return _SPACES.sub(" ", line).strip()


_BOILERPLATE = re.compile(
    r"^(?:sent\s+from\s+my|get\s+outlook\s+for|von\s+meinem\s+\S+\s+gesendet|envoyé\s+de\s+mon"
    r"|enviado\s+desde\s+mi|发自我的|發自我的|iphoneから送信|私の\s*iphone\s*から送信)",
    re.IGNORECASE,
)

# --- the block --------------------------------------------------------------------------------

_GRUSSE = r"gr(?:ü|ue|u)(?:ß|ss)en?"
_CLOSING_PHRASES = (
    r"(?:with\s+)?(?:best|kind|kindest|warm|warmest|sincere|many)\s+(?:regards|wishes)"
    r"|(?:best\s+)?regards|best|thanks(?:\s+(?:and|&)\s+(?:best\s+|kind\s+)?regards)?"
    r"|thank\s+you(?:\s+very\s+much)?|many\s+thanks|thanks\s+a\s+lot|cheers|sincerely"
    r"|yours\s+(?:sincerely|faithfully|truly)|br|rgds|b\.?rgds|respectfully"
    rf"|mit\s+freundlichen\s+{_GRUSSE}|freundliche\s+{_GRUSSE}|mfg|lg|vg"
    rf"|(?:viele|beste|liebe|herzliche|schöne|freundliche)\s+{_GRUSSE}|{_GRUSSE}|gru(?:ß|ss)"
    r"|(?:vielen\s+)?dank|danke(?:\s+schön)?"
    r"|(?:bien\s+)?cordialement|bien\s+à\s+vous|(?:meilleures|sincères|bien\s+)?\s*salutations"
    r"(?:\s+distinguées)?|merci(?:\s+beaucoup)?"
    r"|saludos(?:\s+cordiales)?|un\s+(?:cordial\s+)?saludo(?:\s+cordial)?|atentamente"
    r"|cordialmente|(?:muchas\s+)?gracias|un\s+abrazo"
    r"|此致\s*敬礼|此致|敬礼|祝好|(?:顺|順)(?:祝|颂|頌)商祺|商祺|谢谢|謝謝|多谢"
    r"|(?:何卒|どうぞ)?(?:よろしく|宜しく)お願い(?:いた|致|申し上げ)?(?:します|ます)|以上"
    r"|مع\s+(?:أطيب\s+)?(?:التحيات|التحية)|تحياتي"
)
_CLOSING_LINE = re.compile(rf"^(?:{_CLOSING_PHRASES})[\s,，、.!！。:~-]*$", re.IGNORECASE)
# "Best regards, Tom Becker": the closing and the name on one line.
_CLOSING_WITH_NAME = re.compile(
    rf"^(?:{_CLOSING_PHRASES})\s*[,，\-–—]\s*(?P<name>[^,，]{{2,60}})$", re.IGNORECASE
)


@dataclass(frozen=True)
class _Block:
    lines: tuple[str, ...]
    reason: str


def _find_block(lines: list[str], sender_name: str | None) -> _Block | None:
    for index in range(len(lines) - 1, -1, -1):
        if lines[index] == "--":  # "-- " after cleaning; many clients drop the space
            return _Block(_block_lines(lines[index + 1 :]), "after the '-- ' delimiter")
    nonblank = [i for i, line in enumerate(lines) if line][-_CLOSING_WINDOW:]
    for index in reversed(nonblank):
        line = lines[index]
        if len(line) > 80:
            continue
        if _CLOSING_LINE.match(line):
            block = _block_lines(lines[index + 1 :])
            if block and _is_prose(block[0]):
                break  # "Thanks!" opened the message; it did not close it
            return _Block(block, f"after the closing '{line}'")
        inline = _CLOSING_WITH_NAME.match(line)
        if inline and _looks_like_name(inline["name"].strip()):
            block = _block_lines([inline["name"].strip(), *lines[index + 1 :]])
            return _Block(block, f"from the closing line '{line}'")
    return _last_short_block(lines, sender_name)


def _block_lines(lines: list[str]) -> tuple[str, ...]:
    kept = [
        line
        for line in lines
        if line and not _DECORATION.match(line) and not _BOILERPLATE.match(line)
    ]
    return tuple(kept[:_MAX_BLOCK_LINES])


_PROSE_END = re.compile(r"[.?!。？！]$")
_GREETING = re.compile(
    r"^(?:hi|hello|dear|hallo|liebe|lieber|sehr\s+geehrte|bonjour|hola"
    r"|estimad[oa]|您好|你好|尊敬的)\b",
    re.IGNORECASE,
)


def _is_prose(line: str) -> bool:
    if len(line) > 80:
        return True
    sentence = _PROSE_END.search(line) and len(line.split()) >= 4
    return bool(sentence and not _LEGAL_FORM.search(line))


def _last_short_block(lines: list[str], sender_name: str | None) -> _Block | None:
    """The trailing run of short, non-prose lines of the last paragraph, if it has evidence."""
    end = len(lines)
    while end and not lines[end - 1]:
        end -= 1
    start = end
    while start and lines[start - 1]:
        if _is_prose(lines[start - 1]) or _GREETING.match(lines[start - 1]):
            break
        start -= 1
    block = _block_lines(lines[start:end])
    has_evidence = any(
        _CONTACT_LABEL.match(line)
        or _EMAIL.search(line)
        or _LEGAL_FORM.search(line)
        or _URL.search(line)
        or _TITLE_WORD.search(line)
        for line in block
    )
    if len(block) >= 2 and has_evidence:
        return _Block(block, "the last block of short lines")
    # "Li Wei" alone under the text is a signature when it is the sender's name.
    if block and sender_name and _name_from_sender(_name_parts(block), sender_name):
        return _Block(block, "the last block of short lines, naming the sender")
    return None


def _name_parts(block: tuple[str, ...]) -> list[tuple[_At, str]]:
    return [((0, 0), line) for line in block if _looks_like_name(line)]


# --- what a line is ---------------------------------------------------------------------------

# The dotted forms must not start inside "U.S.A.", hence the look-behind instead of \b.
_LEGAL_FORM = re.compile(
    r"(?i:(?<![\w.])(?:gmbh|mbh|ltd|limited|llc|l\.l\.c|inc|incorporated|corp|corporation|plc|llp"
    r"|company|co\.|e\.\s?k|s\.\s?a\.?\s?s|s\.\s?a|s\.\s?l|s\.\s?r\.\s?l|srl|sarl|s\.\s?à\s?r\.\s?l"
    r"|s\.\s?p\.\s?a|b\.\s?v|n\.\s?v|pty|pte|sdn\.?\s+bhd|ltda|s\.\s?de\s+r\.\s?l"
    r"|kft|s\.\s?r\.\s?o|sp\.\s?z\s?o\.\s?o|k\.\s?k|jsc)(?![\w]))"
    r"|\b(?:AG|KG|OHG|UG|SE|SA|SL|SAS|SpA|BV|NV|AS|A/S|ApS|AB|Oy|GK|PT)\b"
    r"|股份有限公司|有限责任公司|有限公司|集团|集團|公司|株式会社|有限会社|合同会社|\(株\)|（株）|㈱"
)
_TITLE_WORD = re.compile(
    r"(?i:\b(?:manager|director|head|purchas\w*|procurement|buyer|sourcing|sales"
    r"|engineer|ceo|cfo|coo|cto|owner|founder|co-founder|president|vp|officer|assistant"
    r"|coordinator|specialist|representative|executive|supervisor|agent|consultant|chairman"
    r"|partner|accountant|logistics|merchandiser|directeur|directrice|responsable|acheteu[rs]e?"
    r"|gérant|chef|commercial|commerciale|achats|gerente|directora?|jef[ea]|compras|compradora?"
    r"|ventas|encargad[oa]|departamento)\b"
    r"|leiter|einkauf|einkäufer|vertrieb|verkauf|geschäftsführ|inhaber|sachbearbeit|prokurist"
    r"|vorstand|assistenz|referent)"
    r"|经理|經理|主管|总监|總監|采购|採購|销售|銷售|业务|業務|外贸|董事|总裁|總裁|主任|助理|专员"
    r"|部長|部长|課長|係長|社長|取締役|担当|営業|購買|室長|マネージャー|代表"
)
_CONTACT_LABEL = re.compile(
    r"^(?:tel|tél|tele?fon|téléphone|teléfono|telefono|phone|ph|fon|fax|mobile?|mob|cell"
    r"|handy|portable|móvil|movil|celular|whatsapp|wechat|skype|qq|line|e-?mail|mail|web"
    r"|website|url|www|homepage|internet|address|adresse|anschrift|dirección|direccion|addr"
    r"|[mtfpew]|手机|手機|电话|電話|传真|傳真|邮箱|郵箱|网址|網址|地址|微信|携帯|住所|メール"
    r"|ホームページ)\.?\s*[:：]",
    re.IGNORECASE,
)
_ADDRESS = re.compile(
    r"〒|\d\s*(?:号|號|丁目|番地)|[省市区區县縣路街]\s*\d"
    r"|(?i:\b(?:street|road|rd\.|avenue|ave\.|blvd|calle|avda|rue|postfach|p\.?\s?o\.?\s?box"
    r"|suite|floor|building)\b)"
    # German streets are compounds: "Industriestr. 12", "Am Hafenweg 3".
    r"|(?i:(?:str\.|straße|strasse|weg|platz|allee|gasse|ring|damm)\s*\d)"
)
_NAME_PARTICLES = {"van", "von", "de", "der", "den", "da", "di", "del", "la", "le", "bin", "al"}
_NAME_TOKEN = re.compile(r"[^\W\d_][\w.'’-]*")
_NOT_IN_NAMES = re.compile(r"[\d@:/]")
_NAME_PUNCTUATION = re.compile(r"[()（）,]")


def _looks_like_name(text: str) -> bool:
    if not 2 <= len(text) <= 60 or _NOT_IN_NAMES.search(text):
        return False
    if _LEGAL_FORM.search(text) or _TITLE_WORD.search(text) or _CONTACT_LABEL.match(text):
        return False
    if _CLOSING_LINE.match(text) or _ADDRESS.search(text) or _GREETING.match(text):
        return False
    words = _NAME_PUNCTUATION.sub(" ", text).split()
    given_and_family = [word for word in words if word.casefold() not in _NAME_PARTICLES]
    if not 1 <= len(given_and_family) <= 5 or len(words) > 8:
        return False
    for word in words:
        if not _NAME_TOKEN.fullmatch(word):
            return False
        # Names are capitalized in cased scripts; CJK, Arabic, Hebrew have no case.
        if word[0].islower() and word.casefold() not in _NAME_PARTICLES:
            return False
    return True


_SEGMENT_BREAK = re.compile(r"\s*[|•·]\s*|\s+[-–—/]\s+")
_TITLE_COMPANY_BREAK = re.compile(r",\s*|\s+(?:at|bei|chez|en|@)\s+")


def _segments(line: str) -> list[str]:
    """The parts of a line like "Tom Becker | Purchasing Manager | Acme GmbH"."""
    parts = _SEGMENT_BREAK.split(line)
    return [part.strip(" ,，") for part in parts if part.strip(" ,，")]


def _split_title_company(segment: str) -> tuple[str, str] | None:
    """(title, company) from "Sales Manager, Acme Co., Ltd." or "宁波艾克美有限公司 采购经理"."""
    match = _TITLE_COMPANY_BREAK.search(segment)
    if match:
        left, right = segment[: match.start()], segment[match.end() :]
        if _TITLE_WORD.search(left) and not _LEGAL_FORM.search(left) and _LEGAL_FORM.search(right):
            return left.strip(), right.strip()
    forms = list(_LEGAL_FORM.finditer(segment))
    if forms:
        after = segment[forms[-1].end() :].strip(" ,，、.")
        if after and _TITLE_WORD.search(after) and not _LEGAL_FORM.search(after):
            return after, segment[: forms[-1].end()].strip()
    return None


# --- contacts ---------------------------------------------------------------------------------

_EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
_URL = re.compile(r"(?i)(?<![\w@.-])(?:https?://|www\.)[^\s<>\"'“”‘’，。、；：（）「」【】|]+")
_WEB_LABEL = re.compile(
    r"^(?:web|website|url|homepage|internet|site|sitio\s+web|网址|網址|ホームページ)\s*[:：]\s*",
    re.IGNORECASE,
)
_BARE_DOMAIN = re.compile(r"[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,12}")
_HOST = re.compile(r"[a-z0-9\u00c0-\u024f-]+(?:\.[a-z0-9\u00c0-\u024f-]+)+")
# Link wrappers, trackers, shorteners and mail-client links say nothing about the sender.
_IGNORED_HOST = re.compile(
    r"(?:^|\.)(?:safelinks\.protection\.outlook\.com|urldefense(?:\.proofpoint)?\.com"
    r"|mimecast\.com|aka\.ms|go\.microsoft\.com|mail\.google\.com|outlook\.live\.com"
    r"|outlook\.office(?:365)?\.com|mandrillapp\.com|list-manage\.com|sendgrid\.net"
    r"|mailchi\.mp|hubspotlinks\.com|mcusercontent\.com|googleusercontent\.com"
    r"|t\.co|bit\.ly|lnkd\.in|tinyurl\.com)$"
)
_TRACKING_LABELS = ("click", "clicks", "track", "tracking", "trk", "links", "email", "mail")
_TRAILING_PUNCT = ".,;:!?)]}>'\"。，；：）」】"


def _website(written: str) -> str | None:
    url = written.rstrip(_TRAILING_PUNCT)
    url = re.sub(r"(?i)^https?://", "", url)
    host, path = re.match(r"([^/?#]*)(.*)", url).groups()
    host = host.split("@")[-1].split(":")[0].lower().rstrip(".")
    host = host.removeprefix("www.")
    if not _HOST.fullmatch(host) or not re.search(r"\.[^\W\d_]{2,}$", host):
        return None
    if _IGNORED_HOST.search(host):
        return None
    if host.split(".")[0] in _TRACKING_LABELS or "unsubscribe" in path.lower():
        return None
    path = re.split(r"[?#]", path, maxsplit=1)[0].strip("/")  # queries carry tracking ids
    return f"{host}/{path}" if path else host


def _websites_in(line: str) -> Iterator[tuple[str, str]]:
    line = _EMAIL.sub(" ", line)
    for match in _URL.finditer(line):
        yield match.group(), "written as a link"
    label = _WEB_LABEL.match(line)
    segments = [line[label.end() :]] if label else _segments(line)
    for segment in segments:
        segment = segment.strip().rstrip(_TRAILING_PUNCT)
        if _BARE_DOMAIN.fullmatch(segment) and not segment.startswith("www."):
            yield segment, "labelled as a website" if label else "a domain on its own"


_PHONE_LABEL = re.compile(
    r"(?<![^\W\d_])(?P<label>mobile?|mob|cell(?:phone)?|handy|mobil|portable|móvil|movil"
    r"|celular|whatsapp|手机|手機|携帯|ケータイ|tel|tél|tele?fon|telephone|téléphone|teléfono"
    r"|phone|ph|office|direct|durchwahl|dw|电话|電話|座机|fax|telefax|传真|傳真|ファックス|[mtf])"
    r"\s*\.?\s*(?:\([^()]{0,12}\)\s*)?[:：.]?\s*$",
    re.IGNORECASE,
)
_MOBILE_LABEL = re.compile(
    r"mobile?|mob|cell(?:phone)?|handy|portable|m[oó]vil|celular|whatsapp|m|手机|手機|携帯|ケータイ"
)
_FAX_LABELS = {"fax", "telefax", "传真", "傳真", "ファックス", "f"}
# Registry and bank numbers are not phones, whatever digits they hold.
_NOT_PHONE_LINE = re.compile(
    r"(?i)\b(?:vat|ust|iban|bic|swift|hrb|hra|amtsgericht|steuer|tax|reg|registration|acct"
    r"|account\s+(?:no|number)|konto|cif|nif|rfc|duns)\b|税号|税務|登録番号|账号|帳號"
)
_DOUBLE_ZERO_PREFIX = re.compile(r"(?<![\d+])00(?=\s?[1-9])")
_KINDS = {PhoneNumberType.MOBILE: "mobile", PhoneNumberType.FIXED_LINE: "fixed"}
_FEWEST_DIGITS = 4
_UNSURE = {PhoneNumberType.FIXED_LINE_OR_MOBILE, PhoneNumberType.UNKNOWN}


def _phones_in(line: str, region: str | None) -> Iterator[tuple[Phone, str]]:
    # No valid number anywhere has fewer digits; the matcher costs 20 microseconds a line
    if sum(map(str.isdigit, line)) < _FEWEST_DIGITS or _NOT_PHONE_LINE.search(line):
        return
    # "0049 89 ..." is as international as "+49 89 ...": same length keeps offsets true.
    scanned = _DOUBLE_ZERO_PREFIX.sub("+ ", line)
    previous_end = 0
    try:
        matches = list(PhoneNumberMatcher(scanned, region, leniency=Leniency.VALID, max_tries=20))
    except Exception:  # the parser is third-party; a bad line must not lose the rest
        return
    for match in matches:
        written = line[match.start : match.end]
        before = line[max(previous_end, match.start - 24) : match.start]
        previous_end = match.end
        label_match = _PHONE_LABEL.search(before)
        label = label_match["label"].casefold() if label_match else ""
        number_type = phonenumbers.number_type(match.number)
        kind = _KINDS.get(number_type, "unknown")
        why = f"numbering plan says {kind}" if kind != "unknown" else "numbering plan is unsure"
        if number_type in _UNSURE and label:
            kind = "mobile" if _MOBILE_LABEL.fullmatch(label) else "fixed"
            why = f"labelled '{label_match['label']}'"
        elif label in _FAX_LABELS:
            why += ", a fax line"
        e164 = phonenumbers.format_number(match.number, PhoneNumberFormat.E164)
        yield Phone(e164, kind, written), f"phone {e164}: written '{written}', {why}"


# --- the facts --------------------------------------------------------------------------------


_LETTERS = re.compile(r"[^\W\d_]+")
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]")
_DIGIT = re.compile(r"\d")


def _name_tokens(text: str) -> set[str]:
    folded = unicodedata.normalize("NFKD", text.casefold())
    folded = "".join(ch for ch in folded if not unicodedata.combining(ch))
    return set(_LETTERS.findall(folded))


def _has_cjk(text: str) -> bool:
    return bool(_CJK.search(text))


def _sender_overlap(segment: str, sender: set[str], sender_compact: str) -> int:
    """How strongly a line names the sender (0: not at all), whatever the word order."""
    tokens = _name_tokens(segment)
    if tokens and (sender <= tokens or tokens <= sender):
        return len(tokens & sender)
    if sender_compact and _has_cjk(sender_compact) and len(sender_compact) >= 2:
        joined = "".join(_LETTERS.findall(segment.casefold()))
        if sender_compact in joined or (len(joined) >= 2 and joined in sender_compact):
            return len(sender_compact)
    return 0


_At = tuple[int, int]  # (line in the block, part of the line)


@dataclass
class _Lines:
    """What each short line part of the block is, at its (line, part) position."""

    titles: list[tuple[_At, str]]
    companies: list[tuple[_At, str]]
    names: list[tuple[_At, str]]
    plain: list[tuple[_At, str]]  # none of the above, no digits: a company without legal form?


def _classify(block: tuple[str, ...]) -> _Lines:
    found = _Lines([], [], [], [])
    for index, line in enumerate(block):
        for part, kind, text in _line_parts(line):
            getattr(found, kind).append(((index, part), text))
    return found


@lru_cache(maxsize=8192)
def _line_parts(line: str) -> tuple[tuple[int, str, str], ...]:
    """What each part of a signature line is: (part, "titles" | "companies" | "names" |
    "plain", its text); nothing for contact lines. Cached: names, titles and company lines
    recur from one signature to the next (colleagues, common names), and telling them took
    about a third of reading a block."""
    if len(line) > _MAX_LINE or _CONTACT_LABEL.match(line) or _EMAIL.search(line):
        return ()
    if _URL.search(line) or _ADDRESS.search(line):
        return ()
    parts: list[tuple[int, str, str]] = []
    for part, segment in enumerate(_segments(line)):
        title_company = _split_title_company(segment)
        if title_company:
            parts += [(part, "titles", title_company[0]), (part, "companies", title_company[1])]
        elif _LEGAL_FORM.search(segment):
            parts.append((part, "companies", segment))
        elif _TITLE_WORD.search(segment) and len(segment) <= 80:
            parts.append((part, "titles", segment))
        elif _looks_like_name(segment):
            parts.append((part, "names", segment))
        elif len(segment) <= 80 and not _DIGIT.search(segment):
            parts.append((part, "plain", segment))
    return tuple(parts)


# A display name like "Acme Trading" or "Sales Team" names no person.
_ORGANIZATION_WORD = re.compile(
    r"(?i:\b(?:team|group|trading|industr\w*|international|info|office|support|service)\b)"
)


def _name_from_sender(names: list[tuple[_At, str]], sender_name: str) -> tuple[_At, str] | None:
    if _LEGAL_FORM.search(sender_name) or _TITLE_WORD.search(sender_name):
        return None
    if _ORGANIZATION_WORD.search(sender_name):
        return None
    sender = _name_tokens(sender_name)
    compact = "".join(_LETTERS.findall(sender_name.casefold()))
    scored = [(_sender_overlap(segment, sender, compact), at, segment) for at, segment in names]
    # The strongest match wins; among equals, the first in the block.
    best = max(scored, key=lambda item: (item[0], [-n for n in item[1]]), default=None)
    return (best[1], best[2]) if best and best[0] > 0 else None


def _name_by_position(found: _Lines) -> tuple[_At, str] | None:
    """The first name-like part before the title and company (or on the line after the title)."""
    title_at = found.titles[0][0] if found.titles else None
    company_at = found.companies[0][0] if found.companies else None
    roles = [at for at in (title_at, company_at) if at is not None]
    for at, name in found.names:
        line = at[0]
        if line >= _NAME_WINDOW:
            break
        plausible = (
            not roles
            or at < min(roles)
            or (title_at and line - 1 == title_at[0])  # CJK order: company, title, name
            or (company_at and line - 1 == company_at[0] and _has_cjk(name))
        )
        if plausible:
            # "Best regards, Tom" then "Tom Becker": the fuller line is the name.
            fuller = [(a, seg) for a, seg in found.names if a[0] == line + 1 and name in seg]
            return fuller[0] if fuller else (at, name)
    return None


def _pick_people_facts(
    block: tuple[str, ...], sender_name: str | None, reasons: list[str]
) -> tuple[str | None, str | None, str | None]:
    """(name, title, company), each with its reason appended to ``reasons``."""
    found = _classify(block)
    title = company = None
    if found.titles:
        title = found.titles[0][1]
        word = _TITLE_WORD.search(title)
        reasons.append(f"title '{title}': title word '{word.group() if word else ''}'")
    if found.companies:
        company = found.companies[0][1]
        form = _LEGAL_FORM.search(company)
        reasons.append(f"company '{company}': legal form '{form.group() if form else ''}'")

    name_at = _name_from_sender(found.names, sender_name) if sender_name else None
    if name_at:
        reasons.append(f"name '{name_at[1]}': matches the sender's display name")
    else:
        name_at = _name_by_position(found)
        if name_at:
            reasons.append(f"name '{name_at[1]}': first name-like line of the signature")

    if company is None and (name_at or found.titles):
        after = max(name_at[0][0] if name_at else -1, found.titles[0][0][0] if found.titles else -1)
        name = name_at[1] if name_at else None
        # Two words at least: a single word there is more often a city than a company.
        next_lines = [
            seg
            for at, seg in found.names + found.plain
            if at[0] == after + 1 and seg != name and len(seg.split()) >= 2
        ]
        if next_lines:
            company = next_lines[0]
            reasons.append(f"company '{company}': the line after the name and title")
    return (name_at[1] if name_at else None), title, company


def _tail_lines(unquoted: str) -> list[str]:
    tail = unquoted[-_TAIL_CHARS:]
    lines = tail.splitlines()
    if len(unquoted) > _TAIL_CHARS and lines:
        lines = lines[1:]  # the first line of the tail is probably cut
    cleaned = [_clean(line) for line in lines]
    while cleaned and not cleaned[-1]:
        cleaned.pop()
    return cleaned


def signature_facts(
    text: str, *, sender_name: str | None = None, default_region: str | None = None
) -> SignatureFacts:
    """The facts written in the signature of a plain-text body (never raises).

    Phones written without a country code are only read when ``default_region`` (an ISO
    3166 code like "DE") says where they are national numbers.
    """
    if not isinstance(text, str) or not text:
        return NO_SIGNATURE
    region = default_region.upper() if isinstance(default_region, str) else None
    if region not in phonenumbers.SUPPORTED_REGIONS:
        region = None
    if not isinstance(sender_name, str) or not sender_name.strip():
        sender_name = None

    found = _find_block(_tail_lines(strip_quoted(text)), sender_name)
    if found is None or not found.lines:
        return NO_SIGNATURE
    return _block_facts(found, sender_name, region)


@lru_cache(maxsize=8192)
def _block_facts(found: _Block, sender_name: str | None, region: str | None) -> SignatureFacts:
    """The facts of a signature block: read once per sender's block, since a correspondent
    signs every message alike (reading a block took 60-200 microseconds, finding it 15)."""
    block = found.lines
    reasons = [f"signature block: {found.reason}"]
    name, title, company = _pick_people_facts(block, sender_name, reasons)

    phones: dict[str, Phone] = {}
    websites: dict[str, None] = {}
    emails: dict[str, None] = {}
    for line in block:
        if len(line) > _MAX_LINE:
            continue
        for phone, why in _phones_in(line, region):
            if phone.e164 not in phones:
                phones[phone.e164] = phone
                reasons.append(why)
        for written, why in _websites_in(line):
            site = _website(written)
            if site and site not in websites:
                websites[site] = None
                reasons.append(f"website {site}: '{written}' {why}")
        for address in _EMAIL.findall(line):
            address = address.lower()
            if address not in emails:
                emails[address] = None
                reasons.append(f"email {address}: written in the signature")

    return SignatureFacts(
        block="\n".join(block),
        name=name,
        title=title,
        company=company,
        phones=tuple(phones.values()),
        websites=tuple(websites),
        emails=tuple(emails),
        reasons=tuple(reasons),
    )
