"""Parsing addresses as they appear in mail headers."""

from __future__ import annotations

import pytest

from mailmatrix.addresses import InvalidAddress, parse_address, parse_address_list


def test_quoted_display_name_with_comma_is_one_person() -> None:
    parsed = parse_address('"Wei, Li" <li.wei@acme-gmbh.de>')
    assert (parsed.display_name, parsed.local_part, parsed.domain) == (
        "Wei, Li", "li.wei", "acme-gmbh.de")


def test_bare_and_angle_only_addresses_parse() -> None:
    assert parse_address("li.wei@acme-gmbh.de").addr_spec == "li.wei@acme-gmbh.de"
    assert parse_address("<li.wei@acme-gmbh.de>").addr_spec == "li.wei@acme-gmbh.de"


@pytest.mark.parametrize(
    ("header", "name"),
    [
        ("=?UTF-8?B?5p2O5Lyf?= <li@acme.cn>", "李伟"),
        ("=?GB2312?B?wO7OsA==?= <li@acme.cn>", "李伟"),
        ("=?ISO-2022-JP?B?GyRCO1RFRBsoQg==?= <ichida@yahoo.co.jp>", "市田"),
        ("=?UTF-8?Q?J=C3=B6rg_M=C3=BCller?= <jm@firma.de>", "Jörg Müller"),
    ],
)
def test_encoded_word_display_names_are_decoded(header: str, name: str) -> None:
    assert parse_address(header).display_name == name


def test_group_syntax_lists_every_member_with_the_group_name() -> None:
    result = parse_address_list('Buyers: a@acme.de, "B" <b@acme.de>;, c@other.com')
    assert [a.addr_spec for a in result.addresses] == ["a@acme.de", "b@acme.de", "c@other.com"]
    assert [a.group for a in result.addresses] == ["Buyers", "Buyers", None]
    assert result.errors == ()


def test_empty_group_is_no_address_and_no_error() -> None:
    result = parse_address_list("undisclosed-recipients:;")
    assert result.addresses == () and result.errors == ()


def test_one_bad_entry_does_not_hide_the_good_ones() -> None:
    result = parse_address_list("good@acme.de, bad@@x, other@acme.de")
    assert [a.addr_spec for a in result.addresses] == ["good@acme.de", "other@acme.de"]
    assert len(result.errors) == 1


def test_internationalized_domain_is_kept_in_both_label_forms() -> None:
    from_unicode = parse_address("jörg@bücher.de")
    from_ascii = parse_address("jörg@xn--bcher-kva.de")
    assert from_unicode.domain == from_ascii.domain == "bücher.de"
    assert from_unicode.ascii_domain == "xn--bcher-kva.de"


def test_utf8_local_parts_are_valid() -> None:
    assert parse_address("李伟@例子.中国").local_part == "李伟"


def test_folded_header_lines_are_unfolded() -> None:
    assert parse_address('"Wei, Li"\r\n <li.wei@acme-gmbh.de>').addr_spec == "li.wei@acme-gmbh.de"


def test_comment_after_the_address_is_allowed() -> None:
    assert parse_address("li.wei@acme-gmbh.de (Li Wei)").addr_spec == "li.wei@acme-gmbh.de"


@pytest.mark.parametrize(
    ("text", "reason_part"),
    [
        ("", "no address"),
        ("li.wei", "@-sign"),
        ("a@@acme.de", "invalid characters"),
        ("li.wei@localhost", "period"),
        ("li.(x)wei@acme.de", ""),
        ("li.wei@[192.0.2.1]", "bracketed"),
        ("li.wei@acme.de\x00@evil.example", "control character"),
        ("li.wei@acme.de\n", "control character"),
        ("a@b.com, c@d.com", "expected one address"),
        ("x" * 300 + "@acme.de", "longer"),
    ],
)
def test_invalid_input_raises_invalid_address_with_a_reason(text: str, reason_part: str) -> None:
    with pytest.raises(InvalidAddress) as caught:
        parse_address(text)
    assert reason_part.lower() in caught.value.reason.lower()
    assert caught.value.reason


def test_hostile_display_name_is_kept_as_plain_text() -> None:
    parsed = parse_address('"<img src=x onerror=alert(1)>" <evil@x.ru>')
    assert parsed.display_name == "<img src=x onerror=alert(1)>"
    assert parsed.addr_spec == "evil@x.ru"


def test_non_text_input_is_an_invalid_address() -> None:
    with pytest.raises(InvalidAddress):
        parse_address(b"li@acme.de")  # type: ignore[arg-type]
