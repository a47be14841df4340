"""The profile's first read: an address with its person, company, owner, the tenant's policy
and the address's newest message, in one round trip.

Plain rows of the columns the profile shows, not ORM objects: four ORM entities (63 columns)
cost the client more to build than the server to answer.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any

from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import Session

from mailmatrix.customers.models import Address, Company, Observation, Person, Tenant, User
from mailmatrix.customers.scoping import of_tenant, run_bound, tenant_bound


@dataclass(frozen=True)
class SenderAddress:
    id: int
    tenant_id: int
    canonical: str
    registrable_domain: str | None
    kind: str
    provider: str | None
    hosting: str | None
    count_in: int
    link_state: str | None
    person_id: int | None


@dataclass(frozen=True)
class SenderPerson:
    id: int
    display_name: str | None
    names: list[str] | None
    customer_type: str | None
    owner_user_id: int | None
    primary_address_id: int | None
    primary_raw: str | None
    primary_pinned: bool


@dataclass(frozen=True)
class SenderCompany:
    id: int
    tenant_id: int
    name: str
    customer_type: str | None
    customer_type_reason: str | None
    formal_channels: dict[str, Any] | None
    owner_user_id: int | None


@dataclass(frozen=True)
class SenderOwner:
    id: int
    display_name: str | None
    email: str


@dataclass(frozen=True)
class NewestMessage:
    """The newest message from the address (all None when there is none)."""

    id: int | None
    reply_to_address_id: int | None
    sender_display_name: str | None
    auth_result: str | None
    formal_kinds: list[str] | None


@dataclass(frozen=True)
class Sender:
    address: SenderAddress
    person: SenderPerson | None
    company: SenderCompany | None
    owner: SenderOwner | None
    newest: NewestMessage
    visibility_policy: str
    audit_views: bool


def read_sender(session: Session, tenant_id: int, canonical: str) -> Sender | None:
    found = run_bound(session, _SENDER, {"tenant": tenant_id, "canonical": canonical}).first()
    if found is None:
        return None
    parts = [part(*found[start:end]) if part is NewestMessage or found[start] is not None
             else None for part, start, end in _SLICES]
    return Sender(*parts, *found[_SLICES[-1][2]:])


def _newest_from_the_address(column: Any) -> Any:
    """A column of the newest message from the sender's address: one step back along the
    (tenant, sender, sent_at) index, the same step for every column of one statement. (An id
    to break ties would make it read and sort all of a sender's messages.)"""
    return (select(column)
            .where(of_tenant(Observation.tenant_id), Observation.sender_address_id == Address.id)
            .order_by(Observation.sent_at.desc()).limit(1).correlate(Address)
            .scalar_subquery())


def _columns(model: Any, part: type) -> list[Any]:
    return [getattr(model, item.name) for item in fields(part)]


_PARTS = ((SenderAddress, _columns(Address, SenderAddress)),
          (SenderPerson, _columns(Person, SenderPerson)),
          (SenderCompany, _columns(Company, SenderCompany)),
          (SenderOwner, _columns(User, SenderOwner)),
          (NewestMessage, [_newest_from_the_address(getattr(Observation, item.name))
                           for item in fields(NewestMessage)]))
# (part, first column, end) in the select's order; the tenant's policy columns follow
_SLICES: list[tuple[type, int, int]] = []
for _part, _selected in _PARTS:
    _start = _SLICES[-1][2] if _SLICES else 0
    _SLICES.append((_part, _start, _start + len(_selected)))

_SENDER = tenant_bound(
    select(*(column for _, selected in _PARTS for column in selected),
           Tenant.visibility_policy, Tenant.audit_views)
    .join(Tenant, Tenant.id == Address.tenant_id)
    .outerjoin(Person, (Person.id == Address.person_id) & of_tenant(Person.tenant_id))
    .outerjoin(Company, (Company.id == func.coalesce(Person.company_id, Address.company_id))
               & of_tenant(Company.tenant_id))
    .outerjoin(User, (User.id == func.coalesce(Person.owner_user_id, Company.owner_user_id))
               & of_tenant(User.tenant_id))
    .where(of_tenant(Address.tenant_id), Address.canonical == bindparam("canonical")))
