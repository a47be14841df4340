"""The canonical mailbox: one key per mailbox, from the address string alone."""

from __future__ import annotations

import pytest

from mailmatrix.addresses import canonical_address


def key(text: str) -> str:
    return canonical_address(text).address


def test_gmail_ignores_case_dots_and_plus_tags_and_googlemail_is_gmail() -> None:
    result = canonical_address("J.O.Hn+alibaba@GoogleMail.com")
    assert (result.address, result.tag) == ("john@gmail.com", "alibaba")


def test_the_plus_tag_is_kept_as_data() -> None:
    assert canonical_address("li.wei+alibaba@gmail.com").tag == "alibaba"


def test_outlook_com_keeps_dots_but_drops_plus_tags() -> None:
    assert key("Li.Wei+orders@Hotmail.com") == "li.wei@hotmail.com"
    assert key("li.wei@outlook.com") != key("liwei@outlook.com")


def test_outlook_com_domains_are_separate_namespaces() -> None:
    assert key("li.wei@hotmail.com") != key("li.wei@outlook.com")


def test_icloud_aliases_name_the_same_account() -> None:
    assert key("Li.Wei@me.com") == key("li.wei@mac.com") == "li.wei@icloud.com"


def test_proton_ignores_dots_hyphens_underscores_and_tags_across_its_domains() -> None:
    assert key("Li.Wei_x-y+bank@protonmail.com") == key("liweixy@pm.me") == "liweixy@proton.me"


def test_yandex_treats_dot_and_hyphen_alike_across_its_domains() -> None:
    assert key("ivan.petrov@ya.ru") == key("ivan-petrov@yandex.com") == "ivan-petrov@yandex.ru"


def test_fastmail_subdomain_addressing_reaches_the_user() -> None:
    result = canonical_address("orders@liwei.fastmail.com")
    assert (result.address, result.tag) == ("liwei@fastmail.com", "orders")


def test_zoho_drops_plus_tags() -> None:
    assert key("li+rfq@zohomail.com") == "li@zohomail.com"


@pytest.mark.parametrize("domain", ["gmx.de", "web.de", "tutanota.com", "yahoo.co.jp"])
def test_providers_without_documented_sub_addressing_keep_the_whole_local_part(
    domain: str,
) -> None:
    assert key(f"Hans.Mueller+shop@{domain}") == f"hans.mueller+shop@{domain}"


def test_yahoo_keyword_addresses_are_not_stripped() -> None:
    assert key("liwei-alibaba@yahoo.com") == "liwei-alibaba@yahoo.com"


def test_corporate_domains_keep_plus_tags_and_fold_case() -> None:
    result = canonical_address("Li.Wei+PO@ACME-GmbH.de")
    assert (result.address, result.tag) == ("li.wei+po@acme-gmbh.de", None)


def test_gmail_address_that_is_only_a_tag_is_not_collapsed() -> None:
    assert key("+alibaba@gmail.com") == "+alibaba@gmail.com"


def test_non_ascii_local_parts_are_case_folded_and_normalized() -> None:
    assert key("JÖRG@bücher.de") == key("jörg@BÜCHER.de") == "jörg@bücher.de"


def test_canonical_depends_on_the_string_only() -> None:
    # Same input, same key, whatever else is known: there is no DNS or state involved.
    assert canonical_address("a.b+c@gmail.com") == canonical_address("a.b+c@gmail.com")


def test_a_tag_cut_that_would_leave_an_invalid_mailbox_keeps_the_address_whole() -> None:
    assert key("0.+0@hotmail.com") == "0.+0@hotmail.com"
    assert key(key("0.+0@hotmail.com")) == "0.+0@hotmail.com"
