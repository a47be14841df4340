"""The primary address for formal matters: corporate beats regional beats personal beats
disposable; then use for formal matters and recency; a user's pin always wins. It names a raw
form actually seen, and says why.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from mailmatrix.customers.models import Address, AddressForm, Person

# An encrypted mailbox is a private one: for formal matters it ranks with personal mail.
KIND_RANK = {"corporate": 4, "regional": 3, "personal": 2, "encrypted": 2, "platform": 1,
             "disposable": 0, "role": -1}


def choose_primary(session: Session, person_id: int) -> None:
    person = session.get(Person, person_id)
    if person is None or person.primary_pinned:
        return
    tenant_id = session.info["tenant_id"]
    addresses = session.scalars(select(Address).where(Address.tenant_id == tenant_id,
                                                      Address.person_id == person_id)).all()
    candidates = [row for row in addresses if KIND_RANK.get(row.kind, 0) >= 0]
    if not candidates:
        return
    best = max(candidates, key=_rank)
    if len(candidates) == 1 and person.primary_address_id == best.id and \
            not best.formal_count and person.primary_raw:
        return  # nothing to choose between, and the reason cannot have changed
    person.primary_address_id = best.id
    person.primary_raw = _most_used_form(session, best)
    person.primary_reason = _reason(best, candidates)


def _rank(row: Address) -> tuple[int, int, str]:
    last = row.last_seen.isoformat() if row.last_seen else ""
    return (KIND_RANK.get(row.kind, 0), row.formal_count, last)


def _most_used_form(session: Session, row: Address) -> str:
    forms = session.scalars(select(AddressForm).where(AddressForm.tenant_id == row.tenant_id,
                                                      AddressForm.address_id == row.id)).all()
    return preferred_form(row, forms)


def preferred_form(row: Address, forms: Sequence[AddressForm]) -> str:
    """The raw form to show and to write to: the plain form the customer uses most, not a
    "+platform" registration variant; the canonical form when none was recorded."""
    if not forms:
        return row.canonical
    return max(forms, key=lambda form: (form.tag is None, form.count)).raw


def _reason(best: Address, candidates: list[Address]) -> str:
    parts = [f"{best.kind} address"]
    if best.kind == "corporate" and any(row.kind != "corporate" for row in candidates):
        parts[0] = "corporate domain"
    if best.formal_count:
        parts.append(f"used for {best.formal_count} formal-matter "
                     f"message{'s' if best.formal_count != 1 else ''}")
    if len(candidates) > 1 and best.last_seen:
        parts.append(f"last seen {best.last_seen:%Y-%m-%d}")
    return "; ".join(parts)
