"""observe(): what messages teach the customer graph, in one short idempotent transaction.

Stores facts, never the body: who (external participants only), when, which way, the thread,
Reply-To, the receiving system's authentication verdict, the sender's UTC offset, whether it is
a formal matter, and where the facts came from. Then the linking rules run where a message
brings new evidence: a new address, a new display name, a Reply-To, a signature.

One message (the panel) and a batch of hundreds (ingest) take the same path. The messages are
read before the transaction starts; inside it every kind of row is read and written with a
few statements per batch, and rows are handled one at a time only where a rule needs them.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import (
    ARRAY,
    ColumnElement,
    String,
    any_,
    bindparam,
    null,
    select,
    union_all,
)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from mailmatrix.addresses.classify import AddressReport
from mailmatrix.addresses.hosting import MxHostsLookup
from mailmatrix.addresses.signature import SignatureFacts
from mailmatrix.auth.principal import Principal
from mailmatrix.customers import linking
from mailmatrix.customers.address_rows import (
    COMPANY_KINDS,
    AddressState,
    address_states,
    chunks,
    form_ids,
)
from mailmatrix.customers.authresults import DEFAULT_AUTHSERV_IDS, AuthVerdict, receiving_verdict
from mailmatrix.customers.bulk_insert import insert_rows
from mailmatrix.customers.counters import add_to_addresses, add_to_forms
from mailmatrix.customers.db import Database, stored_utc
from mailmatrix.customers.domain_joins import suggest_domain_joins
from mailmatrix.customers.facts import VERIFIED, MessageFacts
from mailmatrix.customers.first_sight import link_first_sight
from mailmatrix.customers.gdpr import suppression_hash, suppression_hashes
from mailmatrix.customers.message_read import ReadMessage, Seen, read_message, sender_signature
from mailmatrix.customers.models import (
    Address,
    Observation,
    Participant,
    Tenant,
    TenantDomain,
)
from mailmatrix.customers.scoping import of_tenant, row_of_tenant, run_bound, tenant_bound
from mailmatrix.customers.signature_evidence import signature_is_evidence
from mailmatrix.customers.summaries import update_customer_types, update_primaries
from mailmatrix.customers.upsert import insert_missing

# A signature is read from an address's messages (once per batch) until one carries evidence (a
# phone, or a name with a job title), then again after this long: reading one costs more than
# everything else a message needs, and a signature rarely changes.
SIGNATURE_REREAD = timedelta(days=30)


@dataclass(frozen=True)
class ObserveResult:
    observation_id: int
    created: bool  # False when the message had been observed before: nothing changed
    direction: str
    sender_address_id: int | None


def observe(database: Database, principal: Principal, facts: MessageFacts, *,
            authserv_ids: Iterable[str] = DEFAULT_AUTHSERV_IDS,
            mx_hosts: MxHostsLookup | None = None,
            now: datetime | None = None) -> ObserveResult:
    """One message, one short transaction (the panel's path).

    ``mx_hosts`` must answer at once (the app's cached MX lookup): hosting that is not known
    yet is filled in by a later observe of the same domain.
    """
    return observe_many(database, principal, [facts], authserv_ids=authserv_ids,
                        mx_hosts=mx_hosts, now=now)[0]


def observe_many(database: Database, principal: Principal,
                 messages: Sequence[MessageFacts | ReadMessage], *,
                 authserv_ids: Iterable[str] = DEFAULT_AUTHSERV_IDS,
                 mx_hosts: MxHostsLookup | None = None,
                 now: datetime | None = None) -> list[ObserveResult]:
    """Several messages in one transaction (ingest): the same facts as one observe() each.
    A message may come read already, with its hosting (ingest reads in another process)."""
    moment = now or datetime.now(UTC)
    read = [message if isinstance(message, ReadMessage) else read_message(message, mx_hosts)
            for message in messages]
    trusted = tuple(authserv_ids)

    def work() -> list[ObserveResult]:
        with database.session(principal.tenant_id) as session:
            return _Batch(session, principal, trusted, moment).observe(read)

    try:
        return database.retrying(work)
    except IntegrityError:
        # Another writer stored one of these messages first; now it is known, and skipped.
        return database.retrying(work)


@dataclass
class _Plan:
    """A message new to the store, and what the store adds to it."""

    message: ReadMessage
    direction: str
    external: list[Seen]
    verdict: AuthVerdict
    observation_id: int = 0
    sender: Seen | None = None  # the From address, when it is external
    reply_to: Seen | None = None


@dataclass
class _Touched:
    persons: set[int] = field(default_factory=set)  # counters changed: the primary may move
    reformed: set[int] = field(default_factory=set)  # an address got a new raw form
    linked: set[int] = field(default_factory=set)  # addresses joined or left: type may change
    companies: set[int] = field(default_factory=set)


class _Batch:
    def __init__(self, session: Session, principal: Principal, authserv_ids: tuple[str, ...],
                 now: datetime) -> None:
        self.session, self.principal, self.now = session, principal, now
        self.tenant_id = principal.tenant_id
        self.authserv_ids = authserv_ids
        self.states: dict[str, AddressState] = {}
        self.fresh: set[str] = set()  # canonical forms that got their person in this batch
        self.signatures_read: set[int] = set()
        self.signed: list[int] = []  # addresses a signature was read from in this batch
        self.touched = _Touched()
        self.suppression: tuple[str | None, frozenset[str]] = (None, frozenset())
        self.own: dict[str, bool] = {}  # canonical form -> the organization's own
        self.postgres = session.get_bind().dialect.name == "postgresql"

    def observe(self, messages: Sequence[ReadMessage]) -> list[ObserveResult]:
        known, unverified = self._known([message.key for message in messages])
        own, self.suppression = _tenant_context(self.session, self.principal)
        plans: dict[str, _Plan] = {}
        verifying: dict[str, _Plan] = {}
        order: list[tuple[str, bool]] = []  # (message key, first time this batch has it)
        for message in messages:
            first = message.key not in known and message.key not in plans
            if first:
                plans[message.key] = self._plan(message, own)
            elif message.key in unverified and message.facts.provenance == VERIFIED \
                    and message.key not in verifying:
                verifying[message.key] = self._plan(message, own)
                verifying[message.key].observation_id = known[message.key].observation_id
            order.append((message.key, first))
        if plans:
            self._store(list(plans.values()))
        if verifying:
            self._verify(list(verifying.values()))
        if plans or verifying:
            self._summaries()
        results = []
        for key, first in order:
            if key in known:
                results.append(known[key])
                continue
            plan = plans[key]
            sender = self.states[plan.sender.canonical].id if plan.sender else None
            results.append(ObserveResult(plan.observation_id, first, plan.direction, sender))
        return results

    def _plan(self, message: ReadMessage, own: set[str]) -> _Plan:
        sender = message.sender
        outgoing = sender is not None and self._is_own(sender, own)
        # An erased person's addresses are not learned again (until an admin lifts it)
        external = [item for item in message.seen
                    if not self._is_own(item, own) and item.canonical
                    and not self._suppressed(item.canonical)]
        verdict = receiving_verdict(message.facts.authentication_results,
                                    trusted_ids=self.authserv_ids, internal=not external)
        return _Plan(message, "out" if outgoing else "in", external, verdict,
                     sender=sender if sender in external else None,
                     reply_to=next((item for item in external if item.role == "reply-to"),
                                   None))

    def _is_own(self, item: Seen, own: set[str]) -> bool:
        """Whether the participant is the organization's own, once per address a batch: a
        mailbox's few correspondents come back in message after message."""
        found = self.own.get(item.canonical) if item.canonical else None
        if found is None:
            found = _is_own(item.report, own, self.principal)
            if item.canonical:  # an unreadable address is no key
                self.own[item.canonical] = found
        return found

    def _suppressed(self, canonical: str) -> bool:
        key, hashes = self.suppression
        return key is not None and suppression_hash(key, canonical) in hashes

    def _store(self, plans: list[_Plan]) -> None:
        session, tenant_id = self.session, self.tenant_id
        self.states = address_states(session, tenant_id, (
            item for plan in plans for item in plan.external), self.now)
        self._first_sight(plans)
        self._insert_observations(plans)
        self._count(plans)
        self._apply_rules(plans)

    def _verify(self, plans: list[_Plan]) -> None:
        """Messages first seen through the pane (client-supplied) and now fetched by the server:
        what only the server sees counts now (the receiving system's verdict, Reply-To, the
        sender's UTC offset). Counters were applied the first time."""
        session, tenant_id = self.session, self.tenant_id
        self.states.update(address_states(session, tenant_id, (
            item for plan in plans for item in (plan.sender, plan.reply_to) if item is not None),
            self.now))
        self._first_sight(plans)
        run_bound(session, _VERIFIED, [{
            "tenant": tenant_id, "row": plan.observation_id, "result": plan.verdict.result,
            "details": {**plan.verdict.methods, "reason": plan.verdict.reason},
            "offset": plan.message.utc_offset_minutes,
            "reply_to": self.states[plan.reply_to.canonical].id if plan.reply_to else None}
            for plan in plans])
        insert_missing(session, Participant, [
            {"tenant_id": tenant_id, "observation_id": plan.observation_id,
             "address_id": self.states[plan.reply_to.canonical].id, "role": "reply-to",
             "display_name": plan.reply_to.display_name or None}
            for plan in plans if plan.reply_to], key=("observation_id", "address_id", "role"))
        for plan in plans:
            self._names_and_reply_to(plan)

    def _summaries(self) -> None:
        session, tenant_id = self.session, self.tenant_id
        session.flush()
        if self.signed:
            run_bound(session, _SIGNATURE_READ, [
                {"tenant": tenant_id, "row": row, "at": self.now} for row in self.signed])
        suggest_domain_joins(session, self.touched.linked, self.now)
        changed = self.touched.linked | self.touched.reformed
        update_primaries(session, changed)
        update_primaries(session, self.touched.persons - changed)
        update_customer_types(session, self.touched.linked, self.touched.companies)

    def _first_sight(self, plans: list[_Plan]) -> None:
        names: dict[str, str] = {}  # the first display name each address came with
        for plan in plans:
            for item in plan.external:
                if not names.get(item.canonical):
                    names[item.canonical] = item.display_name
        waiting = [state for state in self.states.values()
                   if (state.kind != "role" and state.person_id is None) or (
                       state.kind in COMPANY_KINDS and state.company_id is None)]
        self.fresh = {state.canonical for state in waiting if state.person_id is None}
        persons, companies = link_first_sight(self.session, self.tenant_id, waiting, names,
                                              self.now, owner=self.principal.user_id)
        self.touched.linked |= persons
        self.touched.companies |= companies

    def _insert_observations(self, plans: list[_Plan]) -> None:
        rows = []
        for plan in plans:
            message, sender = plan.message, plan.sender
            rows.append({
                "tenant_id": self.tenant_id, "user_id": self.principal.user_id,
                "message_key": message.key, "sent_at": message.sent_at or self.now,
                "direction": plan.direction,
                "sender_address_id": self.states[sender.canonical].id if sender else None,
                "sender_display_name": (sender.display_name or None) if sender else None,
                "reply_to_address_id": (self.states[plan.reply_to.canonical].id
                                        if plan.reply_to else None),
                "thread_key": message.thread_key, "auth_result": plan.verdict.result,
                "auth_details": {**plan.verdict.methods, "reason": plan.verdict.reason},
                "utc_offset_minutes": message.utc_offset_minutes,
                "formal_matter": bool(message.formal_kinds),
                "formal_kinds": list(message.formal_kinds),
                "provenance": message.facts.provenance, "created_at": self.now})
        if len(rows) == 1 or self.postgres:
            # The ids come back with the insert (the panel's one message, and PostgreSQL)
            ids = dict(insert_rows(self.session, _OBSERVATIONS, rows,
                                   returning=("message_key", "id")))
        else:
            # A plain multi-row insert, then the ids by message key: RETURNING is row by row
            # on SQLite.
            insert_rows(self.session, _OBSERVATIONS, rows)
            ids = self._observation_ids([plan.message.key for plan in plans])
        participants = []
        for plan in plans:
            plan.observation_id = observation_id = ids[plan.message.key]
            named = {(self.states[item.canonical].id, item.role): item.display_name or None
                     for item in reversed(plan.external)}  # the first naming wins
            participants += [{"tenant_id": self.tenant_id, "observation_id": observation_id,
                              "address_id": address, "role": role, "display_name": name}
                             for (address, role), name in named.items()]
        insert_rows(self.session, _PARTICIPANTS, participants)  # none if all are internal

    def _count(self, plans: list[_Plan]) -> None:
        """Counters as SQL increments, so that concurrent writers add up. (Tallies are lists,
        widened in place: this loop runs for every participant of every message.)"""
        # address id -> [count in, count out, formal, first seen, last seen, last formal]
        tallies: dict[int, list[Any]] = {}
        form_tallies: dict[str, list[Any]] = {}  # raw form -> [count, first seen, last seen]
        forms: dict[str, tuple[int, str | None]] = {}  # raw form -> (address id, tag)
        form_owners: dict[str, int | None] = {}  # raw form -> the person of its address
        states, persons = self.states, self.touched.persons
        for plan in plans:
            sent_at, formal = plan.message.sent_at or self.now, bool(plan.message.formal_kinds)
            incoming = plan.direction == "in"
            for item in plan.external:
                state = states[item.canonical]
                tally = tallies.get(state.id)
                if tally is None:
                    tally = tallies[state.id] = [0, 0, 0, sent_at, sent_at, None]
                else:
                    _widen(tally, 3, sent_at)
                # What the user received from them, or sent them
                counted = item.role == "from" if incoming else item.role in ("to", "cc")
                if counted:
                    tally[0 if incoming else 1] += 1
                    if formal:
                        tally[2] += 1
                        if tally[5] is None or tally[5] < sent_at:
                            tally[5] = sent_at
                raw = item.raw
                form_tally = form_tallies.get(raw)
                if form_tally is None:
                    form_tallies[raw] = [1, sent_at, sent_at]
                    forms[raw] = (state.id, item.report.tag)
                else:
                    form_tally[0] += 1
                    _widen(form_tally, 1, sent_at)
                form_owners[raw] = state.person_id
                # More use of the primary's own raw form can only keep it the primary (the
                # panel's usual sender); use of another address or form may move it.
                if state.person_id is not None and state.primary != (state.id, raw):
                    persons.add(state.person_id)
        session, tenant_id = self.session, self.tenant_id
        if not tallies:
            return
        add_to_addresses(session, tenant_id, [
            {"tenant": tenant_id, "row": row, "n_in": n_in, "n_out": n_out,
             "n_formal": n_formal, "first": first, "last": last, "last_formal": last_formal}
            for row, (n_in, n_out, n_formal, first, last, last_formal) in tallies.items()])
        ids, new_forms = form_ids(session, tenant_id, forms, {
            raw: form for state in self.states.values() for raw, form in state.forms.items()})
        self.touched.reformed |= {person for raw in new_forms
                                  if (person := form_owners[raw]) is not None}
        add_to_forms(session, tenant_id, [
            {"tenant": tenant_id, "row": ids[raw], "n": n, "first": first, "last": last}
            for raw, (n, first, last) in form_tallies.items()])

    def _apply_rules(self, plans: list[_Plan]) -> None:
        """The rules that need single rows, only where a message brings new evidence: new
        display names and Reply-To per message; then the signatures of the batch at once."""
        signed: list[tuple[_Plan, SignatureFacts]] = []
        for plan in plans:
            self._names_and_reply_to(plan)
            signature = self._read_signature(plan)
            if signature is not None:
                signed.append((plan, signature))
        self.touched.linked |= linking.apply_signatures(self.session, [
            linking.SignedMessage(self.states[plan.sender.canonical].id,
                                  plan.sender.display_name, signature)
            for plan, signature in signed if plan.sender], self.now)
        for plan, signature in signed:
            sender = plan.sender
            assert sender is not None, "only messages with an external sender are read"
            state = self.states[sender.canonical]
            self._refresh(state)
            replying = plan.message.facts.in_reply_to or plan.message.facts.references
            thread = plan.message.thread_key if replying else None
            if signature.name and thread and sender.canonical in self.fresh:
                linking.apply_thread_signature(self.session, self._row(state), thread,
                                               plan.observation_id, signature, self.now)

    def _names_and_reply_to(self, plan: _Plan) -> None:
        session, now = self.session, self.now
        for item in plan.external:
            state = self.states[item.canonical]
            if item.display_name and state.person_id and item.display_name not in state.names:
                state.names.append(item.display_name)
                # A name changes no summary (primary, customer type, domains): none to redo
                linking.remember_name(session, self._row(state), item.display_name, now)
        sender = plan.sender
        if sender is not None and plan.reply_to is not None:
            self.touched.linked |= linking.apply_reply_to(
                session, self._row(self.states[sender.canonical]), sender.display_name,
                self._row(self.states[plan.reply_to.canonical]), plan.reply_to.display_name,
                now)
            self._refresh(self.states[plan.reply_to.canonical])

    def _read_signature(self, plan: _Plan) -> SignatureFacts | None:
        """The sender's signature, when one is due for the address (see SIGNATURE_REREAD)."""
        sender, body = plan.sender, plan.message.facts.body
        if sender is None or not body or plan.direction != "in":
            return None
        state = self.states[sender.canonical]
        if state.kind == "role" or not self._signature_due(state):
            return None
        self.signatures_read.add(state.id)
        signature = plan.message.signature  # read ahead by ingest's reading process
        if signature is None:
            signature = sender_signature(body, sender)
        if signature_is_evidence(signature):
            self.signed.append(state.id)
            state.signature_read_at = self.now
        return signature

    def _signature_due(self, state: AddressState) -> bool:
        if state.id in self.signatures_read:
            return False
        last = state.signature_read_at
        if last is None:
            return True
        return stored_utc(last) < self.now - SIGNATURE_REREAD

    def _row(self, state: AddressState) -> Address:
        row = self.session.get(Address, state.id)
        assert row is not None, "the batch read this row a moment ago"
        return row

    def _refresh(self, state: AddressState) -> None:
        """A rule may have moved the address to another person (rules work on ORM rows: one
        that was never loaded was not moved)."""
        row = self.session.identity_map.get(self.session.identity_key(Address, state.id))
        if row is not None and row.person_id != state.person_id:
            self.touched.linked |= {person for person in (row.person_id, state.person_id)
                                    if person is not None}
            state.person_id, state.link_rule = row.person_id, row.link_rule

    def _observation_ids(self, keys: list[str]) -> dict[str, int]:
        ids: dict[str, int] = {}
        for part in self._key_parts(keys):
            ids.update(run_bound(self.session, _OBSERVATION_IDS[self.postgres], {
                "tenant": self.tenant_id, "user": self.principal.user_id, "keys": part}).all())
        return ids

    def _key_parts(self, keys: list[str]) -> Iterator[Sequence[str]]:
        """Message keys a query at a time: one array on PostgreSQL (an IN list of hundreds
        costs the client more to send than the server to answer), IN lists on SQLite."""
        if self.postgres:
            yield keys
            return
        yield from chunks(keys)

    def _known(self, keys: list[str]) -> tuple[dict[str, ObserveResult], set[str]]:
        """The messages observed before (one query per few hundred), and which of them only
        from client-supplied facts."""
        known, unverified = {}, set()
        for part in self._key_parts(list(dict.fromkeys(keys))):
            for row in run_bound(self.session, _KNOWN[self.postgres], {
                    "tenant": self.tenant_id, "user": self.principal.user_id, "keys": part}):
                known[row.message_key] = ObserveResult(row.id, False, row.direction,
                                                       row.sender_address_id)
                if row.provenance != VERIFIED:
                    unverified.add(row.message_key)
        return known, unverified


def _widen(tally: list[Any], first: int, moment: datetime) -> None:
    """Widen the (first, last) pair at ``tally[first:first + 2]`` to take in ``moment``."""
    if moment < tally[first]:
        tally[first] = moment
    elif moment > tally[first + 1]:
        tally[first + 1] = moment


def _tenant_context(session: Session, principal: Principal
                    ) -> tuple[set[str], tuple[str | None, frozenset[str]]]:
    """The organization's own domains and its suppression list, in one round trip (the list
    is read only when something was ever erased)."""
    found = run_bound(session, _TENANT_CONTEXT, {"tenant": principal.tenant_id}).all()
    domains = {domain for domain, _ in found if domain}
    if principal.email and "@" in principal.email:
        domains.add(principal.email.rpartition("@")[2].lower())
    key = next((key for _, key in found if key), None)
    return domains, (key, suppression_hashes(session, principal.tenant_id) if key
                     else frozenset())


def _is_own(report: AddressReport, own: set[str], principal: Principal) -> bool:
    domain = (report.canonical or "").rpartition("@")[2]
    if report.canonical and report.canonical == principal.email.lower():
        return True
    return report.kind in ("corporate", "role") and (
        domain in own or (report.registrable_domain or "") in own)


_OBSERVATIONS = Observation.__table__
_PARTICIPANTS = Participant.__table__
_ADDRESSES = Address.__table__
_VERIFIED = tenant_bound(
    row_of_tenant(_OBSERVATIONS)
    .values(auth_result=bindparam("result"), auth_details=bindparam("details"),
            utc_offset_minutes=bindparam("offset"), reply_to_address_id=bindparam("reply_to"),
            provenance=VERIFIED)
)
_SIGNATURE_READ = tenant_bound(
    row_of_tenant(_ADDRESSES).values(signature_read_at=bindparam("at")))
# The tenant's own domains (one row each) and its suppression key (a row of its own)
_TENANT_CONTEXT = tenant_bound(union_all(
    select(TenantDomain.domain, null().label("suppression_key"))
    .where(of_tenant(TenantDomain.tenant_id)),
    select(null(), Tenant.suppression_key).where(Tenant.id == bindparam("tenant"))))


def _by_message_keys(*columns: Any) -> dict[bool, Any]:
    """A select of observations of one user by message keys: {on PostgreSQL: by an array,
    elsewhere: by an IN list}."""
    def build(keys: ColumnElement[bool]) -> Any:
        return tenant_bound(select(*columns).where(
            of_tenant(_OBSERVATIONS.c.tenant_id),
            _OBSERVATIONS.c.user_id == bindparam("user"), keys))
    return {True: build(_OBSERVATIONS.c.message_key == any_(
                bindparam("keys", type_=ARRAY(String)))),
            False: build(_OBSERVATIONS.c.message_key.in_(bindparam("keys", expanding=True)))}


_KNOWN = _by_message_keys(_OBSERVATIONS.c.message_key, _OBSERVATIONS.c.id,
                          _OBSERVATIONS.c.direction, _OBSERVATIONS.c.sender_address_id,
                          _OBSERVATIONS.c.provenance)
_OBSERVATION_IDS = _by_message_keys(_OBSERVATIONS.c.message_key, _OBSERVATIONS.c.id)
