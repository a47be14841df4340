"""Contacts from the address books people already use: CSV exports of Outlook contacts, Google
Contacts and HubSpot, and vCard 3/4 files (read with vobject).

Reading is pure: a file's text becomes ``Contact`` values. Several addresses in one contact are
the user's own statement that they belong to one person, so importing records them as user
decisions (see ``import_contacts``).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

import vobject

MAX_CONTACTS = 100_000


@dataclass(frozen=True)
class Contact:
    name: str
    emails: tuple[tuple[str, str | None], ...]  # (address, label such as "work" or "home")
    company: str | None = None
    title: str | None = None
    phones: tuple[str, ...] = ()
    source: str = ""  # "file.csv:12", for error reports


@dataclass
class ContactsFile:
    contacts: list[Contact] = field(default_factory=list)
    problems: list[tuple[str, str]] = field(default_factory=list)  # (where, reason)
    format: str = ""


_SPLIT_ADDRESSES = re.compile(r"\s*(?::::|;|,)\s*")  # Google's " ::: ", HubSpot's ";"


def read_contacts(text: str, source: str = "contacts") -> ContactsFile:
    """Recognize the format from the content and read every contact it holds."""
    stripped = text.lstrip("\ufeff \r\n\t")
    if stripped[:11].upper() == "BEGIN:VCARD":
        return _read_vcards(stripped, source)
    return _read_csv(stripped, source)


def _read_vcards(text: str, source: str) -> ContactsFile:
    result = ContactsFile(format="vCard")
    try:
        cards = vobject.readComponents(text, ignoreUnreadable=True)
        for number, card in enumerate(cards, start=1):
            if number > MAX_CONTACTS:
                result.problems.append((source, f"more than {MAX_CONTACTS} contacts"))
                break
            contact = _contact_from_vcard(card, f"{source}#{number}")
            if contact.emails:
                result.contacts.append(contact)
            else:
                result.problems.append((f"{source}#{number}", "no e-mail address"))
    except (vobject.base.ParseError, ValueError, TypeError) as error:
        result.problems.append((source, f"unreadable vCard: {error}"))
    return result


def _contact_from_vcard(card: object, where: str) -> Contact:
    def values(name: str) -> list[object]:
        return list(getattr(card, "contents", {}).get(name, []))

    emails = []
    for line in values("email"):
        kinds = [kind.lower() for kind in line.params.get("TYPE", []) if kind.lower() not in
                 ("internet", "pref")]
        emails.append((str(line.value).strip(), kinds[0] if kinds else None))
    name = str(values("fn")[0].value).strip() if values("fn") else ""
    org = values("org")
    company = org[0].value[0] if org and isinstance(org[0].value, list) and org[0].value else None
    title = str(values("title")[0].value).strip() if values("title") else None
    phones = tuple(str(line.value).strip() for line in values("tel"))
    return Contact(name, tuple(emails), company or None, title or None, phones, where)


# Column names per exporter (lower-cased). Outlook numbers its columns "E-mail 2 Address";
# Google "E-mail 1 - Value" with "E-mail 1 - Label"/"- Type"; HubSpot "Email" and
# "Additional email addresses".
_NAME_PARTS = ("first name", "given name", "middle name", "last name", "family name")
_COMPANY = ("company", "organization name", "organization 1 - name", "company name")
_TITLE = ("job title", "organization title", "organization 1 - title", "title")
_EMAIL_COLUMN = re.compile(r"^(e-?mail|email)( \d+)?( address| - value)?$|"
                           r"^additional email addresses$")
_PHONE_COLUMN = re.compile(r"phone|mobile|tel", re.IGNORECASE)


def _read_csv(text: str, source: str) -> ContactsFile:
    result = ContactsFile(format="CSV")
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.DictReader(io.StringIO(text), dialect=dialect)
    columns = [column for column in reader.fieldnames or [] if column]
    lowered = {column: column.strip().lower() for column in columns}
    email_columns = [c for c in columns if _EMAIL_COLUMN.match(lowered[c])]
    if not email_columns:
        result.problems.append((source, "no e-mail column found (expected an Outlook, Google "
                                "Contacts or HubSpot export, or a vCard file)"))
        return result
    result.format = _which_exporter(set(lowered.values()))
    for number, row in enumerate(reader, start=2):
        if number > MAX_CONTACTS + 1:
            result.problems.append((source, f"more than {MAX_CONTACTS} contacts"))
            break
        where = f"{source}:{number}"
        contact = _contact_from_row(row, lowered, email_columns, where)
        if contact.emails:
            result.contacts.append(contact)
        elif any((value or "").strip() for value in row.values() if isinstance(value, str)):
            result.problems.append((where, "no e-mail address"))
    return result


def _which_exporter(columns: set[str]) -> str:
    if "e-mail 1 - value" in columns:
        return "Google Contacts CSV"
    if "additional email addresses" in columns:
        return "HubSpot CSV"
    if "e-mail address" in columns:
        return "Outlook CSV"
    return "CSV"


def _contact_from_row(row: dict[str, str], lowered: dict[str, str], email_columns: list[str],
                      where: str) -> Contact:
    def first(names: tuple[str, ...]) -> str | None:
        for column, name in lowered.items():
            if name in names and (row.get(column) or "").strip():
                return row[column].strip()
        return None

    parts = [row.get(column, "").strip() for column, name in lowered.items()
             if name in _NAME_PARTS]
    name = " ".join(part for part in parts if part) or first(("name", "display name")) or ""
    emails = []
    for column in email_columns:
        label = _label_for(lowered[column], row, lowered)
        for address in _SPLIT_ADDRESSES.split(row.get(column) or ""):
            if address.strip():
                emails.append((address.strip(), label))
    phones = tuple(value.strip() for column, value in row.items()
                   if column and _PHONE_COLUMN.search(column) and isinstance(value, str)
                   and value.strip() and not lowered.get(column, "").endswith("type"))
    return Contact(name, tuple(emails), first(_COMPANY), first(_TITLE), phones, where)


def _label_for(column: str, row: dict[str, str], lowered: dict[str, str]) -> str | None:
    """Google pairs "E-mail 1 - Value" with "E-mail 1 - Label" (or "- Type" in old exports)."""
    if not column.endswith(" - value"):
        return None
    prefix = column[: -len(" - value")]
    for original, name in lowered.items():
        if name in (f"{prefix} - label", f"{prefix} - type"):
            return (row.get(original) or "").strip(" *").lower() or None
    return None


def iter_addresses(contact: Contact) -> Iterator[tuple[str, str | None]]:
    seen = set()
    for address, label in contact.emails:
        if address.lower() not in seen:
            seen.add(address.lower())
            yield address, label


@dataclass
class ImportSummary:
    contacts: int = 0
    addresses: int = 0
    linked: int = 0  # addresses that joined a contact's person as a user decision
    problems: list[tuple[str, str]] = field(default_factory=list)
