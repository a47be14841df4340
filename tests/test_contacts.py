"""Address books: several addresses in one contact are one person, by the user's decision."""

from __future__ import annotations

import json
from pathlib import Path

from flask.testing import FlaskCliRunner

from mailmatrix.cli import main
from mailmatrix.customers.contacts import read_contacts

USER = ["--user", "rep@example-export.com"]
OUTLOOK = (
    "First Name,Middle Name,Last Name,Title,Company,E-mail Address,E-mail 2 Address,"
    "E-mail 3 Address,Mobile Phone\r\n"
    "Li,,Wei,Purchasing Manager,Acme GmbH,li.wei@acme-gmbh.de,liwei.private@gmail.com,,"
    "+49 171 1234567\r\n"
    "No,,Mail,,,,,,\r\n"
)
GOOGLE = (
    "First Name,Middle Name,Last Name,Organization Name,Organization Title,E-mail 1 - Label,"
    "E-mail 1 - Value,E-mail 2 - Label,E-mail 2 - Value\n"
    "Taro,,Tanaka,Example KK,Buyer,* Work,t.tanaka@example-kk.co.jp,Home,"
    "taro.t@yahoo.co.jp ::: tanaka.taro@gmail.com\n"
)
HUBSPOT = (
    "First Name,Last Name,Email,Additional email addresses,Company Name,Job Title\n"
    "Ana,Souza,ana.souza@souza-import.com.br,ana.souza@uol.com.br;sales@souza-import.com.br,"
    "Souza Import,Owner\n"
)
VCARD = (
    "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Hans Müller\r\nN:Müller;Hans;;;\r\nORG:Müller GmbH\r\n"
    "TITLE:Einkauf\r\nEMAIL;TYPE=INTERNET,WORK:hans.mueller@mueller-gmbh.de\r\n"
    "EMAIL;TYPE=INTERNET,HOME:hans.mueller@gmx.de\r\nTEL;TYPE=CELL:+49 171 7654321\r\n"
    "END:VCARD\r\nBEGIN:VCARD\r\nVERSION:4.0\r\nFN:Omar Haddad\r\n"
    "EMAIL:omar@tutanota.com\r\nEND:VCARD\r\n"
)


def test_outlook_csv_gives_one_contact_per_row_with_all_its_addresses() -> None:
    book = read_contacts(OUTLOOK, "outlook.csv")
    assert book.format == "Outlook CSV"
    (contact,) = book.contacts
    assert contact.name == "Li Wei" and contact.company == "Acme GmbH"
    assert [a for a, _ in contact.emails] == ["li.wei@acme-gmbh.de", "liwei.private@gmail.com"]
    assert book.problems == [("outlook.csv:3", "no e-mail address")]


def test_google_contacts_csv_splits_multi_value_cells_and_keeps_labels() -> None:
    (contact,) = read_contacts(GOOGLE, "google.csv").contacts
    assert contact.emails == (("t.tanaka@example-kk.co.jp", "work"),
                              ("taro.t@yahoo.co.jp", "home"), ("tanaka.taro@gmail.com", "home"))


def test_hubspot_csv_reads_additional_addresses() -> None:
    book = read_contacts(HUBSPOT, "hubspot.csv")
    assert book.format == "HubSpot CSV"
    assert len(book.contacts[0].emails) == 3


def test_vcard_3_and_4_are_read() -> None:
    book = read_contacts(VCARD, "people.vcf")
    assert [c.name for c in book.contacts] == ["Hans Müller", "Omar Haddad"]
    assert book.contacts[0].emails[1] == ("hans.mueller@gmx.de", "home")


def test_a_file_without_addresses_is_a_clear_problem() -> None:
    book = read_contacts("Name,Phone\nX,1\n", "other.csv")
    assert book.contacts == [] and "no e-mail column" in book.problems[0][1]


def test_importing_links_a_contacts_addresses_as_a_user_decision(
    runner: FlaskCliRunner, tmp_path: Path
) -> None:
    path = tmp_path / "hubspot.csv"
    path.write_text(HUBSPOT, encoding="utf-8")
    result = runner.invoke(main, ["import-contacts", str(path), *USER])
    assert result.exit_code == 0, result.output
    assert "2 linked as your decision" in result.output
    assert "role mailbox" in result.output  # sales@ stays with the company
    exported = json.loads(runner.invoke(main, ["export", "--json", *USER]).output)
    (person,) = exported["persons"]
    assert {a["address"] for a in person["addresses"]} == {"ana.souza@souza-import.com.br",
                                                           "ana.souza@uol.com.br"}
    assert all(a["link_state"] == "confirmed" for a in person["addresses"])
    primary = [a["address"] for a in person["addresses"] if a["primary"]]
    assert primary == ["ana.souza@souza-import.com.br"]


def test_importing_the_same_book_twice_changes_nothing(
    runner: FlaskCliRunner, tmp_path: Path
) -> None:
    path = tmp_path / "people.vcf"
    path.write_text(VCARD, encoding="utf-8")
    runner.invoke(main, ["import-contacts", str(path), *USER])
    again = runner.invoke(main, ["import-contacts", str(path), *USER])
    assert "0 linked" in again.output
