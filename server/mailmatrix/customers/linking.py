"""Linking rules: which person and company an address belongs to, each rule named with its
confidence and evidence. Rules never override a user's decision.

Implemented so far:
- ``company-domain``: a corporate or role address belongs to the company of its registrable
  domain (one company per set of domains; free-mail, encrypted, regional and disposable
  domains never make a company).
- ``role-mailbox``: role addresses attach to the company, never to a person.
- ``plus-address``: ``a+tag@`` at a domain hosted on Google Workspace or Microsoft 365 is the
  mailbox ``a@``: the same person, automatically.
- ``first-seen``: a new personal address starts its own person, named by its display name.
- ``signature``: the sender's signature names a phone, or the same full name and job title,
  known from another person: the same person when the display names match too (automatic),
  else a suggestion.
- ``reply-to``: a message from X names Y as Reply-To under the same display name: suggested;
  automatic only after several such messages that passed DMARC at the receiving system.
- ``thread-signature``: a new address answers in a thread and signs with the name of a person
  who wrote earlier in it: suggested.
- ``same-name``: the same normalized full name on another person: suggested, never automatic;
  less confident when the name is common in the tenant, more when the local parts match.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from mailmatrix.addresses.classify import AddressReport
from mailmatrix.addresses.hosting import GOOGLE_WORKSPACE, MICROSOFT_365
from mailmatrix.addresses.lookalike import LookalikeMatch
from mailmatrix.addresses.parse import ParsedAddress
from mailmatrix.addresses.signature import SignatureFacts
from mailmatrix.customers.customer_type import CompanyStats, company_type, individual_type
from mailmatrix.customers.lookalikes import imitated_domain, remember_customer_domain
from mailmatrix.customers.models import (
    Address,
    Company,
    CompanyDomain,
    LinkDecision,
    Observation,
    Person,
    PersonPhone,
    Suggestion,
)
from mailmatrix.customers.name_key import name_key
from mailmatrix.customers.primary import choose_primary
from mailmatrix.customers.upsert import get_or_create

COMPANY_KINDS = frozenset({"corporate", "role"})
PLUS_ADDRESSING_HOSTS = frozenset({GOOGLE_WORKSPACE, MICROSOFT_365})
COMMON_NAME_PERSONS = 3  # a name key shared by this many persons is common in the tenant
MAX_SUGGESTIONS = 5  # per new address: past that the name is too common to tell anything

Touched = tuple[Address, ParsedAddress, AddressReport]


def apply_rules(session: Session, touched: Sequence[Touched], now: datetime
                ) -> tuple[set[int], set[int]]:
    """Link the addresses a message touched; returns the persons and companies touched, whose
    summaries (primary, customer type) ``update_summaries`` recomputes."""
    persons: set[int] = set()
    for row, parsed, _report in touched:
        if row.kind in COMPANY_KINDS and row.company_id is None and row.registrable_domain \
                and not _imitates_a_customer(session, row):
            row.company_id = _company_for(session, row.registrable_domain, now).id
        if row.kind == "role":
            continue
        is_new = row.person_id is None
        if is_new and not _link_plus_address(session, row, now):
            _first_seen(session, row, parsed, now)
        person = session.get(Person, row.person_id)
        if person is not None:
            new_name = _remember_name(person, parsed.display_name, now)
            if person.company_id is None and row.company_id is not None:
                person.company_id = row.company_id
            persons.add(person.id)
            if is_new or new_name:  # only new evidence can make a new suggestion
                _suggest_same_name(session, row, person, now)
    companies = {row.company_id for row, _, _ in touched if row.company_id is not None}
    return persons, companies


def apply_signature(session: Session, row: Address, display_name: str,
                    signature: SignatureFacts, now: datetime) -> set[int]:
    """``signature``: the sender's signature names a phone, or the same full name and job title,
    already known from another person. The same display name too: the same person
    (automatic). Else: a suggestion. Returns the persons touched; the evidence is remembered
    for the sender's person."""
    if row.kind == "role" or row.person_id is None or _imitates_a_customer(session, row):
        return set()
    tenant_id = session.info["tenant_id"]
    touched = {row.person_id}
    signed = _signature_key(signature)
    evidence: list[tuple[int, str]] = []  # (other person, what they share)
    for phone in signature.phones:
        evidence += [(other, f"same phone {phone.e164} in the signature")
                     for other in session.scalars(select(PersonPhone.person_id).where(
                         PersonPhone.tenant_id == tenant_id, PersonPhone.e164 == phone.e164,
                         PersonPhone.person_id != row.person_id))]
    if signed:
        evidence += [(other, f"same name and title '{signature.name}, {signature.title}' "
                             "in the signature")
                     for other in session.scalars(select(Person.id).where(
                         Person.tenant_id == tenant_id, Person.signature_key == signed,
                         Person.id != row.person_id))]
    key = name_key(display_name)
    for other_id, shared in evidence:
        other = session.get(Person, other_id)
        if other is None or _refused(session, row, other_id) or row.person_id == other_id:
            continue
        if key and key == other.name_key and row.link_rule == "first-seen":
            _link_automatically(session, row, other_id, "signature")
            touched.add(other_id)
            continue
        _suggest(session, row, other_id, "signature", 0.7,
                 [f"{shared} as {other.display_name}"], now)
    person = session.get(Person, row.person_id)
    if person is not None and signed and not person.signature_key:
        person.signature_key = signed
    for phone in signature.phones:
        get_or_create(session, PersonPhone,
                      {"tenant_id": tenant_id, "e164": phone.e164, "person_id": row.person_id},
                      {"kind": phone.kind, "created_at": now})
    return touched


def _signature_key(signature: SignatureFacts) -> str | None:
    """Full name + job title as signed, folded: a name alone is too common to tell people
    apart, a name with the same title at the same time rarely is."""
    name = name_key(signature.name)
    title = " ".join((signature.title or "").casefold().split())
    return f"{name}|{title}"[:400] if name and title else None


def apply_thread_signature(session: Session, row: Address, observation: Observation,
                           signature: SignatureFacts, now: datetime) -> None:
    """``thread-signature``: a new address answers in a thread and signs with the name of a
    person who wrote earlier in that thread (a colleague's box, a home account): suggested."""
    signed = name_key(signature.name)
    if not signed or row.kind == "role" or row.link_rule != "first-seen" \
            or _imitates_a_customer(session, row):
        return
    earlier = session.scalars(select(Address.person_id).join(
        Observation, Observation.sender_address_id == Address.id).where(
        Observation.tenant_id == row.tenant_id, Address.tenant_id == row.tenant_id,
        Observation.thread_key == observation.thread_key, Observation.id != observation.id,
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
    if not key or key != name_key(reply_name) or _imitation(session, reply_to) is not None \
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
    """Offer "``row`` is ``person_id``". One suggestion per pair: the user's answer stays, the
    same rule refreshes its evidence, and another rule replaces it only with more confidence."""
    suggestion = get_or_create(
        session, Suggestion,
        {"tenant_id": row.tenant_id, "address_id": row.id, "person_id": person_id},
        {"rule": rule, "confidence": confidence, "reasons": reasons, "state": "open",
         "created_at": now})
    if suggestion.state == "open" and (suggestion.rule == rule
                                       or confidence > suggestion.confidence):
        suggestion.rule, suggestion.confidence, suggestion.reasons = rule, confidence, reasons


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


def update_summaries(session: Session, persons: set[int], companies: set[int]) -> None:
    """Primary addresses and customer types of what a batch of messages touched."""
    for person_id in persons:
        choose_primary(session, person_id)
    for company_id in companies:
        _update_company_type(session, company_id)
    for person_id in persons:
        _update_person_type(session, person_id)


def _imitates_a_customer(session: Session, row: Address) -> bool:
    """A domain imitating a known customer's never becomes a company of its own: it would then
    count as known, and the next message from it would raise no warning."""
    return _imitation(session, row) is not None


def _imitation(session: Session, row: Address) -> LookalikeMatch | None:
    if row.kind not in COMPANY_KINDS or row.company_id is not None:
        return None
    return imitated_domain(session, session.info["tenant_id"], row.registrable_domain)


def _company_for(session: Session, domain: str, now: datetime) -> Company:
    tenant_id = session.info["tenant_id"]
    link = session.scalars(select(CompanyDomain).where(CompanyDomain.tenant_id == tenant_id,
                                                       CompanyDomain.domain == domain)).first()
    if link is not None:
        return session.get(Company, link.company_id)  # type: ignore[return-value]
    company = Company(name=domain, formal_channels={}, created_at=now, updated_at=now)
    session.add(company)
    session.flush()
    link = get_or_create(session, CompanyDomain, {"tenant_id": tenant_id, "domain": domain},
                         {"company_id": company.id})
    remember_customer_domain(session, tenant_id, domain, link.id)  # protected from now on
    if link.company_id != company.id:  # another process named the domain's company first
        session.delete(company)
        return session.get(Company, link.company_id)  # type: ignore[return-value]
    return company


def _link_plus_address(session: Session, row: Address, now: datetime) -> bool:
    """``a+tag@acme.de`` reaches ``a@acme.de`` when acme.de's mail is on a host that honours
    plus-addressing: one mailbox, so the same person (automatic, unless the user said no)."""
    local, _, domain = row.canonical.rpartition("@")
    if row.kind != "corporate" or "+" not in local or row.hosting not in PLUS_ADDRESSING_HOSTS:
        return False
    base = session.scalars(select(Address).where(
        Address.tenant_id == row.tenant_id,
        Address.canonical == f"{local.partition('+')[0]}@{domain}")).first()
    if base is None or base.person_id is None or _refused(session, row, base.person_id):
        return False
    _link_automatically(session, row, base.person_id, "plus-address")
    return True


def _first_seen(session: Session, row: Address, parsed: ParsedAddress, now: datetime) -> None:
    name = parsed.display_name or ""
    person = Person(display_name=name or row.canonical, names=[name] if name else [],
                    name_key=name_key(name), company_id=row.company_id, created_at=now,
                    updated_at=now)
    session.add(person)
    session.flush()
    row.person_id = person.id
    row.link_state = "auto"
    row.link_rule = "first-seen"


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


def _suggest_same_name(session: Session, row: Address, person: Person, now: datetime) -> None:
    """Another person with the same normalized full name may be this one: ask the user."""
    if not person.name_key or row.link_state == "confirmed":
        return
    tenant_id = session.info["tenant_id"]
    # A lookalike domain is still offered (a company's other TLD looks like one), but with
    # little confidence and the warning in the reasons; the profile warns about it as well.
    imitation = _imitation(session, row)
    # Only towards people known before this one: the newer identity is the one in question,
    # and the pair gets one suggestion, not one each way.
    others = session.scalars(select(Person).where(
        Person.tenant_id == tenant_id, Person.name_key == person.name_key,
        Person.id < person.id).order_by(Person.id).limit(MAX_SUGGESTIONS)).all()
    if not others:
        return
    sharing = session.scalar(select(func.count(Person.id)).where(
        Person.tenant_id == tenant_id, Person.name_key == person.name_key)) or 0
    rejected = set(session.scalars(select(LinkDecision.person_id).where(
        LinkDecision.tenant_id == tenant_id, LinkDecision.address_id == row.id,
        LinkDecision.decision == "cannot-link")))
    local = row.canonical.partition("@")[0]
    for other in others:
        if other.id in rejected:
            continue
        known_locals = set(session.scalars(select(Address.canonical).where(
            Address.tenant_id == tenant_id, Address.person_id == other.id)))
        same_local = any(address.partition("@")[0] == local for address in known_locals)
        confidence = 0.55 + (0.2 if same_local else 0.0) - (0.25 if sharing >=
                                                               COMMON_NAME_PERSONS else 0.0)
        reasons = [f"same name '{person.display_name}' as a known person"]
        if imitation is not None:
            # a copied mailbox name on a lookalike domain is the fraud pattern, not evidence
            confidence = 0.2
            reasons.append(f"but {row.registrable_domain} imitates {imitation.lookalike_of}: "
                           "verify by phone before confirming")
        if same_local:
            reasons.append(f"same mailbox name '{local}'")
        if sharing >= COMMON_NAME_PERSONS:
            reasons.append(f"{sharing} people share this name in your contacts")
        _suggest(session, row, other.id, "same-name", round(confidence, 2), reasons, now)


def _update_company_type(session: Session, company_id: int) -> None:
    tenant_id = session.info["tenant_id"]
    company = session.get(Company, company_id)
    if company is None:
        return
    rows = session.execute(select(Address.person_id, Address.role, Address.hosting).where(
        Address.tenant_id == tenant_id, Address.company_id == company_id)).all()
    domains = session.scalar(select(func.count(CompanyDomain.id)).where(
        CompanyDomain.tenant_id == tenant_id, CompanyDomain.company_id == company_id)) or 0
    stats = CompanyStats(
        people=len({row.person_id for row in rows if row.person_id is not None}),
        role_mailboxes=sum(1 for row in rows if row.role and row.person_id is None),
        departments=len({row.role for row in rows if row.role and row.person_id is None}),
        domains=domains,
        hosting=next((row.hosting for row in rows if row.hosting), None))
    company.customer_type, company.customer_type_reason = company_type(stats)


def _update_person_type(session: Session, person_id: int) -> None:
    person = session.get(Person, person_id)
    if person is None:
        return
    if person.company_id is not None:
        company = session.get(Company, person.company_id)
        if company is not None:
            person.customer_type = company.customer_type
            person.customer_type_reason = f"works at {company.name}: " \
                                          f"{company.customer_type_reason}"
        return
    providers = session.scalars(select(Address.provider).where(
        Address.tenant_id == session.info["tenant_id"], Address.person_id == person_id)).all()
    person.customer_type, person.customer_type_reason = individual_type(list(providers))
