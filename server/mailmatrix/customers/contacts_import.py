"""``mailmatrix import-contacts``: an address book entry is the user's own statement that its
addresses belong to one person, so each link is recorded as a user decision (must-link) that
rules never override. Role mailboxes stay with their company."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy.orm import Session

from mailmatrix.addresses.classify import classify_parsed
from mailmatrix.addresses.errors import InvalidAddress
from mailmatrix.addresses.parse import parse_address
from mailmatrix.auth.principal import Principal
from mailmatrix.customers.address_rows import address_row
from mailmatrix.customers.contacts import Contact, ImportSummary, iter_addresses
from mailmatrix.customers.db import Database
from mailmatrix.customers.models import Address, AuditEvent, LinkDecision, Person
from mailmatrix.customers.name_key import name_key
from mailmatrix.customers.summaries import choose_primary


def import_contacts(database: Database, principal: Principal,
                    contacts: list[Contact]) -> ImportSummary:
    summary = ImportSummary()
    for contact in contacts:
        summary.contacts += 1
        database.retrying(lambda c=contact: _import_one(database, principal, c, summary))
    return summary


def _import_one(database: Database, principal: Principal, contact: Contact,
                summary: ImportSummary) -> None:
    now = datetime.now(UTC)
    with database.session(principal.tenant_id) as session:
        rows: list[tuple[Address, str | None]] = []
        for text, label in iter_addresses(contact):
            try:
                parsed = parse_address(text)
            except InvalidAddress as error:
                summary.problems.append((contact.source, f"{text}: {error.reason}"))
                continue
            row = address_row(session, parsed, classify_parsed(parsed, text), now)
            if row.kind == "role":
                summary.problems.append((contact.source, f"{text} is a role mailbox: kept with "
                                         "its company, not linked to the person"))
                continue
            rows.append((row, label))
        summary.addresses += len(rows)
        if not rows:
            return
        person = _person_for(session, contact, [row for row, _ in rows], now)
        for row, label in rows:
            if label and not row.label:
                row.label = label[:120]
            if row.person_id != person.id or row.link_state != "confirmed":
                _must_link(session, principal, row, person, contact, now)
                summary.linked += 1
        choose_primary(session, person.id)


def _person_for(session: Session, contact: Contact, rows: list[Address], now: datetime
                ) -> Person:
    """The person one of the addresses already belongs to (a confirmed one first), or a new
    person named as in the address book."""
    owners = sorted((row for row in rows if row.person_id is not None),
                    key=lambda row: row.link_state != "confirmed")
    if owners:
        person = session.get(Person, owners[0].person_id)
        if person is not None:
            return person
    name = contact.name or rows[0].canonical
    person = Person(display_name=name, names=[contact.name] if contact.name else [],
                    name_key=name_key(contact.name), created_at=now, updated_at=now)
    session.add(person)
    session.flush()
    return person


def _must_link(session: Session, principal: Principal, row: Address, person: Person,
               contact: Contact, now: datetime) -> None:
    before = {"person_id": row.person_id, "link_state": row.link_state,
              "link_rule": row.link_rule, "suggestions": {}}
    old_person = row.person_id
    row.person_id, row.link_state, row.link_rule = person.id, "confirmed", "address-book"
    session.add(LinkDecision(user_id=principal.user_id, address_id=row.id, person_id=person.id,
                             decision="must-link", reason=f"address book {contact.source}",
                             before=before, created_at=now))
    session.add(AuditEvent(user_id=principal.user_id, action="must-link",
                           subject_type="address", subject_id=row.id, before=before,
                           after={"person_id": person.id, "link_state": "confirmed"},
                           created_at=now))
    session.flush()
    if old_person is not None and old_person != person.id:
        choose_primary(session, old_person)
