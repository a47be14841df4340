"""A batch of messages (ingest) teaches the graph what the same messages observed one by one
(the panel) teach it: the bulk path and the single path are one set of rules."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import event, select

from mailmatrix.auth.principal import Principal
from mailmatrix.customers.db import Database
from mailmatrix.customers.facts import MessageFacts
from mailmatrix.customers.models import Address, DomainSuggestion, Person, Suggestion
from mailmatrix.customers.observe import observe, observe_many
from mailmatrix.customers.tenants import ensure_tenant, ensure_user

NOW = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)
PASSING = ("mx.google.com; dmarc=pass; spf=pass",)
SIGNED = "Dear Anna,\nplease confirm.\n\nBest regards\n{name}\nMobile: +49 171 1234567\n"
TITLED = "Hello,\nsee below.\n\nRegards\nLi Wei\nPurchasing Manager\nAcme Asia Ltd\n"
FULL = ("Dear Anna,\nplease confirm.\n\nBest regards\nLi Wei\nPurchasing Manager\n"
        "Mobile: +49 171 1234567\n")
HOSTS = {"beta-trading.de": ["aspmx.l.google.com"]}


def message(number: int, from_: str, **fields: str) -> MessageFacts:
    return MessageFacts(from_=from_, to=fields.pop("to", "rep@example-export.com"),
                        message_id=f"<b{number}@test>",
                        date=f"Thu, 26 Nov 2026 08:{number:02d}:00 +0100", **fields)


MESSAGES = [
    message(1, "Li Wei <li.wei@acme-gmbh.de>", cc="sales@acme-gmbh.de", subject="PO 4411",
            body=FULL),
    message(2, '"Wei, Li" <li.wei@gmail.com>', body=SIGNED.format(name="Li Wei")),
    message(3, "Anna Becker <anna.becker@acme-grnbh.de>", subject="new bank details"),
    message(4, "Li Wei <li.wei@acme-gmbh.de>", reply_to="Li Wei <lw@proton.me>",
            authentication_results=PASSING),
    message(5, "Tom Berg <tom@beta-trading.de>"),
    message(6, "Tom Berg <tom+shop@beta-trading.de>"),
    message(7, "Li Wei <li.wei@acme-asia.hk>", in_reply_to="<b1@test>",
            references="<b1@test>", body=TITLED),
    message(8, "Li Wei <li.wei@acme-gmbh.de>", body=TITLED, subject="contract"),
    message(9, "rep@example-export.com", to="Anna Becker <anna.becker@acme-gmbh.de>",
            subject="Invoice 17"),
    message(10, "Anna B. <anna.becker@acme-gmbh.de>", subject="re: invoice"),
    message(1, "Li Wei <li.wei@acme-gmbh.de>", subject="PO 4411"),  # the same message again
]


def graph(database: Database, principal: Principal) -> dict[str, object]:
    """The graph by addresses, free of ids and row order."""
    with database.session(principal.tenant_id) as session:
        addresses = session.scalars(select(Address)).all()
        canonical = {row.id: row.canonical for row in addresses}
        members: dict[int | None, set[str]] = {}
        for row in addresses:
            members.setdefault(row.person_id, set()).add(row.canonical)
        people = {person.id: frozenset(members.get(person.id, ()))
                  for person in session.scalars(select(Person))}
        return {
            "persons": {group for group in people.values() if group},
            "links": {(row.canonical, row.link_state, row.link_rule) for row in addresses},
            "counts": {(row.canonical, row.count_in, row.count_out, row.formal_count)
                       for row in addresses},
            "primaries": {(people[person.id], person.primary_raw)
                          for person in session.scalars(select(Person)) if people[person.id]},
            "suggestions": {(canonical[item.address_id], people[item.person_id], item.rule,
                             item.confidence, item.state)
                            for item in session.scalars(select(Suggestion))},
            "domains": {(item.domain, item.state)
                        for item in session.scalars(select(DomainSuggestion))},
        }


def rep_of(database: Database, tenant_key: str) -> Principal:
    tenant = ensure_tenant(database, "local", tenant_key)
    return ensure_user(database, tenant, "rep@example-export.com",
                       email="rep@example-export.com")


def test_one_batch_and_one_message_at_a_time_build_the_same_graph(database: Database) -> None:
    single, batched = rep_of(database, "one-by-one"), rep_of(database, "in-a-batch")
    for facts in MESSAGES:
        observe(database, single, facts, now=NOW, mx_hosts=HOSTS.get)
    results = observe_many(database, batched, MESSAGES, now=NOW, mx_hosts=HOSTS.get)
    assert [result.created for result in results] == [True] * 10 + [False]
    one_by_one, in_a_batch = graph(database, single), graph(database, batched)
    for part in one_by_one:
        assert in_a_batch[part] == one_by_one[part], part
    assert frozenset({"li.wei@acme-gmbh.de", "liwei@gmail.com", "li.wei@acme-asia.hk"}) in \
        one_by_one["persons"]  # the phone, then the name and title, in signatures
    assert ("tom+shop@beta-trading.de", "auto", "plus-address") in one_by_one["links"]
    assert ("acme-asia.hk", "open") in one_by_one["domains"]


def test_signatures_of_a_batch_read_their_persons_once_however_many(
        database: Database) -> None:
    """A person is read again only when nothing holds it: one statement per signer would make a
    batch's cost grow with its signers."""
    def person_reads(senders: int, tenant_key: str) -> int:
        rep = rep_of(database, tenant_key)
        observe_many(database, rep, [  # first sight: a person for each address
            message(number, f"Signer {number} <signer{number}@gamma-werke.de>")
            for number in range(senders)], now=NOW)
        statements: list[str] = []

        def seen(*given: object) -> None:
            statements.append(str(given[2]))
        event.listen(database.engine, "before_cursor_execute", seen)
        try:
            observe_many(database, rep, [
                message(senders + number, f"Signer {number} <signer{number}@gamma-werke.de>",
                        body=f"Hello,\nsee below.\n\nRegards\nSigner {number}\n"
                             f"Mobile: +49 171 {5550000 + number}\n")
                for number in range(senders)], now=NOW)
        finally:
            event.remove(database.engine, "before_cursor_execute", seen)
        return sum("FROM persons" in statement for statement in statements)

    assert person_reads(3, "few-signers") == person_reads(30, "many-signers")
