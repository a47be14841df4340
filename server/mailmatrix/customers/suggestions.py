"""Suggestions: "this address may be that person", offered to the user with the rule, its
confidence and the evidence. One suggestion per pair: the user's answer stays, the same rule
refreshes its evidence, and another rule replaces it only with more confidence.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from mailmatrix.customers.address_rows import chunks
from mailmatrix.customers.models import Suggestion
from mailmatrix.customers.upsert import insert_missing


@dataclass(frozen=True)
class Offer:
    address_id: int
    person_id: int
    rule: str
    confidence: float
    reasons: tuple[str, ...]


def offer(session: Session, offers: Sequence[Offer], now: datetime) -> None:
    """Record offers, in bulk: one query for what is there, one insert for what is new."""
    tenant_id = session.info["tenant_id"]
    held: dict[tuple[int, int], Suggestion] = {}
    for part in chunks(sorted({item.address_id for item in offers})):
        for suggestion in session.scalars(select(Suggestion).where(
                Suggestion.tenant_id == tenant_id, Suggestion.address_id.in_(part))):
            held[(suggestion.address_id, suggestion.person_id)] = suggestion
    new: dict[tuple[int, int], Offer] = {}
    for item in offers:
        pair = (item.address_id, item.person_id)
        suggestion = held.get(pair)
        if suggestion is None:
            earlier = new.get(pair)
            if earlier is None or item.rule == earlier.rule or \
                    item.confidence > earlier.confidence:
                new[pair] = item
        elif suggestion.state == "open" and (suggestion.rule == item.rule
                                             or item.confidence > suggestion.confidence):
            suggestion.rule, suggestion.confidence = item.rule, item.confidence
            suggestion.reasons = list(item.reasons)
    insert_missing(session, Suggestion, [
        {"tenant_id": tenant_id, "address_id": item.address_id, "person_id": item.person_id,
         "rule": item.rule, "confidence": item.confidence, "reasons": list(item.reasons),
         "state": "open", "created_at": now} for item in new.values()],
        key=("tenant_id", "address_id", "person_id"))
