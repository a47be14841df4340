"""Parse addresses as they appear in mail headers.

Two libraries do the work: the standard library's header parser (RFC 5322 display names, group
syntax, comments, RFC 2047 encoded words in any charset Python knows, such as GB2312 and
ISO-2022-JP) splits a header into mailboxes; email-validator then checks each addr-spec
(RFC 5321/6531 syntax, IDNA domains in both label forms, UTF-8 local parts). Anything they reject
becomes ``InvalidAddress`` with the reason, so callers only ever handle one error type.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

# The grammar behind email.headerregistry (private by name, stable since Python 3.3): its token
# tree shows each addr-spec as written, which the public header objects only give repaired.
from email import _header_value_parser as header_grammar
from functools import lru_cache

from email_validator import EmailNotValidError, validate_email

from mailmatrix.addresses.errors import InvalidAddress

# Longest header value we try to parse: a real To: with hundreds of recipients fits easily;
# beyond this the input is an attack or a broken file, and the parser's cost grows with it.
MAX_HEADER_LENGTH = 64 * 1024
# RFC 5321 path limit (254 octets of addr-spec); anything longer cannot be delivered.
MAX_ADDRESS_LENGTH = 254

# A bare addr-spec needs none of the header machinery: no quotes, angle brackets, comments,
# groups, encoded words or spaces. This keeps the common case (one plain address) cheap.
_BARE_ADDRESS = re.compile(r"[^\s\"<>(),;:\\\[\]]+@[^\s\"<>(),;:\\\[\]@]+")
# The next most common header, one named mailbox: ``Li Wang <li.wang@acme.de>`` or
# ``"Wang, Li" <...>``, with a name that needs no decoding (no encoded word, escape, comment
# or RFC 5322 special outside the quotes). It reads as the header parser reads it, without
# the parser's 45 µs: ingest reads every new correspondent's From line.
_NAMED_ADDRESS = re.compile(
    r'(?:"(?P<quoted>[^"\\=]+)"|(?P<phrase>[^"<>()\[\]:;@\\,.=]+?))[ \t]*'
    r"<(?P<address>[^\s\"<>(),;:\\\[\]]+@[^\s\"<>(),;:\\\[\]@]+)>")
_CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")
_FOLDING = re.compile(r"\r?\n(?=[ \t])")


@dataclass(frozen=True)
class ParsedAddress:
    """One mailbox from a header: display name (decoded) and a validated addr-spec."""

    local_part: str
    domain: str  # U-label form, lowercased ("bücher.de")
    ascii_domain: str  # A-label form ("xn--bcher-kva.de")
    display_name: str = ""
    group: str | None = None  # RFC 5322 group the mailbox was listed in, if any

    @property
    def addr_spec(self) -> str:
        return f"{self.local_part}@{self.domain}"


@dataclass(frozen=True)
class AddressList:
    """Every mailbox of a header; entries that failed are kept as errors, not dropped silently."""

    addresses: tuple[ParsedAddress, ...]
    errors: tuple[InvalidAddress, ...]


def clean_display_name(name: str) -> str:
    """A display name fit to show: control characters removed, whitespace collapsed, NFC."""
    name = _CONTROL_CHARACTERS.sub(" ", name)
    return " ".join(unicodedata.normalize("NFC", name).split())


def validate_addr_spec(
    addr_spec: str, display_name: str = "", group: str | None = None
) -> ParsedAddress:
    """Check one addr-spec (``local@domain``) and return it normalized."""
    local_part, domain, ascii_domain = _validated(addr_spec)
    return ParsedAddress(local_part, domain, ascii_domain, clean_display_name(display_name), group)


@lru_cache(maxsize=65536)
def _validated(addr_spec: str) -> tuple[str, str, str]:
    # Cached: a mailbox's addresses repeat thousands of times; invalid ones raise, uncached.
    if len(addr_spec) > MAX_ADDRESS_LENGTH:
        raise InvalidAddress(f"address is longer than {MAX_ADDRESS_LENGTH} characters", addr_spec)
    try:
        checked = validate_email(
            addr_spec,
            check_deliverability=False,
            allow_smtputf8=True,
            allow_quoted_local=True,
            allow_domain_literal=False,
        )
    except EmailNotValidError as error:
        raise InvalidAddress(str(error), addr_spec) from None
    return checked.local_part, checked.domain.lower(), checked.ascii_domain.lower()


def parse_address_list(header_value: str) -> AddressList:
    """All mailboxes of a header value such as To or Cc (groups flattened, names kept)."""
    if not isinstance(header_value, str):
        raise InvalidAddress("header value must be text", repr(header_value)[:80])
    # Unfold folded lines (CRLF + space is legal header whitespace); any other control
    # character is not: repairing it would let "a@b.com\x00@evil.com" pass as something else.
    text = _FOLDING.sub(" ", header_value)
    control = _CONTROL_CHARACTERS.search(text)
    if control is not None:
        return AddressList((), (InvalidAddress(
            f"control character U+{ord(control.group()):04X} in address", header_value),))
    text = text.strip(" \t")
    if not text:
        return AddressList((), ())
    if len(text) > MAX_HEADER_LENGTH:
        raise InvalidAddress(f"header is longer than {MAX_HEADER_LENGTH} characters", text[:80])
    if "@" not in text and ":" not in text:
        return AddressList((), (InvalidAddress("no @-sign: not an email address", text),))
    if _BARE_ADDRESS.fullmatch(text):
        return _one_mailbox(text)
    named = _NAMED_ADDRESS.fullmatch(text)
    if named is not None:
        return _one_mailbox(named["address"], named["quoted"] or named["phrase"])
    return _parse_with_header_parser(text)


def _one_mailbox(addr_spec: str, display_name: str = "") -> AddressList:
    try:
        return AddressList((validate_addr_spec(addr_spec, display_name),), ())
    except InvalidAddress as error:
        return AddressList((), (error,))


def parse_address(text: str) -> ParsedAddress:
    """Exactly one mailbox: ``"Wei, Li" <li.wei@acme-gmbh.de>``, a bare or angle-only address."""
    result = parse_address_list(text)
    if result.errors and not result.addresses:
        raise result.errors[0]
    if not result.addresses:
        raise InvalidAddress("no address found", text if isinstance(text, str) else "")
    if len(result.addresses) + len(result.errors) > 1:
        raise InvalidAddress(
            f"expected one address, found {len(result.addresses) + len(result.errors)}", text
        )
    return result.addresses[0]


def _parse_with_header_parser(text: str) -> AddressList:
    try:
        mailboxes, problems = _read_mailboxes(text)
    except Exception as error:  # noqa: BLE001
        # The grammar is not total: hostile input has raised HeaderParseError, IndexError and
        # AttributeError from inside it, even from its tokens' properties. Whatever it raises,
        # the answer is "invalid", with what it said.
        return AddressList((), (InvalidAddress(f"unreadable address header: {error}", text),))
    addresses: list[ParsedAddress] = []
    errors = list(problems)
    for raw, display_name, group in mailboxes:
        try:
            addresses.append(validate_addr_spec(raw, display_name, group))
        except InvalidAddress as error:
            errors.append(error)
    return AddressList(tuple(addresses), tuple(errors))


def _read_mailboxes(
    text: str,
) -> tuple[list[tuple[str, str, str | None]], list[InvalidAddress]]:
    """(addr-spec as written, display name, group) per mailbox, and what could not be read."""
    address_list, rest = header_grammar.get_address_list(text)
    mailboxes: list[tuple[str, str, str | None]] = []
    problems: list[InvalidAddress] = []
    if rest.strip():
        problems.append(InvalidAddress(f"unexpected text after the addresses: {rest[:40]!r}", text))
    saw_group = False
    for address in address_list.addresses:
        group = address.display_name if _is_group(address) else None
        saw_group = saw_group or _is_group(address)
        for mailbox in address.all_mailboxes:
            raw = _raw_addr_spec(mailbox)
            if mailbox.token_type == "invalid-mailbox" or raw is None:
                reason = str(mailbox.all_defects[0]) if mailbox.all_defects else "not an address"
                problems.append(InvalidAddress(reason, str(mailbox).strip() or text))
                continue
            mailboxes.append((raw, mailbox.display_name or "", group))
    if not mailboxes and not problems and not saw_group:
        problems.append(InvalidAddress("no address found", text))
    return mailboxes, problems


def _is_group(address: object) -> bool:
    first = address[0] if isinstance(address, list) and address else None
    return getattr(first, "token_type", None) == "group"


_EDGE_COMMENTS = re.compile(r"^\s*(?:\([^()]*\)\s*)*|(?:\s*\([^()]*\))*\s*$")


def _raw_addr_spec(token: object) -> str | None:
    """The addr-spec exactly as written, minus comments at its edges.

    The grammar repairs what it reads (it drops comments and whitespace inside an addr-spec);
    validating the text as written keeps obfuscated forms such as ``test.(x)test@a.org`` out.
    """
    if getattr(token, "token_type", None) == "addr-spec":
        return _EDGE_COMMENTS.sub("", str(token))
    if isinstance(token, list):
        for child in token:
            found = _raw_addr_spec(child)
            if found is not None:
                return found
    return None
