"""observe(): one message, one idempotent transaction of facts, then the linking rules."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from mailmatrix.auth.principal import Principal
from mailmatrix.customers.db import Database
from mailmatrix.customers.facts import MessageFacts
from mailmatrix.customers.models import (
    Address,
    AddressForm,
    Company,
    DomainSuggestion,
    Observation,
    Person,
    PersonPhone,
    Suggestion,
)
from mailmatrix.customers.observe import observe
from mailmatrix.customers.profile import profile
from mailmatrix.customers.tenants import ensure_tenant, ensure_user

NOW = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)
BODY_MARKER = "UNIQUE-BODY-MARKER-7f3a"


@pytest.fixture
def rep(database: Database) -> Principal:
    tenant = ensure_tenant(database, "local", "example-export.com")
    return ensure_user(database, tenant, "rep@example-export.com",
                       email="rep@example-export.com")


def message(number: int, from_: str, to: str = "rep@example-export.com", **fields: str
            ) -> MessageFacts:
    fields.setdefault("date", "Thu, 26 Nov 2026 08:15:00 +0100")
    return MessageFacts(from_=from_, to=to, message_id=f"<m{number}@test>", **fields)


def rows(database: Database, principal: Principal, model: type) -> list:
    with database.session(principal.tenant_id) as session:
        return list(session.scalars(select(model)))


def test_observing_the_same_message_twice_changes_nothing(database, rep) -> None:  # noqa: ANN001
    facts = message(1, '"Wei, Li" <li.wei@acme-gmbh.de>', subject="PO 4411")
    first = observe(database, rep, facts, now=NOW)
    second = observe(database, rep, facts, now=NOW)
    assert first.created and not second.created
    assert first.observation_id == second.observation_id
    (address,) = rows(database, rep, Address)
    assert address.count_in == 1 and address.formal_count == 1


def test_message_without_message_id_is_keyed_by_a_stable_hash(database, rep) -> None:  # noqa: ANN001
    facts = MessageFacts(from_="li.wei@acme-gmbh.de", to="rep@example-export.com",
                         date="Thu, 26 Nov 2026 08:15:00 +0100", subject="Hello")
    observe(database, rep, facts, now=NOW)
    observe(database, rep, facts, now=NOW)
    assert len(rows(database, rep, Observation)) == 1


def test_a_message_the_user_sent_counts_for_its_recipients(database, rep) -> None:  # noqa: ANN001
    result = observe(database, rep, message(2, "rep@example-export.com",
                                            to="Li Wei <li.wei@acme-gmbh.de>"), now=NOW)
    assert result.direction == "out"
    (address,) = rows(database, rep, Address)
    assert (address.canonical, address.count_out, address.count_in) == (
        "li.wei@acme-gmbh.de", 1, 0)


def test_own_colleagues_are_not_stored_as_customers(database, rep) -> None:  # noqa: ANN001
    observe(database, rep, message(3, "li.wei@acme-gmbh.de",
                                   to="rep@example-export.com, boss@example-export.com"),
            now=NOW)
    assert [a.canonical for a in rows(database, rep, Address)] == ["li.wei@acme-gmbh.de"]


def test_raw_forms_are_kept_and_the_mailbox_keeps_its_own_kind(database, rep) -> None:  # noqa: ANN001
    observe(database, rep, message(4, "Li Wei <LI.WEI+alibaba@googlemail.com>"), now=NOW)
    (address,) = rows(database, rep, Address)
    (form,) = rows(database, rep, AddressForm)
    assert (address.canonical, address.kind) == ("liwei@gmail.com", "personal")
    assert (form.raw, form.tag) == ("LI.WEI+alibaba@googlemail.com", "alibaba")


def test_free_mail_domain_never_creates_a_company(database, rep) -> None:  # noqa: ANN001
    observe(database, rep, message(5, "Li Wei <li.wei@gmail.com>"), now=NOW)
    observe(database, rep, message(6, "Tom <tom@proton.me>"), now=NOW)
    assert rows(database, rep, Company) == []


def test_role_mailbox_belongs_to_the_company_not_a_person(database, rep) -> None:  # noqa: ANN001
    observe(database, rep, message(7, "Acme Purchasing <purchasing@acme-gmbh.de>"), now=NOW)
    (address,) = rows(database, rep, Address)
    assert address.person_id is None and address.company_id is not None
    assert rows(database, rep, Person) == []


def test_same_name_on_a_free_mail_address_is_suggested_never_linked(database, rep) -> None:  # noqa: ANN001
    observe(database, rep, message(8, '"Wei, Li" <li.wei@acme-gmbh.de>'), now=NOW)
    observe(database, rep, message(9, "Li Wei <liwei.private@gmail.com>"), now=NOW)
    persons = rows(database, rep, Person)
    assert len(persons) == 2  # not merged
    (suggestion,) = rows(database, rep, Suggestion)
    assert suggestion.rule == "same-name" and suggestion.state == "open"
    assert 0 < suggestion.confidence < 1


# Unlike one another (firm1.com would imitate firm0.com)
FIRMS = ("acme-gmbh.de", "borealis.cn", "koyo-trading.co.jp", "vantaa-steel.fi", "pampas.com.br",
         "rhein-chemie.de", "ostrava-tools.cz")


def test_a_name_common_in_the_tenant_is_offered_with_less_confidence_and_at_most_five_times(
    database, rep  # noqa: ANN001
) -> None:
    for number, firm in enumerate(FIRMS):
        observe(database, rep, message(number, f"Wei Wang <w.wang{number}@{firm}>"), now=NOW)
    observe(database, rep, message(7, "Wei Wang <w.wang6@gmail.com>"), now=NOW)
    with database.session(rep.tenant_id) as session:
        home = session.scalars(select(Address).where(
            Address.canonical == "wwang6@gmail.com")).one()
        offered = list(session.scalars(select(Suggestion).where(
            Suggestion.address_id == home.id).order_by(Suggestion.person_id)))
    assert [s.confidence for s in offered] == [0.3] * 5  # the five earliest of seven namesakes
    assert all("8 people share this name in your contacts" in s.reasons for s in offered)
    assert home.person_id not in {s.person_id for s in offered}


def test_a_name_more_than_twenty_share_is_offered_only_where_the_mailbox_name_matches_too(
    database, rep  # noqa: ANN001
) -> None:
    for number in range(21):
        observe(database, rep, message(number, f"Wei Wang <w.wang{number}@gmail.com>"), now=NOW)
    offered_before = len(rows(database, rep, Suggestion))
    observe(database, rep, message(21, "Wei Wang <wei.wang@outlook.com>"), now=NOW)
    assert len(rows(database, rep, Suggestion)) == offered_before  # the name alone: nothing
    observe(database, rep, message(22, "Wei Wang <wwang7@outlook.com>"), now=NOW)
    with database.session(rep.tenant_id) as session:
        outlook, gmail = (session.scalars(select(Address).where(
            Address.canonical == canonical)).one()
            for canonical in ("wwang7@outlook.com", "wwang7@gmail.com"))
        (offered,) = session.scalars(select(Suggestion).where(
            Suggestion.address_id == outlook.id))
    assert offered.person_id == gmail.person_id
    assert "same mailbox name 'wwang7'" in offered.reasons
    assert "23 people share this name in your contacts" in offered.reasons


def test_primary_prefers_the_corporate_address_and_says_why(database, rep) -> None:  # noqa: ANN001
    observe(database, rep, message(10, "Li Wei <li.wei@acme-gmbh.de>", subject="PO 4411"),
            now=NOW)
    (person,) = rows(database, rep, Person)
    assert person.primary_raw == "li.wei@acme-gmbh.de"
    primary = profile(database, rep, "li.wei@acme-gmbh.de").primary
    assert primary is not None and primary["address"] == "li.wei@acme-gmbh.de"
    assert "corporate" in primary["reason"] and "1 formal-matter message" in primary["reason"]


def test_forged_authentication_results_from_the_sender_are_ignored(database, rep) -> None:  # noqa: ANN001
    forged = message(11, "ceo@acme-gmbh.de", authentication_results=(
        "evil.example; dmarc=pass spf=pass dkim=pass",))
    observe(database, rep, forged, now=NOW)
    (observation,) = rows(database, rep, Observation)
    assert observation.auth_result == "none"


def test_receiving_systems_dmarc_failure_is_recorded(database, rep) -> None:  # noqa: ANN001
    failing = message(12, "ceo@acme-grnbh.de", authentication_results=(
        "mx.google.com; dmarc=fail (p=REJECT) header.from=acme-grnbh.de; spf=fail",
        "evil.example; dmarc=pass"))
    observe(database, rep, failing, now=NOW)
    (observation,) = rows(database, rep, Observation)
    assert observation.auth_result == "fail" and observation.auth_details["dmarc"] == "fail"


def test_no_message_body_is_stored_anywhere(database, rep) -> None:  # noqa: ANN001
    observe(database, rep, message(13, "Li Wei <li.wei@acme-gmbh.de>",
                                   body=f"Dear Anna, {BODY_MARKER} please quote."), now=NOW)
    with database.engine.connect() as connection:
        dump = "\n".join(str(row) for table in ("observations", "participants", "addresses",
                                                "persons", "companies", "address_forms")
                         for row in connection.exec_driver_sql(
                             f"SELECT * FROM {table} WHERE tenant_id = {rep.tenant_id}"))
    assert BODY_MARKER not in dump


def test_another_tenant_never_sees_these_rows(database, rep) -> None:  # noqa: ANN001
    observe(database, rep, message(14, "Li Wei <li.wei@acme-gmbh.de>"), now=NOW)
    other_tenant = ensure_tenant(database, "entra", "other-tid")
    other = ensure_user(database, other_tenant, "oid-x", email="x@other-company.com")
    with database.session(other.tenant_id) as session:
        assert session.scalar(select(func.count(Address.id))) == 0


def test_customer_type_follows_what_reps_see_in_the_field(database, rep) -> None:  # noqa: ANN001
    observe(database, rep, message(20, "Tom Baker <tom.baker@gmail.com>"), now=NOW)
    observe(database, rep, message(21, "Li Wei <li.wei@acme-gmbh.de>"), now=NOW)
    observe(database, rep, message(22, "purchasing@acme-gmbh.de"), now=NOW)
    for number in range(12):
        observe(database, rep, message(30 + number, f"Person {number} <p{number}@bigcorp.com>"),
                now=NOW)
    with database.session(rep.tenant_id) as session:
        types = {company.name: company.customer_type for company in
                 session.scalars(select(Company))}
        tom = session.scalars(select(Person).where(Person.display_name == "Tom Baker")).one()
        acme = session.scalars(select(Company).where(Company.name == "acme-gmbh.de")).one()
    assert types == {"acme-gmbh.de": "sme", "bigcorp.com": "enterprise"}
    assert tom.customer_type == "individual" and "Gmail" in tom.customer_type_reason
    assert "1 role mailbox" in acme.customer_type_reason


def test_plus_address_on_a_plus_honouring_host_is_the_same_person(database, rep) -> None:  # noqa: ANN001
    microsoft = {"acme-gmbh.de": ["acmegmbh-de.mail.protection.outlook.com"]}
    unknown: dict[str, list[str]] = {}
    observe(database, rep, message(40, "Li Wei <li.wei@acme-gmbh.de>"), now=NOW,
            mx_hosts=microsoft.get)
    observe(database, rep, message(41, "Li Wei <li.wei+orders@acme-gmbh.de>"), now=NOW,
            mx_hosts=microsoft.get)
    observe(database, rep, message(42, "Ana <ana@self-hosted-buyer.com>"), now=NOW,
            mx_hosts=unknown.get)
    observe(database, rep, message(43, "Ana <ana+x@self-hosted-buyer.com>"), now=NOW,
            mx_hosts=unknown.get)
    with database.session(rep.tenant_id) as session:
        by_address = {row.canonical: row for row in session.scalars(select(Address))}
    tagged = by_address["li.wei+orders@acme-gmbh.de"]
    assert tagged.person_id == by_address["li.wei@acme-gmbh.de"].person_id
    assert (tagged.link_rule, tagged.hosting) == ("plus-address", "Microsoft 365")
    assert by_address["ana+x@self-hosted-buyer.com"].person_id != \
        by_address["ana@self-hosted-buyer.com"].person_id


def test_a_lookalike_domain_using_a_known_name_is_never_linked_and_offered_with_a_warning(
    database, rep  # noqa: ANN001
) -> None:
    observe(database, rep, message(50, "Li Wei <li.wei@acme-gmbh.de>"), now=NOW)
    observe(database, rep, message(51, "Li Wei <li.wei@acme-grnbh.de>"), now=NOW)
    (suggestion,) = rows(database, rep, Suggestion)
    assert suggestion.state == "open" and suggestion.confidence <= 0.3
    assert any("verify by phone" in reason for reason in suggestion.reasons)
    assert len({a.person_id for a in rows(database, rep, Address)}) == 2


SIGNED = "Dear Anna,\nplease confirm.\n\nBest regards\n{name}\nMobile: +49 171 1234567\n"


def test_same_phone_and_name_in_the_signature_is_the_same_person(database, rep) -> None:  # noqa: ANN001
    observe(database, rep, message(60, "Li Wei <li.wei@acme-gmbh.de>",
                                   body=SIGNED.format(name="Li Wei")), now=NOW)
    observe(database, rep, message(61, "Li Wei <liwei.home@gmail.com>",
                                   body=SIGNED.format(name="Li Wei")), now=NOW)
    with database.session(rep.tenant_id) as session:
        by_address = {row.canonical: row for row in session.scalars(select(Address))}
    home = by_address["liweihome@gmail.com"]
    assert home.person_id == by_address["li.wei@acme-gmbh.de"].person_id
    assert (home.link_state, home.link_rule) == ("auto", "signature")
    assert [s.state for s in rows(database, rep, Suggestion)] in ([], ["accepted"])


def test_same_phone_with_another_name_is_only_suggested(database, rep) -> None:  # noqa: ANN001
    observe(database, rep, message(62, "Li Wei <li.wei@acme-gmbh.de>",
                                   body=SIGNED.format(name="Li Wei")), now=NOW)
    observe(database, rep, message(63, "Anna Becker <anna.b@gmail.com>",
                                   body=SIGNED.format(name="Anna Becker")), now=NOW)
    (suggestion,) = rows(database, rep, Suggestion)
    assert suggestion.rule == "signature" and suggestion.state == "open"
    assert len(rows(database, rep, Person)) == 2


def test_reply_to_under_the_same_name_is_suggested_then_linked_when_verified(
    database, rep  # noqa: ANN001
) -> None:
    passing = ("mx.google.com; dmarc=pass; spf=pass",)
    for number in range(3):
        observe(database, rep, message(
            70 + number, "Li Wei <li.wei@acme-gmbh.de>", reply_to="Li Wei <liwei@gmail.com>",
            authentication_results=passing if number else ()), now=NOW)
        if number == 0:
            (suggestion,) = rows(database, rep, Suggestion)
            assert suggestion.rule == "reply-to" and suggestion.state == "open"
    observe(database, rep, message(73, "Li Wei <li.wei@acme-gmbh.de>",
                                   reply_to="Li Wei <liwei@gmail.com>",
                                   authentication_results=passing), now=NOW)
    with database.session(rep.tenant_id) as session:
        by_address = {row.canonical: row for row in session.scalars(select(Address))}
    assert by_address["liwei@gmail.com"].person_id == by_address["li.wei@acme-gmbh.de"].person_id
    assert by_address["liwei@gmail.com"].link_rule == "reply-to"


def test_reply_to_under_another_name_is_no_evidence(database, rep) -> None:  # noqa: ANN001
    observe(database, rep, message(80, "Li Wei <li.wei@acme-gmbh.de>",
                                   reply_to="Payments Dept <pay@other-mail.com>"), now=NOW)
    assert [s.rule for s in rows(database, rep, Suggestion)] == []



TITLED = ("Dear Anna,\nplease confirm.\n\nBest regards\nLi Wei\nPurchasing Manager\n"
          "Acme GmbH\n")


def test_same_name_and_title_in_the_signature_links_matching_display_names(
    database, rep  # noqa: ANN001
) -> None:
    observe(database, rep, message(100, "Li Wei <li.wei@acme-gmbh.de>", body=TITLED), now=NOW)
    observe(database, rep, message(101, "Li Wei <lw.private@outlook.com>", body=TITLED),
            now=NOW)
    with database.session(rep.tenant_id) as session:
        by_address = {row.canonical: row for row in session.scalars(select(Address))}
    private = by_address["lw.private@outlook.com"]
    assert private.person_id == by_address["li.wei@acme-gmbh.de"].person_id
    assert private.link_rule == "signature"


def test_the_same_message_twice_in_one_batch_is_observed_once(database, rep) -> None:  # noqa: ANN001
    from mailmatrix.customers.observe import observe_many

    facts = message(110, "Li Wei <li.wei@acme-gmbh.de>")
    first, again = observe_many(database, rep, [facts, facts], now=NOW)
    assert (first.created, again.created) == (True, False)
    assert first.observation_id == again.observation_id != 0
    (address,) = rows(database, rep, Address)
    assert address.count_in == 1


def test_a_new_address_signing_as_a_thread_participant_is_suggested(database, rep) -> None:  # noqa: ANN001
    observe(database, rep, message(120, "Li Wei <li.wei@acme-gmbh.de>",
                                   references="<thread-1@acme>"), now=NOW)
    body = "Hello,\nsee the new price list.\n\nBest regards\nLi Wei\n"
    observe(database, rep, message(121, "Home <lw.home@163.com>",
                                   references="<thread-1@acme> <m120@test>", body=body), now=NOW)
    suggestions = rows(database, rep, Suggestion)
    assert [s.rule for s in suggestions] == ["thread-signature"]


def test_one_person_auto_linked_across_two_company_domains_suggests_the_second_domain(
    database, rep  # noqa: ANN001
) -> None:
    observe(database, rep, message(70, "Li Wei <li.wei@acme-gmbh.de>",
                                   body=SIGNED.format(name="Li Wei")), now=NOW)
    observe(database, rep, message(71, "Li Wei <li.wei@acme-asia.hk>",
                                   body=SIGNED.format(name="Li Wei")), now=NOW)
    (suggestion,) = rows(database, rep, DomainSuggestion)
    companies = {company.id: company.name for company in rows(database, rep, Company)}
    assert (suggestion.domain, companies[suggestion.company_id], suggestion.state) == (
        "acme-asia.hk", "acme-gmbh.de", "open")
    assert "Li Wei writes from acme-gmbh.de and from acme-asia.hk" in suggestion.reasons
    observe(database, rep, message(72, "Li Wei <li.wei@acme-asia.hk>"), now=NOW)
    assert len(rows(database, rep, DomainSuggestion)) == 1  # offered once
    company = profile(database, rep, "li.wei@acme-gmbh.de").company
    assert company is not None and company["domains"] == ["acme-gmbh.de"]
    assert [item["domain"] for item in company["domain_suggestions"]] == ["acme-asia.hk"]
    assert company["domain_suggestions"][0]["reasons"] == suggestion.reasons


def test_a_signature_is_read_again_only_after_a_month(database, rep) -> None:  # noqa: ANN001
    observe(database, rep, message(73, "Li Wei <li.wei@acme-gmbh.de>",
                                   body=SIGNED.format(name="Li Wei")), now=NOW)
    changed = SIGNED.format(name="Li Wei").replace("171 1234567", "160 7654321")
    observe(database, rep, message(74, "Li Wei <li.wei@acme-gmbh.de>", body=changed),
            now=NOW + timedelta(days=3))
    assert {phone.e164 for phone in rows(database, rep, PersonPhone)} == {"+491711234567"}
    observe(database, rep, message(75, "Li Wei <li.wei@acme-gmbh.de>", body=changed),
            now=NOW + timedelta(days=31))
    assert {phone.e164 for phone in rows(database, rep, PersonPhone)} == {
        "+491711234567", "+491607654321"}


def test_facts_the_server_fetched_verify_a_message_the_pane_saw_first(database, rep) -> None:  # noqa: ANN001
    from mailmatrix.customers.facts import VERIFIED

    seen = message(90, "Li Wei <li.wei@acme-gmbh.de>", subject="new bank details")
    first = observe(database, rep, seen, now=NOW)
    fetched = MessageFacts(
        from_=seen.from_, to=seen.to, message_id=seen.message_id, subject=seen.subject,
        date="Thu, 26 Nov 2026 15:15:00 +0800", reply_to="Li Wei <pay.liwei@gmail.com>",
        authentication_results=("mx.google.com; dmarc=fail; spf=fail",), provenance=VERIFIED)
    again = observe(database, rep, fetched, now=NOW)
    assert again.observation_id == first.observation_id and not again.created
    (stored,) = rows(database, rep, Observation)
    assert (stored.auth_result, stored.provenance, stored.utc_offset_minutes) == (
        "fail", VERIFIED, 480)
    assert stored.reply_to_address_id is not None
    (address,) = [row for row in rows(database, rep, Address) if row.id == stored.sender_address_id]
    assert address.count_in == 1  # counted once
    kinds = [w.kind for w in profile(database, rep, "li.wei@acme-gmbh.de").warnings]
    assert "dmarc" in kinds and "reply-to" in kinds
    observe(database, rep, MessageFacts(**{**fetched.__dict__, "authentication_results": (
        "mx.google.com; dmarc=pass",)}), now=NOW)  # verified once: the verdict stays
    assert rows(database, rep, Observation)[0].auth_result == "fail"


def test_the_last_exchange_is_the_persons_own_not_anyone_elses(database, rep) -> None:  # noqa: ANN001
    li, other = "Li Wei <li.wei@acme-gmbh.de>", "Hans Schmidt <hans@zeta-trading.com>"
    observe(database, rep, message(40, li, date="Mon, 23 Nov 2026 08:00:00 +0800"), now=NOW)
    observe(database, rep, message(41, "rep@example-export.com", to=li, subject="Invoice 17",
                                   date="Tue, 24 Nov 2026 10:00:00 +0100"), now=NOW)
    # Later mail from and to someone else changes nothing about Li Wei
    observe(database, rep, message(42, other, date="Wed, 25 Nov 2026 09:00:00 -0500"), now=NOW)
    observe(database, rep, message(43, "rep@example-export.com", to=other, subject="PO 4411",
                                   date="Thu, 26 Nov 2026 09:00:00 +0100"), now=NOW)
    found = profile(database, rep, "li.wei@acme-gmbh.de")
    assert found.last_exchange == {"in": "2026-11-23T00:00:00+00:00",
                                   "out": "2026-11-24T09:00:00+00:00"}
    assert found.their_utc_offset_minutes == 480
    assert found.last_out_matters == ("invoice",)


def test_the_newest_message_from_the_address_decides_its_warnings(database, rep) -> None:  # noqa: ANN001
    observe(database, rep, message(44, "ceo@acme-gmbh.de", reply_to="pay@acme-payments.example",
                                   date="Mon, 23 Nov 2026 08:00:00 +0000"), now=NOW)
    assert "reply-to" in {w.kind for w in profile(database, rep, "ceo@acme-gmbh.de").warnings}
    observe(database, rep, message(45, "ceo@acme-gmbh.de",
                                   date="Tue, 24 Nov 2026 08:00:00 +0000"), now=NOW)
    assert "reply-to" not in {w.kind for w in profile(database, rep, "ceo@acme-gmbh.de").warnings}


def test_raw_forms_are_counted_across_batches_with_first_and_last_seen(database, rep) -> None:  # noqa: ANN001
    from mailmatrix.customers.observe import observe_many

    observe_many(database, rep, [
        message(50, "Li Wei <Li.Wei@acme-gmbh.de>", date="Tue, 24 Nov 2026 08:00:00 +0000"),
        message(51, "Li Wei <Li.Wei@acme-gmbh.de>", date="Mon, 23 Nov 2026 08:00:00 +0000"),
        message(52, "Li Wei <li.wei@acme-gmbh.de>", date="Mon, 23 Nov 2026 09:00:00 +0000"),
    ], now=NOW)
    observe(database, rep, message(53, "Li Wei <Li.Wei@acme-gmbh.de>",
                                   date="Wed, 25 Nov 2026 08:00:00 +0000"), now=NOW)
    forms = {form.raw: form for form in rows(database, rep, AddressForm)}
    assert {raw: form.count for raw, form in forms.items()} == {
        "Li.Wei@acme-gmbh.de": 3, "li.wei@acme-gmbh.de": 1}
    mixed = forms["Li.Wei@acme-gmbh.de"]
    assert (mixed.first_seen.day, mixed.last_seen.day) == (23, 25)
    (person,) = rows(database, rep, Person)
    assert person.primary_raw == "Li.Wei@acme-gmbh.de"  # the form used most
