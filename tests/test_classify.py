"""Classifying addresses: kind, provider, region, role, registrable domain, with reasons."""

from __future__ import annotations

import pytest

from mailmatrix.addresses import classify_address


def classify(text: str, **kwargs: object):  # noqa: ANN201 - a short alias for readability
    return classify_address(text, **kwargs)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("address", "kind", "provider", "region"),
    [
        ("li.wei@gmail.com", "personal", "Gmail", None),
        ("li.wei@outlook.com", "personal", "Outlook.com", None),
        ("li.wei@proton.me", "encrypted", "Proton Mail", "CH"),
        ("li.wei@tutanota.com", "encrypted", "Tuta", "DE"),
        ("li.wei@hushmail.com", "encrypted", "Hushmail", "CA"),
        ("li.wei@zohomail.com", "personal", "Zoho Mail", None),
        ("hans@web.de", "regional", "WEB.DE", "DE"),
        ("hans@gmx.de", "regional", "GMX", "DE"),
        ("taro@yahoo.co.jp", "regional", "Yahoo! Japan Mail", "JP"),
        ("kim@naver.com", "regional", "Naver Mail", "KR"),
        ("wang@qq.com", "regional", "QQ Mail", "CN"),
        ("wang@163.com", "regional", "NetEase Mail", "CN"),
        ("ivan@mail.ru", "regional", "Mail.ru", "RU"),
        ("ana@uol.com.br", "regional", "UOL", "BR"),
    ],
)
def test_mainstream_providers_are_recognized(
    address: str, kind: str, provider: str, region: str | None
) -> None:
    report = classify(address)
    assert (report.kind, report.provider, report.region) == (kind, provider, region)
    assert report.reasons


def test_unknown_domain_is_corporate_with_its_registrable_domain() -> None:
    report = classify("li.wei@mail.acme.co.uk")
    assert (report.kind, report.registrable_domain, report.region) == (
        "corporate", "acme.co.uk", "GB")


def test_generic_tld_tells_no_country() -> None:
    assert classify("li.wei@acme.com").region is None
    assert classify("li.wei@acme.io").region is None


def test_functional_mailbox_at_a_company_is_a_role_with_category() -> None:
    report = classify("purchasing@acme-gmbh.de")
    assert (report.kind, report.role) == ("role", "purchasing")
    assert any("belongs to the company" in reason for reason in report.reasons)


@pytest.mark.parametrize(
    ("local", "category"),
    [("sales", "sales"), ("export-eu", "sales"), ("einkauf", "purchasing"),
     ("accounts", "finance"), ("noreply", "no-reply"), ("info2", "general"),
     ("postmaster", "technical"), ("logistics.cn", "logistics")],
)
def test_role_words_map_to_categories(local: str, category: str) -> None:
    assert classify(f"{local}@acme-gmbh.de").role == category


def test_initials_are_not_mistaken_for_role_words() -> None:
    assert classify("ar.rahman@acme.in").kind == "corporate"
    assert classify("pr.sharma@acme.in").role is None


def test_role_word_on_free_mail_keeps_the_personal_kind() -> None:
    report = classify("sales.acmetrading@gmail.com")
    assert (report.kind, report.role) == ("personal", "sales")


def test_platform_relay_addresses_are_platform() -> None:
    report = classify("x7fk2@marketplace.amazon.de")
    assert (report.kind, report.provider) == ("platform", "Amazon Marketplace")


def test_plus_platform_variant_is_a_registration_variant_of_the_mailbox() -> None:
    report = classify("li.wei+alibaba@gmail.com")
    assert (report.kind, report.canonical, report.tag) == ("platform", "liwei@gmail.com", "alibaba")
    assert any("Alibaba" in reason for reason in report.reasons)


def test_disposable_domains_come_from_the_maintained_list() -> None:
    assert classify("buyer@mailinator.com").kind == "disposable"


def test_free_mail_list_covers_providers_outside_our_table() -> None:
    report = classify("someone@excite.com")
    assert report.kind == "personal"


def test_hosting_is_unknown_until_the_mx_records_are_known() -> None:
    assert classify("li.wei@acme-gmbh.de").hosting == "unknown"
    looked_up = classify("li.wei@acme-gmbh.de",
                         mx_hosts=lambda domain: ["acmegmbh-de.mail.protection.outlook.com"])
    assert looked_up.hosting == "Microsoft 365"


def test_hosting_is_only_reported_for_corporate_domains() -> None:
    assert classify("li.wei@gmail.com", mx_hosts=lambda d: ["gmail-smtp-in.l.google.com"]).hosting \
        is None


def test_invalid_input_is_reported_not_raised() -> None:
    report = classify("li.wei@@acme")
    assert not report.valid and report.error and report.kind is None


def test_as_dict_has_every_contract_field() -> None:
    fields = set(classify("a@acme.de").as_dict())
    assert {"input", "valid", "error", "canonical", "registrable_domain", "kind", "provider",
            "region", "role", "hosting", "reasons"} <= fields
