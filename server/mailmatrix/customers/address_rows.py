"""The row of one mailbox: found by its canonical form, created on first sight."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from mailmatrix.addresses.classify import AddressReport, domain_facts
from mailmatrix.addresses.parse import ParsedAddress
from mailmatrix.customers.models import Address
from mailmatrix.customers.upsert import get_or_create


def address_row(session: Session, parsed: ParsedAddress, report: AddressReport,
                now: datetime) -> Address:
    # The row is the mailbox; a "+alibaba" registration variant is a form of it, so the row
    # keeps the mailbox's own kind and the variant lives on the AddressForm.
    kind = report.kind
    if kind == "platform" and report.tag:
        kind = domain_facts(parsed.domain).kind
    row = get_or_create(
        session, Address,
        {"tenant_id": session.info["tenant_id"], "canonical": report.canonical},
        {"registrable_domain": report.registrable_domain, "kind": kind,
         "provider": report.provider, "region": report.region, "role": report.role,
         "hosting": None if report.hosting == "unknown" else report.hosting,
         "count_in": 0, "count_out": 0, "formal_count": 0, "created_at": now})
    known = report.hosting not in (None, "unknown")
    if known and row.hosting != report.hosting:
        row.hosting = report.hosting  # learned (or changed) since the row was made
    return row
