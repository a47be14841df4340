"""``same-name``: another person with the same normalized full name may be this one. Suggested,
never automatic; less confident when the name is common in the tenant, more when the local
parts match too (``ast@kernel.org``, ``ast@fb.com``). A name that more than NAME_ALONE_LIMIT
earlier persons share is no evidence by itself: then only those whose mailbox name matches
too are offered (a rep who knows fifty "Wei Wang"s is not asked about five arbitrary ones).

For a whole batch of new persons at once: a name shared by many people is exactly what makes
one query per person expensive.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import Session

from mailmatrix.customers.address_rows import chunks
from mailmatrix.customers.lookalikes import imitation_of
from mailmatrix.customers.models import Address, LinkDecision, Person
from mailmatrix.customers.scoping import of_tenant, run_bound, tenant_bound
from mailmatrix.customers.suggestions import Offer, offer

COMMON_NAME_PERSONS = 3  # a name key shared by this many persons is common in the tenant
MAX_SUGGESTIONS = 5  # per new address, the earliest namesakes first
NAME_ALONE_LIMIT = 20  # earlier namesakes past which the name alone is offered no more


def suggest_same_names(session: Session, pairs: Sequence[tuple[Any, Any]], now: datetime
                       ) -> None:
    """``pairs``: (address, its person), each with the attributes of the rows (an ORM row or
    a batch's ``AddressState``; a person's ``id``, ``name_key``, ``display_name``)."""
    tenant_id = session.info["tenant_id"]
    pairs = [(row, person) for row, person in pairs
             if person.name_key and getattr(row, "link_state", None) != "confirmed"]
    if not pairs:
        return
    namesakes = _persons_by_name(session, tenant_id, {person.name_key for _, person in pairs})
    # Only towards people known before this one: the newer identity is the one in question,
    # and the pair gets one suggestion, not one each way.
    candidates = [(row, person, [other for other in namesakes[person.name_key]
                                 if other < person.id])
                  for row, person in pairs]
    candidates = [item for item in candidates if item[2]]
    if not candidates:
        return
    locals_of = _local_parts(session, tenant_id, {
        other for _, _, others in candidates for other in others[:MAX_SUGGESTIONS]})
    # A name too common to count alone: its namesakes with the same mailbox name, found by
    # the database (reading every namesake's addresses cost a large tenant more than the rest)
    common = [(row, person) for row, person, others in candidates
              if len(others) > NAME_ALONE_LIMIT]
    if common:
        for person, canonical in _same_mailbox_names(session, tenant_id, common):
            locals_of[person].add(_local_part(canonical))
    candidates = [(row, person, _worth_offering(row, others, locals_of))
                  for row, person, others in candidates]
    candidates = [item for item in candidates if item[2]]
    if not candidates:
        return
    refused = _refused(session, tenant_id, [row.id for row, *_ in candidates])
    offers = []
    for row, person, others in candidates:
        # how common the name was when this person appeared (as one message at a time sees it)
        sharing = sum(1 for other in namesakes[person.name_key] if other <= person.id)
        local = _local_part(row.canonical)
        # A lookalike domain is still offered (a company's other TLD looks like one), but with
        # little confidence and the warning in the reasons; the profile warns about it too.
        imitation = imitation_of(session, row)
        for other in others:
            if (row.id, other) in refused:
                continue
            same_local = local in locals_of.get(other, ())
            confidence = 0.55 + (0.2 if same_local else 0.0) - (
                0.25 if sharing >= COMMON_NAME_PERSONS else 0.0)
            reasons = [f"same name '{person.display_name}' as a known person"]
            if imitation is not None:
                # a copied mailbox name on a lookalike domain is the fraud pattern
                confidence = 0.2
                reasons.append(f"but {row.registrable_domain} imitates "
                               f"{imitation.lookalike_of}: verify by phone before confirming")
            if same_local:
                reasons.append(f"same mailbox name '{local}'")
            if sharing >= COMMON_NAME_PERSONS:
                reasons.append(f"{sharing} people share this name in your contacts")
            offers.append(Offer(row.id, other, "same-name", round(confidence, 2),
                                tuple(reasons)))
    offer(session, offers, now)


def _worth_offering(row: Any, namesakes: list[int], locals_of: dict[int, set[str]]
                    ) -> list[int]:
    """The earliest MAX_SUGGESTIONS namesakes; past NAME_ALONE_LIMIT of them, only those whose
    mailbox name matches the address's."""
    if len(namesakes) <= NAME_ALONE_LIMIT:
        return namesakes[:MAX_SUGGESTIONS]
    local = _local_part(row.canonical)
    return [other for other in namesakes if local in locals_of.get(other, ())][:MAX_SUGGESTIONS]


def _local_part(canonical: str) -> str:
    """The mailbox name, cut at the first "@" (as ``_SAME_MAILBOX_NAMES`` cuts it in SQL)."""
    return canonical.partition("@")[0]


def _persons_by_name(session: Session, tenant_id: int, keys: set[str]
                     ) -> dict[str, list[int]]:
    found: dict[str, list[int]] = defaultdict(list)
    for part in chunks(sorted(keys)):
        for person, key in run_bound(session, _BY_NAME_KEY, {"tenant": tenant_id,
                                                             "keys": list(part)}):
            found[key].append(person)
    return found


def _local_parts(session: Session, tenant_id: int, persons: set[int]) -> dict[int, set[str]]:
    found: dict[int, set[str]] = defaultdict(set)
    for part in chunks(sorted(persons)):
        for person, canonical in run_bound(session, _CANONICALS_OF, {"tenant": tenant_id,
                                                                     "ids": list(part)}):
            found[person].add(_local_part(canonical))
    return found


def _same_mailbox_names(session: Session, tenant_id: int, pairs: list[tuple[Any, Any]]
                        ) -> list[tuple[int, str]]:
    """(person, canonical address) for each address, of a person named like one of ``pairs``'
    persons, whose local part is that of one of ``pairs``' addresses."""
    statement = _SAME_MAILBOX_NAMES[session.get_bind().dialect.name == "postgresql"]
    return [(person, canonical) for person, canonical in run_bound(session, statement, {
        "tenant": tenant_id, "keys": sorted({person.name_key for _, person in pairs}),
        "locals": sorted({_local_part(row.canonical) for row, _ in pairs})})]


def _refused(session: Session, tenant_id: int, address_ids: list[int]
             ) -> set[tuple[int, int]]:
    found: set[tuple[int, int]] = set()
    for part in chunks(sorted(set(address_ids))):
        found.update((address, person) for address, person in run_bound(
            session, _REFUSED, {"tenant": tenant_id, "ids": list(part)}))
    return found


# Built once: building a statement costs about as much as running it
_BY_NAME_KEY = tenant_bound(
    select(Person.id, Person.name_key)
    .where(of_tenant(Person.tenant_id),
           Person.name_key.in_(bindparam("keys", expanding=True)))
    .order_by(Person.id))
_CANONICALS_OF = tenant_bound(select(Address.person_id, Address.canonical).where(
    of_tenant(Address.tenant_id),
    Address.person_id.in_(bindparam("ids", expanding=True))))
_REFUSED = tenant_bound(select(LinkDecision.address_id, LinkDecision.person_id).where(
    of_tenant(LinkDecision.tenant_id),
    LinkDecision.address_id.in_(bindparam("ids", expanding=True)),
    LinkDecision.decision == "cannot-link"))


def _by_name_and_mailbox(local_part: Any) -> Any:
    return tenant_bound(
        select(Address.person_id, Address.canonical)
        .join(Person, (Person.id == Address.person_id) & of_tenant(Person.tenant_id))
        .where(of_tenant(Address.tenant_id),
               Person.name_key.in_(bindparam("keys", expanding=True)),
               local_part.in_(bindparam("locals", expanding=True))))


# {on PostgreSQL: ..., elsewhere (SQLite): ...}: the local part as each database cuts it
_SAME_MAILBOX_NAMES = {
    True: _by_name_and_mailbox(func.split_part(Address.canonical, "@", 1)),
    False: _by_name_and_mailbox(func.substr(
        Address.canonical, 1, func.instr(Address.canonical, "@") - 1))}
