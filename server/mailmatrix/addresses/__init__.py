"""Address intelligence, pure: parse, canonicalize, classify, lookalikes, signature facts.

Nothing here imports Flask, SQLAlchemy or touches the network; DNS answers are injected.
"""

from mailmatrix.addresses.canonical import CanonicalAddress, canonical_address
from mailmatrix.addresses.classify import AddressReport, classify_address, classify_parsed
from mailmatrix.addresses.errors import InvalidAddress
from mailmatrix.addresses.hosting import Hosting, hosting_from_mx
from mailmatrix.addresses.parse import (
    AddressList,
    ParsedAddress,
    parse_address,
    parse_address_list,
)
from mailmatrix.addresses.quoting import strip_quoted
from mailmatrix.addresses.signature import Phone, SignatureFacts, signature_facts

__all__ = [
    "AddressList",
    "AddressReport",
    "CanonicalAddress",
    "Hosting",
    "InvalidAddress",
    "ParsedAddress",
    "Phone",
    "SignatureFacts",
    "canonical_address",
    "classify_address",
    "classify_parsed",
    "hosting_from_mx",
    "parse_address",
    "parse_address_list",
    "signature_facts",
    "strip_quoted",
]
