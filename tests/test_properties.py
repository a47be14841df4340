"""Properties that must hold for any input, found by hypothesis."""

from __future__ import annotations

import contextlib

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mailmatrix.addresses import (
    InvalidAddress,
    canonical_address,
    classify_address,
    parse,
    parse_address,
    parse_address_list,
)

LOCAL = st.from_regex(r"[A-Za-z0-9][A-Za-z0-9._+-]{0,20}[A-Za-z0-9]", fullmatch=True)
LABEL = st.from_regex(r"[a-z0-9]([a-z0-9-]{0,10}[a-z0-9])?", fullmatch=True)
DOMAIN = st.one_of(
    st.sampled_from(["gmail.com", "googlemail.com", "proton.me", "pm.me", "ya.ru", "hotmail.com",
                     "yahoo.com", "gmx.de", "fastmail.com", "acme-gmbh.de", "bücher.de"]),
    st.builds(lambda a, b: f"{a}.{b}", LABEL, st.sampled_from(["de", "com", "co.uk", "cn"])),
)
ADDRESS = st.builds(lambda local, domain: f"{local}@{domain}", LOCAL, DOMAIN)
HEADERISH = st.text(alphabet=st.sampled_from(list('ab@.<>"(),;:\\ \r\n\t=?[]+-_é李')) ,
                    max_size=40)
PROPERTY_SETTINGS = settings(max_examples=400, deadline=None,
                             suppress_health_check=[HealthCheck.too_slow])


@PROPERTY_SETTINGS
@given(st.one_of(st.text(max_size=80), HEADERISH))
def test_parse_never_raises_anything_but_invalid_address(text: str) -> None:
    with contextlib.suppress(InvalidAddress):
        parse_address(text)
    with contextlib.suppress(InvalidAddress):
        parse_address_list(text)


@PROPERTY_SETTINGS
@given(st.one_of(ADDRESS, st.text(max_size=60)))
def test_canonical_is_idempotent(text: str) -> None:
    try:
        first = canonical_address(text)
    except InvalidAddress:
        return
    assert canonical_address(first.address).address == first.address


@PROPERTY_SETTINGS
@given(st.one_of(ADDRESS, HEADERISH, st.text(max_size=60)))
def test_classify_is_total(text: str) -> None:
    report = classify_address(text)
    assert report.valid == (report.error is None)
    assert report.reasons
    if report.valid:
        assert report.kind in {"corporate", "personal", "encrypted", "regional", "role",
                               "platform", "disposable"}
        assert report.canonical


# Words of display names, the plain and the ones only the header grammar reads right (an
# encoded word, a comment, an escape, specials, an obsolete dotted phrase)
NAME_WORDS = st.sampled_from(["Li", "Wang", "Wang,", "J.", "O'Neil", "Müller", "李", "（株）", "",
                              "=?utf-8?q?M=C3=BCller?=", "(Sales)", "a\\b", "<x>", "@", ":",
                              "[1]", ";", '"', "\t", "!#$%&*+/?^_`{|}~"])
NAMED = st.builds(lambda quoted, name, address: (f'"{name}"' if quoted else name)
                  + f" <{address}>", st.booleans(), st.lists(NAME_WORDS, max_size=5).map(" ".join),
                  ADDRESS)


@PROPERTY_SETTINGS
@given(NAMED)
def test_a_named_mailbox_reads_as_the_header_parser_reads_it(header: str) -> None:
    """The short way for ``Name <address>`` (parse._NAMED_ADDRESS) gives what the header
    grammar gives, wherever it is taken: the same mailbox, or an error for the same one (in
    email-validator's words, as a bare address gets, not the grammar's)."""
    def as_read(found: parse.AddressList) -> object:
        return found.addresses, len(found.errors)
    assert as_read(parse_address_list(header)) == \
        as_read(parse._parse_with_header_parser(header.strip(" \t")))
