"""What in a signature can link two addresses: a phone, or a full name with a job title.

Pure, so that ingest's reading process can tell when a sender's signature needs no more reading
(see ``ingest_reader``) without loading the database layer.
"""

from __future__ import annotations

from mailmatrix.addresses.signature import SignatureFacts
from mailmatrix.customers.name_key import name_key


def signature_is_evidence(signature: SignatureFacts) -> bool:
    """A phone, or a full name with a job title: what ``linking.apply_signatures`` links by."""
    return bool(signature.phones) or signature_key(signature) is not None


def signature_key(signature: SignatureFacts) -> str | None:
    """Full name + job title as signed, folded: a name alone is too common to tell people
    apart, a name with the same title at the same time rarely is."""
    name = name_key(signature.name)
    title = " ".join((signature.title or "").casefold().split())
    return f"{name}|{title}"[:400] if name and title else None
