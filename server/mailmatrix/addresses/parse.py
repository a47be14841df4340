"""Parse addresses as they appear in mail headers.

Two libraries do the work: the standard library's header parser (RFC 5322 display names, group
syntax, comments, RFC 2047 encoded words in any charset Python knows, such as GB2312 and
ISO-2022-JP) splits a header into mailboxes; email-validator then checks each addr-spec
(RFC 5321/6531 syntax, IDNA domains in both label forms, UTF-8 local parts). Anything they reject
becomes ``InvalidAddress`` with the reason, so callers only ever handle one error type.
"""

from __future__ import annotations

import email.policy
import re
import unicodedata
from dataclasses import dataclass

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
_CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f]")
_header_factory = email.policy.default.header_factory


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


def validate_addr_spec(addr_spec: str, display_name: str = "", group: str | None = None) -> ParsedAddress:
    """Check one addr-spec (``local@domain``) and return it normalized."""
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
    return ParsedAddress(
        local_part=checked.local_part,
        domain=checked.domain.lower(),
        ascii_domain=checked.ascii_domain.lower(),
        display_name=clean_display_name(display_name),
        group=group,
    )


def parse_address_list(header_value: str) -> AddressList:
    """All mailboxes of a header value such as To or Cc (groups flattened, names kept)."""
    if not isinstance(header_value, str):
        raise InvalidAddress("header value must be text", repr(header_value)[:80])
    text = header_value.strip()
    if not text:
        return AddressList((), ())
    if len(text) > MAX_HEADER_LENGTH:
        raise InvalidAddress(f"header is longer than {MAX_HEADER_LENGTH} characters", text[:80])
    if "@" not in text and ":" not in text:
        return AddressList((), (InvalidAddress("no @-sign: not an email address", text),))
    if _BARE_ADDRESS.fullmatch(text):
        try:
            return AddressList((validate_addr_spec(text),), ())
        except InvalidAddress as error:
            return AddressList((), (error,))
    return _parse_with_header_parser(text)


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
    # Folded headers arrive with CRLF; the parser wants one logical line.
    text = _CONTROL_CHARACTERS.sub(" ", text)
    try:
        header = _header_factory("To", text)
        groups = header.groups
    except Exception as error:  # noqa: BLE001 - the stdlib parser is not documented to be total
        return AddressList((), (InvalidAddress(f"unreadable address header: {error}", text),))

    addresses: list[ParsedAddress] = []
    errors: list[InvalidAddress] = []
    for group in groups:
        for mailbox in group.addresses:
            if not mailbox.username and not mailbox.domain:
                errors.append(InvalidAddress(_first_defect(header) or "no address found", text))
                continue
            addr_spec = f"{_quote_local_if_needed(mailbox.username)}@{mailbox.domain}"
            try:
                addresses.append(
                    validate_addr_spec(addr_spec, mailbox.display_name, group.display_name)
                )
            except InvalidAddress as error:
                errors.append(error)
    if not addresses and not errors and not any(g.display_name for g in groups):
        errors.append(InvalidAddress(_first_defect(header) or "no address found", text))
    return AddressList(tuple(addresses), tuple(errors))


_DOT_ATOM = re.compile(r"[^\s\"(),.:;<>@\[\]\\]+(\.[^\s\"(),.:;<>@\[\]\\]+)*")


def _quote_local_if_needed(local: str) -> str:
    """The header parser unquotes local parts; quote again so the validator sees the real form."""
    if _DOT_ATOM.fullmatch(local):
        return local
    escaped = local.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"'


def _first_defect(header: object) -> str | None:
    defects = getattr(header, "defects", ())
    return str(defects[0]) if defects else None
