"""The customer graph's tables (SQLAlchemy 2 declarative). Every row belongs to one tenant.

Ownership and visibility columns exist from the first migration so that the teams issue can
switch policies on without rewriting rows. Message bodies are never stored; observations keep
facts only.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

# Stable constraint names: the same migration creates the same schema on SQLite and PostgreSQL.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


MAX_ROW_ID = 2**31 - 1  # ids are PostgreSQL integers: anything larger names no row


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class TenantScoped:
    """Mixin: rows of this table belong to one tenant and are only ever read per tenant."""

    # No index of its own: every index of a tenant table leads with tenant_id instead, so the
    # planner never scans a whole tenant to find one person's addresses.
    tenant_id: Mapped[int] = mapped_column(ForeignKey("tenants.id"))


class Tenant(Base):
    __tablename__ = "tenants"
    __table_args__ = (UniqueConstraint("identity_kind", "identity_key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # "entra" (tid), "microsoft-personal" (oid), "workspace" (hd), "google-consumer" (sub),
    # "local" (demo and command line)
    identity_kind: Mapped[str] = mapped_column(String(32))
    identity_key: Mapped[str] = mapped_column(String(255))
    name: Mapped[str] = mapped_column(String(255), default="")
    visibility_policy: Mapped[str] = mapped_column(String(16), default="team")  # team | owner
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    audit_views: Mapped[bool] = mapped_column(Boolean, default=False)  # log profile views
    retention_months: Mapped[int | None] = mapped_column(Integer)  # None: keep observations
    # The key of the suppression list's hashes: erased addresses are kept only as HMACs
    suppression_key: Mapped[str | None] = mapped_column(String(64))


class TenantDomain(TenantScoped, Base):
    """A domain of the tenant's own organization: its people are not customers."""

    __tablename__ = "tenant_domains"
    __table_args__ = (UniqueConstraint("tenant_id", "domain"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    domain: Mapped[str] = mapped_column(String(255))
    source: Mapped[str] = mapped_column(String(16))  # configured | learned


class User(TenantScoped, Base):
    __tablename__ = "users"
    __table_args__ = (UniqueConstraint("tenant_id", "external_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    external_id: Mapped[str] = mapped_column(String(255))  # Entra oid, Google sub, local email
    email: Mapped[str] = mapped_column(String(320), default="")
    display_name: Mapped[str] = mapped_column(String(255), default="")
    role: Mapped[str] = mapped_column(String(16), default="member")  # admin | member
    locale: Mapped[str] = mapped_column(String(16), default="en")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class Company(TenantScoped, Base):
    __tablename__ = "companies"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(255), default="")
    customer_type: Mapped[str | None] = mapped_column(String(32))
    customer_type_reason: Mapped[str | None] = mapped_column(Text)
    # {"purchase order": "purchasing@acme.de", "invoice": "accounts@acme.de"}
    formal_channels: Mapped[dict] = mapped_column(JSON, default=dict)
    owner_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    visibility: Mapped[str] = mapped_column(String(16), default="team")  # team | owner
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class CompanyDomain(TenantScoped, Base):
    __tablename__ = "company_domains"
    __table_args__ = (UniqueConstraint("tenant_id", "domain"),
                      Index("ix_company_domains_company", "tenant_id", "company_id"),
                      # the newest domain of a tenant, read on every profile (lookalike cache)
                      Index("ix_company_domains_newest", "tenant_id", "id"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id"))
    domain: Mapped[str] = mapped_column(String(255))  # registrable domain


class Person(TenantScoped, Base):
    __tablename__ = "persons"
    __table_args__ = (Index("ix_persons_name_key", "tenant_id", "name_key"),
                      Index("ix_persons_company", "tenant_id", "company_id"),
                      Index("ix_persons_signature", "tenant_id", "signature_key"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    company_id: Mapped[int | None] = mapped_column(ForeignKey("companies.id"))
    display_name: Mapped[str] = mapped_column(String(255), default="")
    names: Mapped[list] = mapped_column(JSON, default=list)  # every display name seen
    name_key: Mapped[str] = mapped_column(String(255), default="")  # folded name
    # folded name + job title as signed ("li wei|purchasing manager"): linking evidence
    signature_key: Mapped[str | None] = mapped_column(String(400))
    primary_address_id: Mapped[int | None] = mapped_column(
        ForeignKey("addresses.id", use_alter=True))
    primary_raw: Mapped[str | None] = mapped_column(String(320))  # a raw form actually seen
    primary_pinned: Mapped[bool] = mapped_column(Boolean, default=False)
    customer_type: Mapped[str | None] = mapped_column(String(32))
    customer_type_reason: Mapped[str | None] = mapped_column(Text)
    owner_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    visibility: Mapped[str] = mapped_column(String(16), default="team")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class PersonPhone(TenantScoped, Base):
    """A phone number (E.164) from a person's signature: strong linking evidence."""

    __tablename__ = "person_phones"
    __table_args__ = (UniqueConstraint("tenant_id", "e164", "person_id"),
                      Index("ix_person_phones_person", "tenant_id", "person_id"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id"))
    e164: Mapped[str] = mapped_column(String(20))
    kind: Mapped[str] = mapped_column(String(16), default="unknown")  # mobile | fixed | unknown
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class Address(TenantScoped, Base):
    __tablename__ = "addresses"
    __table_args__ = (UniqueConstraint("tenant_id", "canonical"),
                      Index("ix_addresses_person", "tenant_id", "person_id"),
                      Index("ix_addresses_company", "tenant_id", "company_id"),
                      Index("ix_addresses_domain", "tenant_id", "registrable_domain"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    canonical: Mapped[str] = mapped_column(String(320))
    registrable_domain: Mapped[str | None] = mapped_column(String(255))
    kind: Mapped[str] = mapped_column(String(16))
    provider: Mapped[str | None] = mapped_column(String(64))
    region: Mapped[str | None] = mapped_column(String(8))
    role: Mapped[str | None] = mapped_column(String(32))
    hosting: Mapped[str | None] = mapped_column(String(64))
    person_id: Mapped[int | None] = mapped_column(ForeignKey("persons.id"))
    company_id: Mapped[int | None] = mapped_column(ForeignKey("companies.id"))
    link_state: Mapped[str | None] = mapped_column(String(16))  # auto | confirmed
    link_rule: Mapped[str | None] = mapped_column(String(64))
    label: Mapped[str | None] = mapped_column(String(120))
    first_seen: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_seen: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    count_in: Mapped[int] = mapped_column(Integer, default=0)
    count_out: Mapped[int] = mapped_column(Integer, default=0)
    formal_count: Mapped[int] = mapped_column(Integer, default=0)
    last_formal: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # When a signature was last read from its messages: read again only after a while
    signature_read_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class AddressForm(TenantScoped, Base):
    """A raw form of an address as seen in a header: the primary names one of these."""

    __tablename__ = "address_forms"
    __table_args__ = (UniqueConstraint("tenant_id", "raw"),
                      Index("ix_address_forms_address", "tenant_id", "address_id"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    address_id: Mapped[int] = mapped_column(ForeignKey("addresses.id"))
    raw: Mapped[str] = mapped_column(String(320))
    tag: Mapped[str | None] = mapped_column(String(120))  # "+alibaba": what it was made for
    first_seen: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_seen: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    count: Mapped[int] = mapped_column(Integer, default=0)


class Observation(TenantScoped, Base):
    """What one message taught us. Facts only: no body, no subject text."""

    __tablename__ = "observations"
    __table_args__ = (UniqueConstraint("tenant_id", "user_id", "message_key"),
                      Index("ix_observations_sender", "tenant_id", "sender_address_id",
                            "sent_at"),
                      Index("ix_observations_thread", "tenant_id", "thread_key"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    message_key: Mapped[str] = mapped_column(String(255))  # Message-ID, or a stable hash
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    direction: Mapped[str] = mapped_column(String(8))  # in | out
    sender_address_id: Mapped[int | None] = mapped_column(ForeignKey("addresses.id"))
    sender_display_name: Mapped[str | None] = mapped_column(String(255))
    reply_to_address_id: Mapped[int | None] = mapped_column(ForeignKey("addresses.id"))
    thread_key: Mapped[str | None] = mapped_column(String(255))
    auth_result: Mapped[str | None] = mapped_column(String(16))  # pass|fail|none|internal
    auth_details: Mapped[dict] = mapped_column(JSON, default=dict)  # {"dmarc": "fail", ...}
    utc_offset_minutes: Mapped[int | None] = mapped_column(Integer)
    formal_matter: Mapped[bool] = mapped_column(Boolean, default=False)
    formal_kinds: Mapped[list] = mapped_column(JSON, default=list)
    provenance: Mapped[str] = mapped_column(String(16))  # client-supplied | verified
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class Participant(TenantScoped, Base):
    __tablename__ = "participants"
    __table_args__ = (UniqueConstraint("observation_id", "address_id", "role"),
                      Index("ix_participants_address", "tenant_id", "address_id"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    observation_id: Mapped[int] = mapped_column(ForeignKey("observations.id"))
    address_id: Mapped[int] = mapped_column(ForeignKey("addresses.id"))
    role: Mapped[str] = mapped_column(String(8))  # from | sender | reply-to | to | cc
    display_name: Mapped[str | None] = mapped_column(String(255))


class LinkDecision(TenantScoped, Base):
    """Append-only log of user decisions: must-link / cannot-link, never overridden by rules."""

    __tablename__ = "link_decisions"
    __table_args__ = (Index("ix_link_decisions_address", "tenant_id", "address_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    address_id: Mapped[int] = mapped_column(ForeignKey("addresses.id"))
    person_id: Mapped[int | None] = mapped_column(ForeignKey("persons.id"))
    decision: Mapped[str] = mapped_column(String(16))  # must-link | cannot-link | unlink
    reason: Mapped[str] = mapped_column(Text, default="")
    undoes_id: Mapped[int | None] = mapped_column(ForeignKey("link_decisions.id"))
    before: Mapped[dict] = mapped_column(JSON, default=dict)  # state restored by an undo
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class Suggestion(TenantScoped, Base):
    """A rule's claim "this address is probably that person", waiting for the user."""

    __tablename__ = "suggestions"
    __table_args__ = (UniqueConstraint("tenant_id", "address_id", "person_id"),
                      Index("ix_suggestions_person", "tenant_id", "person_id"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    address_id: Mapped[int] = mapped_column(ForeignKey("addresses.id"))
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id"))
    rule: Mapped[str] = mapped_column(String(64))
    confidence: Mapped[float]
    reasons: Mapped[list] = mapped_column(JSON, default=list)
    state: Mapped[str] = mapped_column(String(16), default="open")  # open | accepted | rejected
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class DomainSuggestion(TenantScoped, Base):
    """A rule's claim "this domain belongs to that company too", waiting for the user."""

    __tablename__ = "domain_suggestions"
    __table_args__ = (UniqueConstraint("tenant_id", "domain", "company_id"),
                      Index("ix_domain_suggestions_company", "tenant_id", "company_id"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    domain: Mapped[str] = mapped_column(String(255))  # registrable domain
    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id"))
    reasons: Mapped[list] = mapped_column(JSON, default=list)
    state: Mapped[str] = mapped_column(String(16), default="open")  # open | accepted | rejected
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class Note(TenantScoped, Base):
    """A user's note on a person or a company: plain text, private to its author or visible to
    the team."""

    __tablename__ = "notes"
    __table_args__ = (Index("ix_notes_person", "tenant_id", "person_id"),
                      Index("ix_notes_company", "tenant_id", "company_id"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("persons.id"))
    company_id: Mapped[int | None] = mapped_column(ForeignKey("companies.id"))
    author_user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    visibility: Mapped[str] = mapped_column(String(16), default="team")  # team | private
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class Share(TenantScoped, Base):
    """A customer (person) an owner shared with a colleague, under the ``owner`` policy."""

    __tablename__ = "shares"
    __table_args__ = (UniqueConstraint("tenant_id", "person_id", "user_id"),
                      Index("ix_shares_user", "tenant_id", "user_id"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class Suppression(TenantScoped, Base):
    """An erased address, never learned again until an admin lifts it: only a keyed hash of
    its canonical form is kept, so the list itself holds no personal data in clear."""

    __tablename__ = "suppressions"
    __table_args__ = (UniqueConstraint("tenant_id", "address_hash"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    address_hash: Mapped[str] = mapped_column(String(64))
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class AuditEvent(TenantScoped, Base):
    __tablename__ = "audit_events"
    __table_args__ = (Index("ix_audit_events_time", "tenant_id", "created_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    action: Mapped[str] = mapped_column(String(64))
    subject_type: Mapped[str] = mapped_column(String(32))
    subject_id: Mapped[int | None] = mapped_column(Integer)
    before: Mapped[dict] = mapped_column(JSON, default=dict)
    after: Mapped[dict] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class MailboxGrant(TenantScoped, Base):
    """A user's own consent for the server to read their mailbox while they are away (the
    backfill): Google's refresh token, or Microsoft's msal token cache, encrypted at rest."""

    __tablename__ = "mailbox_grants"
    __table_args__ = (UniqueConstraint("tenant_id", "user_id", "provider"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    provider: Mapped[str] = mapped_column(String(16))  # google | microsoft
    sealed: Mapped[str] = mapped_column(Text)  # Fernet token of the secret
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class BackfillJob(TenantScoped, Base):
    """Where a user's "learn from my mailbox" run got to: resumable from ``cursor``."""

    __tablename__ = "backfill_jobs"
    __table_args__ = (UniqueConstraint("tenant_id", "user_id", "provider"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    provider: Mapped[str] = mapped_column(String(16))
    since: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    cursor: Mapped[str | None] = mapped_column(Text)  # the provider's next page; None: start
    state: Mapped[str] = mapped_column(String(16))  # running | waiting | done | failed
    read: Mapped[int] = mapped_column(Integer, default=0)
    new: Mapped[int] = mapped_column(Integer, default=0)
    estimated_total: Mapped[int | None] = mapped_column(Integer)
    detail: Mapped[str] = mapped_column(Text, default="")  # why it waits or failed
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


TENANT_TABLES = frozenset(
    mapper.local_table.name for mapper in Base.registry.mappers
    if issubclass(mapper.class_, TenantScoped)
)
