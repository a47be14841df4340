"""Linking rules: which person and company an address belongs to, each rule named with its
confidence and evidence. Rules never override a user's decision.

``first_sight`` applies the rules of a new address in bulk (``company-domain``,
``role-mailbox``, ``first-seen``) and calls on these for the rest:
- ``plus-address``: ``a+tag@`` at a domain hosted on Google Workspace or Microsoft 365 is the
  mailbox ``a@``: the same person, automatically.
- ``signature``: the sender's signature names a phone, or the same full name and job title,
  known from another person: the same person when the display names match too (automatic),
  else a suggestion.
- ``reply-to``: a message from X names Y as Reply-To under the same display name: suggested;
  automatic only after several such messages that passed DMARC at the receiving system.
- ``thread-signature``: a new address answers in a thread and signs with the name of a person
  who wrote earlier in it: suggested.
- ``same-name`` (see ``same_name``): a known address under a new display name.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from mailmatrix.addresses.hosting import GOOGLE_WORKSPACE, MICROSOFT_365
from mailmatrix.addresses.signature import SignatureFacts
from mailmatrix.customers.address_rows import chunks
from mailmatrix.customers.lookalikes import imitation_of
from mailmatrix.customers.models import (
    Address,
    LinkDecision,
    Observation,
    Person,
    PersonPhone,
    Suggestion,
)
from mailmatrix.customers.name_key import name_key
from mailmatrix.customers.same_name import suggest_same_names
from mailmatrix.customers.signature_evidence import signature_is_evidence, signature_key
from mailmatrix.customers.suggestions import Offer, offer
from mailmatrix.customers.upsert import insert_missing

PLUS_ADDRESSING_HOSTS = frozenset({GOOGLE_WORKSPACE, MICROSOFT_365})


def remember_name(session: Session, row: Address, display_name: str, now: datetime) -> None:
    """A known address under a display name its person was not known by: remember the name,
    and offer the persons already known by it (``same-name``)."""
    person = session.get(Person, row.person_id) if row.person_id else None
    if person is not None and _remember_name(person, display_name, now):
        suggest_same_names(session, [(row, person)], now)


@dataclass(frozen=True)
class SignedMessage:
    """A sender's signature, read from one message."""

    address_id: int
    display_name: str
    signature: SignatureFacts


def apply_signatures(session: Session, items: Sequence[SignedMessage], now: datetime
                     ) -> set[int]:
    """``signature``: a signature names a phone, or the same full name and job title, already
    known from another person. The same display name too: the same person (automatic). Else:
    a suggestion. The evidence is remembered for the sender's person. Returns the persons
    touched.

    For a batch, in message order: the phones and signed names of all the signatures are
    looked up at once, and rows are handled one at a time only where evidence is shared."""
    tenant_id = session.info["tenant_id"]
    items = [item for item in items if signature_is_evidence(item.signature)]
    if not items:
        return set()
    rows = {row.id: row for part in chunks(sorted({item.address_id for item in items}))
            for row in session.scalars(select(Address).where(
                Address.tenant_id == tenant_id, Address.id.in_(part)))}
    # Held here: the identity map keeps only weak references, and get() of a person that was
    # let go reads it again, one statement each
    persons = {person.id: person for person in session.scalars(select(Person).where(
        Person.tenant_id == tenant_id,
        Person.id.in_({row.person_id for row in rows.values() if row.person_id})))}
    phone_owners = _phone_owners(session, {phone.e164 for item in items
                                           for phone in item.signature.phones})
    signed_by = _signed_by(session, {key for item in items
                                     if (key := signature_key(item.signature))})
    touched: set[int] = set()
    new_phones: dict[tuple[str, int], str] = {}
    for item in items:
        row = rows.get(item.address_id)
        if row is None or row.kind == "role" or row.person_id is None \
                or _imitates_a_customer(session, row):
            continue
        touched.add(row.person_id)
        signature, signed = item.signature, signature_key(item.signature)
        evidence = [(other, f"same phone {phone.e164} in the signature")
                    for phone in signature.phones
                    for other in sorted(phone_owners[phone.e164] - {row.person_id})]
        if signed:
            evidence += [(other, f"same name and title '{signature.name}, {signature.title}' "
                                 "in the signature")
                         for other in sorted(signed_by[signed] - {row.person_id})]
        key = name_key(item.display_name)
        for other_id, shared in evidence:
            other = session.get(Person, other_id)
            if other is None or row.person_id == other_id or _refused(session, row, other_id):
                continue
            if key and key == other.name_key and row.link_rule == "first-seen":
                _link_automatically(session, row, other_id, "signature")
                touched.add(other_id)
                continue
            _suggest(session, row, other_id, "signature", 0.7,
                     [f"{shared} as {other.display_name}"], now)
        person = persons.get(row.person_id) or session.get(Person, row.person_id)
        if person is not None and signed and not person.signature_key:
            person.signature_key = signed
            signed_by[signed].add(person.id)
        for phone in signature.phones:
            if row.person_id not in phone_owners[phone.e164]:
                phone_owners[phone.e164].add(row.person_id)
                new_phones[(phone.e164, row.person_id)] = phone.kind
    insert_missing(session, PersonPhone, [
        {"tenant_id": tenant_id, "e164": e164, "person_id": person, "kind": kind,
         "created_at": now} for (e164, person), kind in new_phones.items()],
        key=("tenant_id", "e164", "person_id"))
    return touched


def _phone_owners(session: Session, numbers: set[str]) -> dict[str, set[int]]:
    owners: dict[str, set[int]] = defaultdict(set)
    for part in chunks(sorted(numbers)):
        for e164, person in session.execute(select(PersonPhone.e164, PersonPhone.person_id).where(
                PersonPhone.tenant_id == session.info["tenant_id"], PersonPhone.e164.in_(part))):
            owners[e164].add(person)
    return owners


def _signed_by(session: Session, keys: set[str]) -> dict[str, set[int]]:
    owners: dict[str, set[int]] = defaultdict(set)
    for part in chunks(sorted(keys)):
        for key, person in session.execute(select(Person.signature_key, Person.id).where(
                Person.tenant_id == session.info["tenant_id"], Person.signature_key.in_(part))):
            owners[key].add(person)
    return owners


def apply_thread_signature(session: Session, row: Address, thread_key: str,
                           observation_id: int, signature: SignatureFacts, now: datetime
                           ) -> None:
    """``thread-signature``: a new address answers in a thread and signs with the name of a
    person who wrote earlier in that thread (a colleague's box, a home account): suggested."""
    signed = name_key(signature.name)
    if not signed or row.kind == "role" or row.link_rule != "first-seen" \
            or _imitates_a_customer(session, row):
        return
    earlier = session.scalars(select(Address.person_id).join(
        Observation, Observation.sender_address_id == Address.id).where(
        Observation.tenant_id == row.tenant_id, Address.tenant_id == row.tenant_id,
        Observation.thread_key == thread_key, Observation.id != observation_id,
        Address.person_id.is_not(None), Address.person_id != row.person_id).distinct()).all()
    for person_id in earlier:
        person = session.get(Person, person_id)
        if person is None or person.name_key != signed or _refused(session, row, person_id):
            continue
        _suggest(session, row, person_id, "thread-signature", 0.6,
                 [f"answers in a thread of {person.display_name} and signs as "
                  f"'{signature.name}'"], now)


REPLY_TO_AUTO_AFTER = 3  # messages with the pair, each passing DMARC at the receiving system
REPLY_TO_CONFIDENCE = 0.65


def apply_reply_to(session: Session, sender: Address, sender_name: str, reply_to: Address,
                   reply_name: str, now: datetime) -> set[int]:
    """``reply-to``: a message from X asks for replies to Y under the same display name.
    Suggested; automatic only once seen repeatedly with a passing DMARC verdict. Returns the
    persons touched."""
    if sender.person_id is None or reply_to.id == sender.id or reply_to.kind == "role" \
            or reply_to.person_id == sender.person_id or reply_to.link_state == "confirmed":
        return set()
    key = name_key(sender_name)
    if not key or key != name_key(reply_name) or imitation_of(session, reply_to) is not None \
            or _refused(session, reply_to, sender.person_id):
        return set()
    verified = session.scalar(select(func.count(Observation.id)).where(
        Observation.tenant_id == sender.tenant_id, Observation.sender_address_id == sender.id,
        Observation.reply_to_address_id == reply_to.id, Observation.auth_result == "pass")) or 0
    if verified >= REPLY_TO_AUTO_AFTER and reply_to.link_rule == "first-seen":
        _link_automatically(session, reply_to, sender.person_id, "reply-to")
        return {sender.person_id}
    _suggest(session, reply_to, sender.person_id, "reply-to", REPLY_TO_CONFIDENCE,
             [f"{sender.canonical} asks for replies to it under the same name",
              f"{verified} such message{'s' if verified != 1 else ''} passed DMARC"], now)
    return set()


def _suggest(session: Session, row: Address, person_id: int, rule: str, confidence: float,
             reasons: list[str], now: datetime) -> None:
    offer(session, [Offer(row.id, person_id, rule, confidence, tuple(reasons))], now)


def _link_automatically(session: Session, row: Address, person_id: int, rule: str) -> None:
    """A rule's certain link; suggestions waiting for the same pair are settled by it."""
    row.person_id, row.link_state, row.link_rule = person_id, "auto", rule
    for waiting in session.scalars(select(Suggestion).where(
            Suggestion.tenant_id == row.tenant_id, Suggestion.address_id == row.id,
            Suggestion.person_id == person_id, Suggestion.state == "open")):
        waiting.state = "accepted"


def _refused(session: Session, row: Address, person_id: int) -> bool:
    return session.scalars(select(LinkDecision.id).where(
        LinkDecision.tenant_id == row.tenant_id, LinkDecision.address_id == row.id,
        LinkDecision.person_id == person_id, LinkDecision.decision == "cannot-link")
    ).first() is not None


def _imitates_a_customer(session: Session, row: Address) -> bool:
    """A domain imitating a known customer's never becomes a company of its own: it would then
    count as known, and the next message from it would raise no warning."""
    return imitation_of(session, row) is not None


def may_be_plus_address(row: Any) -> bool:
    """Worth looking for the base mailbox: a tagged local part at a plus-honouring host."""
    return row.kind == "corporate" and "+" in row.canonical.rpartition("@")[0] \
        and row.hosting in PLUS_ADDRESSING_HOSTS


def link_plus_address(session: Session, row: Address) -> bool:
    """``a+tag@acme.de`` reaches ``a@acme.de`` when acme.de's mail is on a host that honours
    plus-addressing: one mailbox, so the same person (automatic, unless the user said no)."""
    local, _, domain = row.canonical.rpartition("@")
    if not may_be_plus_address(row):
        return False
    base = session.scalars(select(Address).where(
        Address.tenant_id == row.tenant_id,
        Address.canonical == f"{local.partition('+')[0]}@{domain}")).first()
    if base is None or base.person_id is None or _refused(session, row, base.person_id):
        return False
    _link_automatically(session, row, base.person_id, "plus-address")
    return True


def _remember_name(person: Person, display_name: str, now: datetime) -> bool:
    """Add a display name not seen before; True when it was new."""
    if not display_name or display_name in (person.names or []):
        return False
    person.names = [*(person.names or []), display_name][-10:]
    if not person.name_key:
        person.name_key = name_key(display_name)
        person.display_name = display_name
    person.updated_at = now
    return True
