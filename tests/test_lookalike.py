"""Lookalike detection: which known domain an unknown domain imitates, and how."""

from __future__ import annotations

import random

import idna
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mailmatrix.addresses.errors import InvalidAddress
from mailmatrix.addresses.lookalike import TECHNIQUES, LookalikeIndex, LookalikeMatch
from mailmatrix.addresses.lookalike_keys import MAJOR_PROVIDERS, free_mail_domains

CUSTOMERS = [
    "acme-gmbh.de",
    "acme.de",
    "bergmann-maschinenbau.de",
    "mtn.com",
    "sap.com",
    "sapporo-trading.com",
    "bosch.com",
    "atos.net",
]


_SHARED = LookalikeIndex(CUSTOMERS)  # built once; the property test cannot take a fixture


@pytest.fixture
def index() -> LookalikeIndex:
    return _SHARED


def _valid(domain: str) -> bool:
    try:
        _SHARED.check(domain)
    except InvalidAddress:
        return False
    return True


def imitation(index: LookalikeIndex, domain: str) -> LookalikeMatch:
    match = index.check(domain)
    assert match is not None, f"{domain} should be reported as a lookalike"
    assert match.technique in TECHNIQUES
    assert 0.0 <= match.score <= 1.0
    assert match.reasons and all(isinstance(reason, str) for reason in match.reasons)
    return match


def test_cyrillic_a_in_customer_domain_is_a_homoglyph_lookalike(index: LookalikeIndex) -> None:
    match = imitation(index, "\u0430cme-gmbh.de")  # Cyrillic а
    assert (match.lookalike_of, match.technique) == ("acme-gmbh.de", "homoglyph")
    assert match.domain == "\u0430cme-gmbh.de"
    assert any("CYRILLIC SMALL LETTER A" in reason for reason in match.reasons)


def test_punycode_form_of_a_homoglyph_domain_is_reported_as_punycode(
        index: LookalikeIndex) -> None:
    a_label = idna.encode("\u0430cme-gmbh.de").decode("ascii")
    assert a_label.startswith("xn--")
    match = imitation(index, a_label)
    assert (match.lookalike_of, match.technique) == ("acme-gmbh.de", "punycode")
    assert match.domain == "\u0430cme-gmbh.de"  # reported as a person reads it
    assert a_label in match.reasons[0]


def test_accented_letters_are_homoglyph_lookalikes(index: LookalikeIndex) -> None:
    match = imitation(index, "bösch.com")
    assert (match.lookalike_of, match.technique) == ("bosch.com", "homoglyph")


def test_rn_imitating_m_is_a_homoglyph_lookalike(index: LookalikeIndex) -> None:
    match = imitation(index, "acme-grnbh.de")
    assert (match.lookalike_of, match.technique) == ("acme-gmbh.de", "homoglyph")
    assert "'rn' looks like 'm' in acme-gmbh.de" in match.reasons


def test_digits_imitating_letters_are_homoglyph_lookalikes(index: LookalikeIndex) -> None:
    match = imitation(index, "b0sch.com")
    assert (match.lookalike_of, match.technique) == ("bosch.com", "homoglyph")
    assert any("'0' looks like 'o'" in reason for reason in match.reasons)
    assert imitation(index, "gmai1.com").lookalike_of == "gmail.com"


def test_one_letter_typo_in_a_long_customer_domain_is_a_typo_lookalike(
        index: LookalikeIndex) -> None:
    for typo in ("bergman-maschinenbau.de", "bergmann-maschinenbaue.de",
                 "bergmann-maschinenpau.de"):
        match = imitation(index, typo)
        assert (match.lookalike_of, match.technique) == ("bergmann-maschinenbau.de", "typo")


def test_swapped_neighbouring_letters_are_a_transposition_lookalike(
        index: LookalikeIndex) -> None:
    match = imitation(index, "amce-gmbh.de")
    assert (match.lookalike_of, match.technique) == ("acme-gmbh.de", "transposition")


def test_one_flipped_bit_is_a_bitflip_lookalike(index: LookalikeIndex) -> None:
    match = imitation(index, "acmd-gmbh.de")  # 'e' 0x65 -> 'd' 0x64
    assert (match.lookalike_of, match.technique) == ("acme-gmbh.de", "bitflip")


def test_customer_name_under_another_suffix_is_a_tld_swap_lookalike(
        index: LookalikeIndex) -> None:
    for swapped in ("acme.com.de", "acme-de.com", "acme.com", "acmede.com"):
        match = imitation(index, swapped)
        assert (match.lookalike_of, match.technique) == ("acme.de", "tld-swap"), swapped


def test_added_or_removed_hyphen_is_a_hyphenation_lookalike(index: LookalikeIndex) -> None:
    match = imitation(index, "acmegmbh.de")
    assert (match.lookalike_of, match.technique) == ("acme-gmbh.de", "hyphenation")


def test_customer_name_with_added_words_is_a_word_insertion_lookalike() -> None:
    index = LookalikeIndex(["acme.de"])
    for longer in ("acme-sales.de", "acme-gmbh-de.com", "acme-invoice.com", "acme2024.de"):
        match = imitation(index, longer)
        assert (match.lookalike_of, match.technique) == ("acme.de", "word-insertion"), longer


def test_a_known_name_inside_an_ordinary_word_is_not_a_word_insertion(
        index: LookalikeIndex) -> None:
    assert index.check("acmeology.de") is None
    assert index.check("pacmen-games.com") is None


def test_subdomain_trick_names_the_imitated_domain(index: LookalikeIndex) -> None:
    match = imitation(index, "acme.de.secure-mail.net")
    assert (match.lookalike_of, match.technique) == ("acme.de", "subdomain")
    assert match.domain == "acme.de.secure-mail.net"
    assert "acme.de is only a subdomain of secure-mail.net" in match.reasons
    assert imitation(index, "bergmann-maschinenbau.login-portal.com").technique == "subdomain"


def test_subdomain_of_a_known_domain_belongs_to_its_owner(index: LookalikeIndex) -> None:
    assert index.check("mail.acme-gmbh.de") is None
    assert index.check("smtp.eu.bosch.com") is None


def test_identical_known_domain_is_not_a_lookalike(index: LookalikeIndex) -> None:
    assert index.check("acme.de") is None
    assert index.check("ACME.DE.") is None


def test_domains_linked_to_the_same_company_are_not_lookalikes() -> None:
    unlinked = LookalikeIndex(["acme.de"])
    assert imitation(unlinked, "acme-group.com").lookalike_of == "acme.de"
    linked = LookalikeIndex(["acme.de"], same_company=[["acme.de", "acme-group.com"]])
    assert linked.check("acme-group.com") is None
    assert linked.check("mail.acme-group.com") is None


def test_genuine_free_mail_providers_are_never_lookalikes_of_each_other(
        index: LookalikeIndex) -> None:
    for genuine in ("gmx.com", "msn.com", "mail.com", "gmail.com", "hotmail.de", "yahoo.co.uk",
                    "web.de", "proton.me", "outlook.com"):
        assert index.check(genuine) is None, genuine
    # mtn.com is a customer; msn.com stays a genuine provider, not an imitation of it
    assert "mtn.com" in CUSTOMERS


def test_real_companies_one_letter_from_a_short_provider_name_are_not_lookalikes() -> None:
    index = LookalikeIndex([])
    for company in ("mtn.com", "love.com", "aok.com", "gmc.com"):  # msn, live, aol, gmx
        assert index.check(company) is None, company
    assert imitation(index, "rnsn.com").lookalike_of == "msn.com"  # 'rn' drawn as 'm'
    assert imitation(index, "1ive.com").lookalike_of == "live.com"


def test_no_domain_of_the_default_well_known_list_is_ever_flagged(index: LookalikeIndex) -> None:
    flagged = {d: index.check(d) for d in (*MAJOR_PROVIDERS, *sorted(free_mail_domains()))
               if _valid(d) and index.check(d) is not None}
    assert flagged == {}


def test_imitations_of_major_free_mail_providers_are_lookalikes(index: LookalikeIndex) -> None:
    for fake, real in (("gmai1.com", "gmail.com"), ("gmial.com", "gmail.com"),
                       ("hotmall.com", "hotmail.com"), ("outlook-secure.com", "outlook.com"),
                       ("gmail.de", "gmail.com"), ("\u0443ahoo.com", "yahoo.com")):
        assert imitation(index, fake).lookalike_of == real, fake


def test_short_domains_need_a_closer_match(index: LookalikeIndex) -> None:
    # a letter added, dropped or swapped in a short name just makes another short name ...
    for other_name in ("sapx.com", "spa.com", "sp.com", "ato.net"):
        assert index.check(other_name) is None, other_name
    # ... while the same change in a long name is easy to miss
    for typo in ("sapporo-tradingx.com", "sappoor-trading.com", "sappor-trading.com"):
        assert imitation(index, typo).lookalike_of == "sapporo-trading.com", typo
    # one replaced letter, or an identical-looking name, is still an imitation of a short one
    assert imitation(index, "sqp.com").lookalike_of == "sap.com"
    assert imitation(index, "s\u0430p.com").lookalike_of == "sap.com"


def test_a_short_name_is_imitated_only_by_a_neighbouring_key_a_look_alike_or_a_bit_flip(
    index: LookalikeIndex,
) -> None:
    assert imitation(index, "swp.com").lookalike_of == "sap.com"  # w is next to a
    assert imitation(index, "sqp.com").lookalike_of == "sap.com"  # q is next to a
    assert imitation(index, "sa\u0440.com").lookalike_of == "sap.com"  # Cyrillic er
    # u and a are far apart: sup.com is another company, not a slip of the finger
    assert index.check("sup.com") is None


def test_two_changes_next_to_each_other_count_only_in_long_names(index: LookalikeIndex) -> None:
    # 'nn' drawn for 'm': two edits
    assert imitation(index, "bergnnann-maschinenbau.de").lookalike_of == \
        "bergmann-maschinenbau.de"
    assert index.check("acnne.de") is None


def test_unrelated_domains_are_not_lookalikes(index: LookalikeIndex) -> None:
    for unrelated in ("weber-logistik.de", "shenzhen-xinda.com.cn", "example.org", "ibm.com"):
        assert index.check(unrelated) is None, unrelated


@pytest.mark.parametrize("bad", ["", "   ", "acme", "com.de", "ac me.de", "-acme.de", "acme..de",
                                 "li.wei@acme.de", "xn--zz.de", "a" * 64 + ".de", "acme_.de"])
def test_invalid_domains_raise_invalid_address(index: LookalikeIndex, bad: str) -> None:
    with pytest.raises(InvalidAddress):
        index.check(bad)


def test_non_text_input_raises_invalid_address(index: LookalikeIndex) -> None:
    with pytest.raises(InvalidAddress):
        index.check(42)  # type: ignore[arg-type]


def test_an_invalid_known_domain_is_named_in_the_error() -> None:
    with pytest.raises(InvalidAddress, match="not a domain"):
        LookalikeIndex(["acme.de", "not a domain"])


def test_explicit_well_known_list_replaces_the_default() -> None:
    index = LookalikeIndex(["acme.de"], well_known=[])
    assert len(index) == 1
    assert index.check("gmai1.com") is None  # gmail.com is not protected here


def test_a_check_compares_with_a_few_known_domains_not_all_of_them() -> None:
    rng = random.Random(7)
    syllables = [c + v for c in "bdfgklmnprstvz" for v in "aeiou"]
    known = {"".join(rng.choice(syllables) for _ in range(4)) + ".com" for _ in range(20_000)}
    index = LookalikeIndex(known)
    assert len(index) > 20_000
    for domain in ("kalemoriba-trading.de", "zupetonafi.com", "weber-logistik.de"):
        index.check(domain)
        assert index.candidates_examined() < 50
    some = sorted(known)[123]
    assert imitation(index, some.replace(".com", ".de")).lookalike_of == some


DOMAINISH = st.lists(
    st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789-\u0430\u043e\u0435\u00e4\u00df.",
            min_size=0, max_size=20),
    min_size=1, max_size=4,
).map(".".join)


@settings(max_examples=400, deadline=None)
@given(text=st.one_of(st.text(max_size=80), DOMAINISH, DOMAINISH.map(lambda d: "xn--" + d)))
def test_check_never_raises_anything_but_invalid_address(text: str) -> None:
    try:
        match = _SHARED.check(text)
    except InvalidAddress:
        return
    assert match is None or (match.technique in TECHNIQUES and 0.0 <= match.score <= 1.0)



def test_a_customer_domain_added_later_is_protected_without_a_rebuild() -> None:
    index = LookalikeIndex(["acme-gmbh.de"])
    assert index.check("newco-tradlng.de") is None
    index.add("newco-trading.de")
    match = index.check("newco-tradlng.de")
    assert match is not None and match.lookalike_of == "newco-trading.de"
    assert index.check("newco-trading.de") is None
