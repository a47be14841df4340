"""Everything that comes from an email (display names, subjects, signatures) or a user
(labels, notes), through both renderers, with a corpus of XSS payloads, template syntax, bidi
overrides and zero-width characters: no markup of theirs survives, nothing reorders or hides
text, and a display name showing another domain is a warning."""

from __future__ import annotations

from email.utils import formataddr
from typing import Any

import pytest
from bs4 import BeautifulSoup
from flask import Flask

from mailmatrix.customers.db import database_of
from mailmatrix.customers.decisions import label_address
from mailmatrix.customers.facts import MessageFacts
from mailmatrix.customers.local import local_principal
from mailmatrix.customers.notes import add_note
from mailmatrix.panel.cards import panel_card
from mailmatrix.panel.html import render_panel
from mailmatrix.panel.view import build_panel
from tests.card_schema import card_texts, check_card

PAYLOADS = [
    "<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "<svg onload=alert(1)>",
    "<iframe src=javascript:alert(1)>", '"><script>alert(1)</script>', "'><b onmouseover=x>",
    "<a href=\"javascript:alert(1)\">click</a>", "<style>*{display:none}</style>",
    "<math><mi xlink:href=javascript:alert(1)>", "<body onload=alert(1)>",
    "<object data=x.swf>", "<link rel=import href=x>", "<meta http-equiv=refresh content=0>",
    "{{ 7*7 }}", "{% raw %}x", "${7*7}", "<!--", "]]><x>", "&lt;b&gt;encoded&lt;/b&gt;",
    "\u202egnp.exe", "pay\u200bpal", "\u2066evil\u2069", "\ufeffbom",
]
BIDI_AND_INVISIBLE = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200b\u2060\ufeff"
OURS_IN_HTML = {"article", "section", "h2", "p", "ul", "li", "span", "strong", "button",
                "details", "summary", "form", "label", "input", "textarea", "select",
                "option", "div", "q"}
OURS_IN_CARDS = {"b", "br"}
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "data", "xlink:href", "srcdoc"}


@pytest.fixture
def hostile_views(app: Flask) -> list[Any]:
    database = database_of(app)
    database.upgrade()
    me = local_principal(database, "anna@example-export.com")
    views = []
    with app.app_context():
        for number, payload in enumerate(PAYLOADS):
            address = f"li.wei{number}@acme-gmbh.de"
            facts = MessageFacts(
                from_=formataddr((f"{payload} Li", address)), to="anna@example-export.com",
                subject=f"PO {payload}", message_id=f"<h{number}@acme>",
                date="Thu, 26 Nov 2026 08:15:00 +0100",
                body=f"Dear Anna,\nplease see {payload}.\n\nKind regards\n{payload} Li\n"
                     f"Purchasing {payload}\nTel. +49 30 1234567")
            view = build_panel(database, me, facts, body=facts.body or "")
            label_address(database, me, address, f"label {payload}")
            add_note(database, me, f"note {payload}", person_id=view.subject.person["id"])
            views.append(build_panel(database, me, facts, body=facts.body or ""))
    return views


def test_no_payload_becomes_markup_in_the_pane(app: Flask, hostile_views: list[Any]) -> None:
    with app.app_context():
        for view in hostile_views:
            html = render_panel(view)
            soup = BeautifulSoup(html, "html.parser")
            tags = {tag.name for tag in soup.find_all(True)}
            assert tags <= OURS_IN_HTML, tags - OURS_IN_HTML
            for tag in soup.find_all(True):
                assert not any(name.startswith("on") for name in tag.attrs), tag
                assert not any(name in URL_ATTRIBUTES for name in tag.attrs), tag
            assert not set(html) & set(BIDI_AND_INVISIBLE)
            if "7*7" in view.subject.query or "7*7" in (view.subject.person or {}).get("name", ""):
                assert "7*7" in soup.get_text()  # template syntax stays text, not evaluated


def test_no_payload_becomes_markup_on_the_card(hostile_views: list[Any]) -> None:
    def act(handler: str, **values: Any) -> dict[str, Any]:
        return {"function": "https://mm.example.com/gmail/action", "parameters": []}

    for view in hostile_views:
        card = panel_card(view, act)
        check_card(card)  # still a valid Card v1, within Google's limits
        for text in card_texts(card):
            soup = BeautifulSoup(text, "html.parser")
            tags = {tag.name for tag in soup.find_all(True)}
            assert tags <= OURS_IN_CARDS, (text, tags)
            assert not any(tag.attrs for tag in soup.find_all(True)), text
            assert not set(text) & set(BIDI_AND_INVISIBLE), text


def test_a_display_name_showing_another_domain_is_a_warning(app: Flask) -> None:
    database = database_of(app)
    database.upgrade()
    me = local_principal(database, "anna@example-export.com")
    facts = MessageFacts(from_='"service@paypal.com" <evil@x-payments.ru>',
                         to="anna@example-export.com", subject="Your account",
                         message_id="<spoof@x>")
    with app.app_context():
        view = build_panel(database, me, facts)
        (warning,) = [w for w in view.subject.warnings if w.kind == "display-name"]
        assert warning.params["claimed"] == "paypal.com" and view.suspicious
        html = render_panel(view)
    assert "names paypal.com, but the mail comes from evil@x-payments.ru" in html
    honest = MessageFacts(from_='"PayPal (paypal.com)" <service@paypal.com>',
                          to="anna@example-export.com", subject="Receipt",
                          message_id="<honest@x>")
    assert not [w for w in build_panel(database, me, honest).subject.warnings
                if w.kind == "display-name"]
