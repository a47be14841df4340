"""profile(): everything the panel shows about one sender, for any address (known or not)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import JSON, bindparam, cast, null, select, union_all
from sqlalchemy.orm import Session

from mailmatrix.addresses.classify import AddressReport, classify_address
from mailmatrix.addresses.display_names import claimed_domain, visible_text
from mailmatrix.auth.principal import Principal
from mailmatrix.customers.access import PROTECTIVE_WARNINGS, sees_fully
from mailmatrix.customers.audit import record_change
from mailmatrix.customers.db import Database, iso_utc
from mailmatrix.customers.errors import NotFound
from mailmatrix.customers.lookalikes import customer_domain_index
from mailmatrix.customers.models import (
    Address,
    AddressForm,
    CompanyDomain,
    DomainSuggestion,
    Observation,
    Participant,
    Person,
    Suggestion,
)
from mailmatrix.customers.notes import NoteView, notes_about
from mailmatrix.customers.primary import (
    english_reason,
    is_candidate,
    preferred_form,
    primary_reasons,
)
from mailmatrix.customers.scoping import of_tenant, run_bound, tenant_bound
from mailmatrix.customers.sender_row import (
    NewestMessage,
    Sender,
    SenderAddress,
    SenderCompany,
    SenderOwner,
    SenderPerson,
    read_sender,
)
from mailmatrix.plain_data import as_plain


@dataclass(frozen=True)
class AddressView:
    address: str  # the raw form most used (what to type in To)
    canonical: str
    kind: str
    provider: str | None
    hosting: str | None
    label: str | None
    primary: bool
    link_state: str | None
    first_seen: str | None
    last_seen: str | None
    tags: tuple[str, ...] = ()


@dataclass(frozen=True)
class Warning:
    kind: str  # lookalike | name-reuse | reply-to | dmarc | bank-details | display-name
    message: str  # in English, for the command line; the panel words it from kind + params
    severity: str = "high"  # high | medium
    params: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Profile:
    query: str
    classification: dict[str, object]
    known: bool
    person: dict[str, object] | None = None
    company: dict[str, object] | None = None
    addresses: tuple[AddressView, ...] = ()
    primary: dict[str, Any] | None = None
    suggestions: tuple[dict[str, object], ...] = ()
    warnings: tuple[Warning, ...] = ()
    last_exchange: dict[str, str | None] = field(default_factory=dict)  # "in"/"out" -> ISO
    last_out_matters: tuple[str, ...] = ()  # formal matters of the last message to them
    their_utc_offset_minutes: int | None = None  # from the Date of their last message
    notes: tuple[NoteView, ...] = ()
    restricted: bool = False  # a colleague's customer under the owner policy: protective facts

    def as_dict(self) -> dict[str, object]:
        return as_plain(self)


def profile(database: Database, principal: Principal, address_text: str) -> Profile:
    report = classify_address(address_text)
    if not report.valid:
        return Profile(address_text, report.as_dict(), False)
    with database.reading(principal.tenant_id) as session:
        found = read_sender(session, principal.tenant_id, report.canonical)
        warnings = list(_lookalike_warnings(session, principal, report))
        if found is None:
            return Profile(address_text, report.as_dict(), False, warnings=tuple(warnings))
        row, person, company = found.address, found.person, found.company
        warnings += _message_warnings(session, row, found.newest)
        if not sees_fully(session, principal, found.visibility_policy, person, company):
            found_profile = _restricted(address_text, report, found, warnings)
        else:
            found_profile = _full(session, principal, address_text, report, found, warnings)
    if found.audit_views:
        _record_view(database, principal, row.id, row.person_id)
    return found_profile


def profile_of_person(database: Database, principal: Principal, person_id: int) -> Profile:
    """A person's profile, read through their primary address (else their newest one)."""
    with database.reading(principal.tenant_id) as session:
        found = session.execute(
            select(Person.primary_raw, Address.canonical)
            .outerjoin(Address, (Address.person_id == Person.id) &
                       (Address.tenant_id == Person.tenant_id))
            .where(Person.tenant_id == principal.tenant_id, Person.id == person_id)
            .order_by(Address.last_seen.desc()).limit(1)).first()
    if found is None or not (found[0] or found[1]):
        raise NotFound(f"no person {person_id}")
    return profile(database, principal, found[0] or found[1])


def _full(session: Session, principal: Principal, address_text: str, report: AddressReport,
          found: Sender, warnings: list[Warning]) -> Profile:
    row, person, company = found.address, found.person, found.company
    rows, forms = _person_addresses(session, row, person)
    warnings = warnings + _name_reuse_warnings(session, row, person)
    last = run_bound(session, _LAST_EXCHANGE, {"tenant": row.tenant_id,
                                               "ids": [item.id for item in rows]}).one()
    return Profile(
        query=address_text,
        classification=report.as_dict(),
        known=True,
        person=_person_dict(person, found.owner),
        company=_company_dict(session, company),
        addresses=tuple(_address_view(item, forms[item.id], person) for item in rows),
        primary=_primary(person, rows),
        suggestions=tuple(_suggestions(session, row, person)),
        warnings=tuple(warnings),
        last_exchange={"in": iso_utc(last.last_in), "out": iso_utc(last.last_out)},
        last_out_matters=tuple(last.out_matters or ()) if last.last_out else (),
        their_utc_offset_minutes=last.their_offset,
        notes=notes_about(session, principal, person.id if person else None,
                          company.id if company else None),
    )


def _restricted(address_text: str, report: AddressReport, found: Sender,
                warnings: list[Warning]) -> Profile:
    """A colleague's customer: that it is known, whose it is, and what protects money; not
    notes, labels, history or their other addresses."""
    row, person, company = found.address, found.person, found.company
    shown = AddressView(address=address_text, canonical=row.canonical, kind=row.kind,
                        provider=row.provider, hosting=row.hosting, label=None, primary=False,
                        link_state=None, first_seen=None, last_seen=None)
    return Profile(
        query=address_text, classification=report.as_dict(), known=True,
        person=_person_dict(person, found.owner) | {"customer_type": None} if person else None,
        company={"id": company.id, "name": company.name, "domains": [], "customer_type": None,
                 "customer_type_reason": None, "formal_channels": {},
                 "domain_suggestions": []} if company else None,
        addresses=(shown,),
        warnings=tuple(w for w in warnings if w.kind in PROTECTIVE_WARNINGS),
        restricted=True)


def _record_view(database: Database, principal: Principal, address_id: int,
                 person_id: int | None) -> None:
    """The tenant logs who looked at which customer."""
    with database.session(principal.tenant_id) as session:
        record_change(session, principal, "view", "address", address_id, {},
                      {"person_id": person_id})


def _primary(person: SenderPerson | None, rows: list[Any]) -> dict[str, Any] | None:
    """The primary for formal matters and why, told from the addresses' live counts:
    ``reason`` in English, ``reasons`` as (name, values) pairs for a UI to word."""
    if person is None or not person.primary_raw:
        return None
    if person.primary_pinned:
        reasons: list[tuple[str, dict[str, str]]] = [("pinned", {})]
    else:
        candidates = [row for row in rows if is_candidate(row)]
        best = next((row for row in candidates if row.id == person.primary_address_id), None)
        reasons = primary_reasons(best, candidates) if best is not None else []
    return {"address": person.primary_raw, "pinned": bool(person.primary_pinned),
            "reason": "; ".join(english_reason(name, values) for name, values in reasons),
            "reasons": [{"name": name, "values": values} for name, values in reasons]}


@dataclass(frozen=True)
class _Form:
    raw: str
    tag: str | None
    count: int


def _person_addresses(session: Session, row: SenderAddress, person: SenderPerson | None
                      ) -> tuple[list[Any], dict[int, list[_Form]]]:
    """The person's addresses (rows of _ADDRESSES_AND_FORMS), newest first, and the raw
    forms of each (the address alone when it has no person)."""
    rows: dict[int, Any] = {}
    forms: dict[int, list[_Form]] = {}
    for found in run_bound(session, _ADDRESSES_AND_FORMS, {
            "tenant": row.tenant_id, "address": row.id,
            "person": person.id if person else None}):
        rows.setdefault(found.id, found)
        held = forms.setdefault(found.id, [])
        if found.form_raw is not None:
            held.append(_Form(found.form_raw, found.form_tag, found.form_count))
    return list(rows.values()), forms


def _address_view(row: Any, forms: list[_Form], person: SenderPerson | None) -> AddressView:
    return AddressView(
        address=preferred_form(row, forms), canonical=row.canonical, kind=row.kind,
        provider=row.provider, hosting=row.hosting, label=row.label,
        primary=bool(person and person.primary_address_id == row.id),
        link_state=row.link_state, first_seen=iso_utc(row.first_seen),
        last_seen=iso_utc(row.last_seen),
        tags=tuple(sorted({form.tag for form in forms if form.tag})))


def _person_dict(person: SenderPerson | None, owner: SenderOwner | None
                 ) -> dict[str, object] | None:
    if person is None:
        return None
    return {"id": person.id, "name": person.display_name, "names": list(person.names or []),
            "customer_type": person.customer_type, "owner_user_id": person.owner_user_id,
            "owner": (owner.display_name or owner.email) if owner else None}


def _company_dict(session: Session, company: SenderCompany | None) -> dict[str, object] | None:
    if company is None:
        return None
    rows = run_bound(session, _COMPANY_DOMAINS, {"tenant": company.tenant_id,
                                                 "company": company.id}).all()
    return {"id": company.id, "name": company.name,
            "domains": sorted(domain for domain, reasons in rows if reasons is None),
            "customer_type": company.customer_type,
            "customer_type_reason": company.customer_type_reason,
            "formal_channels": dict(company.formal_channels or {}),
            "domain_suggestions": [{"domain": domain, "reasons": list(reasons)}
                                   for domain, reasons in rows if reasons is not None]}


def _suggestions(session: Session, row: SenderAddress, person: SenderPerson | None
                 ) -> list[dict[str, object]]:
    """Open suggestions about this address, or towards its person."""
    found = run_bound(session, _SUGGESTIONS, {"tenant": row.tenant_id, "address": row.id,
                                              "person": person.id if person else None})
    return [{"address": item.canonical, "person_id": item.person_id, "rule": item.rule,
             "confidence": item.confidence, "reasons": list(item.reasons or [])}
            for item in found]


def _lookalike_warnings(session: Session, principal: Principal, report: AddressReport
                        ) -> list[Warning]:
    domain = report.registrable_domain
    if not domain or report.kind not in ("corporate", "role"):
        return []
    match = customer_domain_index(session, principal.tenant_id).check(domain)
    if match is None:  # also None for the customers' own domains: they are in the index
        return []
    return [Warning("lookalike", f"{domain} imitates {match.lookalike_of} ({match.technique}): "
                    "verify by phone before acting on anything it asks.",
                    params={"domain": domain, "customer": match.lookalike_of})]


def _message_warnings(session: Session, row: SenderAddress, last: NewestMessage
                      ) -> list[Warning]:
    if last.id is None:
        return []
    warnings = []
    if last.reply_to_address_id and last.reply_to_address_id != row.id:
        reply_to = session.get(Address, last.reply_to_address_id)
        target = reply_to.canonical if reply_to else "another address"
        warnings.append(Warning("reply-to", f"Replies go to {target}, not to {row.canonical}.",
                                params={"target": target, "address": row.canonical}))
    claimed = claimed_domain(last.sender_display_name or "", row.registrable_domain)
    if claimed:
        name = visible_text(last.sender_display_name or "")
        warnings.append(Warning("display-name", f"The name shown, \"{name}\", names "
                                f"{claimed}, but the mail comes from {row.canonical}.",
                                params={"name": name, "claimed": claimed,
                                        "address": row.canonical}))
    if last.auth_result == "fail":
        warnings.append(Warning("dmarc", "The receiving mail system could not verify this "
                                "sender (authentication failed)."))
    if "bank details" in (last.formal_kinds or []) and (row.count_in <= 1 or
                                                        row.link_state != "confirmed"):
        warnings.append(Warning("bank-details", "Bank details from an address not yet "
                                "confirmed: verify by phone before paying."))
    return warnings


def _name_reuse_warnings(session: Session, row: SenderAddress, person: SenderPerson | None
                         ) -> list[Warning]:
    if row.kind == "corporate" or person is None or row.link_state == "confirmed":
        return []
    for suggestion in session.scalars(select(Suggestion).where(
            Suggestion.tenant_id == row.tenant_id, Suggestion.address_id == row.id,
            Suggestion.state == "open")):
        corporate = session.scalars(select(Address).where(
            Address.tenant_id == row.tenant_id, Address.person_id == suggestion.person_id,
            Address.kind == "corporate")).first()
        if corporate is not None:
            return [Warning("name-reuse", f"A new {row.kind} address uses the name of "
                            f"{person.display_name}, known from {corporate.canonical}.",
                            "medium", {"kind": row.kind, "name": person.display_name,
                                       "known": corporate.canonical})]
    return []


# The statements, built once: building them per call cost about as much as running them.
def _newest_in(column: Any) -> Any:
    """A column of the newest message from any of the given addresses."""
    return (select(column).where(
        of_tenant(Observation.tenant_id), Observation.direction == "in",
        Observation.sender_address_id.in_(bindparam("ids", expanding=True)))
        .order_by(Observation.sent_at.desc()).limit(1).scalar_subquery())


def _newest_out(column: Any) -> Any:
    """A column of the newest message to any of the given addresses."""
    return (select(column).join(Participant, Participant.observation_id == Observation.id)
            .where(of_tenant(Observation.tenant_id), of_tenant(Participant.tenant_id),
                   Observation.direction == "out",
                   Participant.address_id.in_(bindparam("ids", expanding=True)))
            .order_by(Observation.sent_at.desc()).limit(1).scalar_subquery())


# The newest message from the person and to them, in one round trip
_LAST_EXCHANGE = tenant_bound(select(
    _newest_in(Observation.sent_at).label("last_in"),
    _newest_in(Observation.utc_offset_minutes).label("their_offset"),
    _newest_out(Observation.sent_at).label("last_out"),
    _newest_out(Observation.formal_kinds).label("out_matters")))
# Plain rows of the columns shown: an ORM object costs more to make than the row costs to
# fetch. One row per raw form (or one without a form).
_ADDRESSES_AND_FORMS = tenant_bound(
    select(Address.id, Address.canonical, Address.kind, Address.provider, Address.hosting,
           Address.label, Address.link_state, Address.first_seen, Address.last_seen,
           Address.formal_count, AddressForm.raw.label("form_raw"),
           AddressForm.tag.label("form_tag"), AddressForm.count.label("form_count"))
    .outerjoin(AddressForm, (AddressForm.address_id == Address.id)
               & of_tenant(AddressForm.tenant_id))
    .where(of_tenant(Address.tenant_id),
           (Address.person_id == bindparam("person")) | (Address.id == bindparam("address")))
    .order_by(Address.last_seen.desc(), Address.id))
# A company's domains and the domains suggested to join it, in one round trip
_COMPANY_DOMAINS = tenant_bound(union_all(
    select(CompanyDomain.domain, cast(null(), JSON).label("reasons")).where(
        of_tenant(CompanyDomain.tenant_id), CompanyDomain.company_id == bindparam("company")),
    select(DomainSuggestion.domain, DomainSuggestion.reasons).where(
        of_tenant(DomainSuggestion.tenant_id),
        DomainSuggestion.company_id == bindparam("company"), DomainSuggestion.state == "open")))
# The suggested address is looked up per suggestion, not joined: for a join with the few
# suggestions found, PostgreSQL's generic plan merge-joins along the addresses' primary key,
# which first walks past every address of the tenants created before this one (a profile in
# a fourth tenant of 1M addresses took 18 ms instead of 2).
_SUGGESTIONS = tenant_bound(select(
    select(Address.canonical).where(of_tenant(Address.tenant_id),
                                    Address.id == Suggestion.address_id
                                    ).scalar_subquery().label("canonical"),
    Suggestion.person_id, Suggestion.rule, Suggestion.confidence, Suggestion.reasons).where(
    of_tenant(Suggestion.tenant_id), Suggestion.state == "open",
    (Suggestion.address_id == bindparam("address"))
    | (Suggestion.person_id == bindparam("person"))))
