"""The demo's mailbox: an export sales rep's inbox, with the history that makes it interesting.

Buyers in Germany, Japan, the US, Brazil and the UAE write from corporate, personal,
encrypted, regional, role and ``+platform`` addresses; there is a lookalike fraud, a Reply-To
trick, a first contact and a message the rep sent. Messages are in Office.js's item shape, as
the task pane reads them.
"""

from __future__ import annotations

from mailmatrix.auth.demo import DEMO_USER, demo_principal_of
from mailmatrix.auth.principal import Principal
from mailmatrix.customers.db import Database
from mailmatrix.customers.decisions import confirm_link, set_formal_channel
from mailmatrix.customers.notes import add_note
from mailmatrix.customers.observe import observe_many
from mailmatrix.customers.profile import profile
from mailmatrix.panel.office_item import facts_of_office_item

ME = {"emailAddress": DEMO_USER, "displayName": "Anna Becker"}
LI_WEI = {"emailAddress": "li.wei@acme-gmbh.de", "displayName": "Li Wei"}
TANAKA = {"emailAddress": "t.tanaka@yahoo.co.jp", "displayName": "田中 太郎"}
JESSICA = {"emailAddress": "j.miller@brightlane-imports.com", "displayName": "Jessica Miller"}
ANA = {"emailAddress": "ana.souza@uol.com.br", "displayName": "Ana Souza"}


def _message(number: int, sender: dict[str, str], subject: str, body: str, when: str,
             to: list[dict[str, str]] | None = None, **extra: object) -> dict[str, object]:
    return {"from": sender, "sender": sender, "to": to or [ME], "cc": extra.pop("cc", []),
            "subject": subject, "internetMessageId": f"<demo-{number}@mailmatrix.example>",
            "dateTimeCreated": when, "body": body, **extra}


# What the rep's mailbox already holds: the graph is learned from it when the demo starts.
HISTORY = [
    _message(1, LI_WEI, "RE: Quotation 2026-104", "Dear Ms Becker,\n\nthank you for the "
             "quotation. We will confirm the order next week.\n\nKind regards\nLi Wei\n"
             "Purchasing Manager\nACME GmbH\nTel. +49 30 1234567", "2026-10-02T08:10:00Z",
             cc=[{"emailAddress": "purchasing@acme-gmbh.de", "displayName": "Purchasing"}]),
    _message(2, LI_WEI, "Purchase order 4398", "Dear Ms Becker,\n\nplease find PO 4398 "
             "attached.\n\nKind regards\nLi Wei", "2026-10-20T07:45:00Z"),
    _message(3, TANAKA, "お見積りのお願い", "ベッカー様\n\nいつもお世話になっております。"
             "見積書をお送りいただけますでしょうか。\n\nよろしくお願いいたします。\n田中",
             "2026-10-12T01:30:00Z"),
    _message(4, JESSICA, "Container booking", "Hi Anna,\n\nbooking confirmed for the 40ft "
             "container. Talk soon!\n\nJess", "2026-10-15T15:20:00Z"),
    _message(6, {"emailAddress": "li.wei@proton.me", "displayName": "Li Wei"},
             "Contract draft (confidential)", "Dear Ms Becker,\n\nas discussed, the draft "
             "contract from my private mailbox.\n\nKind regards\nLi Wei\nPurchasing Manager\n"
             "ACME GmbH\nTel. +49 30 1234567", "2026-10-25T18:30:00Z"),
    _message(7, {"emailAddress": "purchasing@acme-gmbh.de", "displayName": "ACME Purchasing"},
             "Purchase order 4399", "Dear Ms Becker,\n\nplease find PO 4399 attached.\n\n"
             "Kind regards\nACME Purchasing", "2026-10-28T09:00:00Z"),
    _message(8, {"emailAddress": "tanaka@tanaka-seiko.co.jp", "displayName": "田中 太郎"},
             "注文書 No. 5520", "ベッカー様\n\n注文書をお送りいたします。\n\nよろしくお願い"
             "いたします。\n田中", "2026-10-29T00:45:00Z"),
    _message(9, ME, "Quotation 2026-110", "Dear Ms Souza,\n\nplease find our quotation "
             "attached.\n\nKind regards\nAnna Becker", "2026-11-10T09:00:00Z", to=[ANA]),
    _message(5, ANA, "Amostras", "Oi Anna, tudo bem?\n\nRecebemos as amostras, obrigada!\n\n"
             "Beijos\nAna", "2026-10-18T12:00:00Z"),
]

# The inbox the demo shows, newest first; each opens in the real task pane.
INBOX = [
    _message(10, LI_WEI, "Purchase order 4411 for 2,000 units", "Dear Ms Becker,\n\nplease "
             "find our purchase order 4411 attached and confirm the delivery date.\n\n"
             "Kind regards\nLi Wei\nPurchasing Manager\nACME GmbH", "2026-11-26T07:15:00Z"),
    _message(11, {"emailAddress": "li.wei@acme-grnbh.de", "displayName": "Li Wei"},
             "Updated bank details for invoice 2026-17", "Dear Ms Becker,\n\nplease note our "
             "new bank details for all future payments. Kindly transfer the invoice amount "
             "today.\n\nKind regards\nLi Wei", "2026-11-26T06:40:00Z"),
    _message(12, {"emailAddress": "liwei.home@gmail.com", "displayName": "Li Wei"},
             "photos of the samples", "hi Anna, sending the photos from home :) Li",
             "2026-11-25T19:05:00Z"),
    _message(13, JESSICA, "Invoice 2026-22 payment", "Hi Anna,\n\ncan you resend the "
             "invoice? Our accounts team will pay this week.\n\nThanks!\nJess",
             "2026-11-25T16:30:00Z",
             replyTo=[{"emailAddress": "jessica.miller.payments@outlook.com",
                       "displayName": "Jessica Miller"}]),
    _message(14, TANAKA, "納期について", "ベッカー様\n\n納期を教えていただけますでしょうか。"
             "\n\nよろしくお願いいたします。\n田中", "2026-11-25T02:10:00Z"),
    _message(15, ANA, "Pedido", "Oi Anna!\n\nVamos fazer o pedido semana que vem, "
             "tá bom?\n\nBeijos\nAna", "2026-11-24T13:00:00Z"),
    _message(16, {"emailAddress": "omar.haddad+alibaba@gmail.com", "displayName": "Omar Haddad"},
             "Inquiry via Alibaba: 500 pcs", "Dear Sir/Madam,\n\nwe are interested in 500 "
             "pieces. Please send your best price.\n\nBest regards\nOmar Haddad\nGulfline "
             "Trading LLC, Dubai", "2026-11-24T09:00:00Z"),
    _message(17, {"emailAddress": "k.berger@secure-buyer.de", "displayName": "Klaus Berger"},
             "First contact: distribution in Austria", "Sehr geehrte Frau Becker,\n\nwir "
             "interessieren uns für eine Zusammenarbeit.\n\nMit freundlichen Grüßen\n"
             "Klaus Berger", "2026-11-23T10:00:00Z"),
    _message(18, ME, "Quotation 2026-118", "Dear Mr Li,\n\nplease find our quotation "
             "attached.\n\nKind regards\nAnna Becker", "2026-11-20T09:00:00Z", to=[LI_WEI]),
]


# What the rep already decided: Li Wei's private ProtonMail is his, POs go to purchasing@.
CONFIRMED = [("li.wei@proton.me", "li.wei@acme-gmbh.de")]
FORMAL_CHANNELS = [("purchase order", "purchasing@acme-gmbh.de")]
NOTE = ("Li Wei: contracts by ProtonMail on request only; POs to purchasing@. Prefers calls "
        "before 10:00 Berlin time.")


def seed_demo(database: Database) -> Principal:
    """The demo user, with the mailbox's history learned and a few decisions made, through
    the same services the panel uses (idempotent)."""
    principal = demo_principal_of(database)
    observe_many(database, principal, [facts_of_office_item(item) for item in HISTORY])
    for address, same_as in CONFIRMED:
        found, known = profile(database, principal, address), profile(database, principal, same_as)
        if known.person and found.person and found.person["id"] != known.person["id"]:
            confirm_link(database, principal, address, int(known.person["id"]), "demo")
    for purpose, address in FORMAL_CHANNELS:
        set_formal_channel(database, principal, purpose, address, address)
    li_wei = profile(database, principal, LI_WEI["emailAddress"])
    if li_wei.person and not li_wei.notes:
        add_note(database, principal, NOTE, person_id=int(li_wei.person["id"]))
    return principal
