"""Role (functional) mailboxes: ``sales@``, ``purchasing@``, ``noreply@`` and their categories.

Role mailboxes belong to a company, not to a person, so they never link to a person. The words
cover the languages export reps meet most (English, German, French, Spanish, Italian,
Portuguese, Dutch and pinyin), matched on the first word of the local part ("export-eu",
"sales.de", "info2").
"""

from __future__ import annotations

import re

ROLE_WORDS: dict[str, tuple[str, ...]] = {
    "sales": ("sales", "sale", "export", "exports", "trade", "trading", "verkauf", "vertrieb",
              "ventas", "vendas", "ventes", "vendite", "commercial", "comercial", "business",
              "bd", "xiaoshou", "waimao", "quote", "quotes", "rfq"),
    "purchasing": ("purchasing", "purchase", "purchases", "procurement", "buyer", "buyers",
                   "buying", "orders", "order", "po", "einkauf", "beschaffung", "compras",
                   "achats", "acquisti", "inkoop", "caigou", "sourcing", "import"),
    "finance": ("accounts", "account", "accounting", "accountspayable", "accountsreceivable",
                "ap", "ar", "billing", "invoice", "invoices", "invoicing", "finance", "payments",
                "payment", "payable", "receivable", "treasury", "buchhaltung", "rechnung",
                "rechnungen", "contabilidad", "facturas", "facturation", "comptabilite",
                "caiwu", "tax"),
    "logistics": ("logistics", "shipping", "shipment", "delivery", "customs", "warehouse",
                  "dispatch", "freight", "versand", "logistik", "lager", "envios", "wuliu"),
    "support": ("support", "help", "helpdesk", "service", "services", "customerservice",
                "customercare", "care", "kundenservice", "kundendienst", "soporte", "atendimento",
                "sav", "kefu", "complaints", "claims", "rma", "returns", "warranty"),
    "general": ("info", "information", "contact", "contacts", "hello", "hi", "office", "mail",
                "email", "enquiries", "enquiry", "inquiry", "inquiries", "general", "team",
                "reception", "kontakt", "contacto", "contato", "contatto", "zentrale", "post",
                "admin", "administration", "secretary", "sekretariat", "management", "ceo"),
    "no-reply": ("noreply", "no-reply", "donotreply", "do-not-reply", "no_reply", "notifications",
                 "notification", "notify", "alerts", "alert", "mailer-daemon", "bounce",
                 "bounces", "auto", "automated", "system", "robot"),
    "technical": ("postmaster", "hostmaster", "webmaster", "abuse", "security", "it", "root",
                  "sysadmin", "dmarc", "dns"),
    "hr": ("hr", "jobs", "job", "careers", "career", "recruiting", "recruitment", "bewerbung",
           "personal", "rrhh", "talent"),
    "marketing": ("marketing", "news", "newsletter", "press", "media", "pr", "presse",
                  "events", "promo", "social"),
    "legal": ("legal", "compliance", "privacy", "gdpr", "datenschutz", "dpo", "contracts",
              "contract", "recht"),
    "quality": ("quality", "qa", "qc", "qualitaet", "calidad", "zhiliang"),
}

ROLE_BY_WORD: dict[str, str] = {
    word: category for category, words in ROLE_WORDS.items() for word in words
}
_SEPARATORS = re.compile(r"[._\-+]")


def role_category(mailbox: str) -> tuple[str, str] | None:
    """(category, matched word) when the mailbox name is a functional one, else None."""
    name = mailbox.lower()
    whole = ROLE_BY_WORD.get(name) or ROLE_BY_WORD.get(name.rstrip("0123456789"))
    if whole is not None:
        return whole, name
    first = _SEPARATORS.split(name, maxsplit=1)[0].rstrip("0123456789")
    # Two-letter words ("ar", "pr", "hr") are also initials ("ar.rahman"): whole names only.
    if len(first) < 3 or first == name:
        return None
    category = ROLE_BY_WORD.get(first)
    if category is None:
        return None
    return category, first
