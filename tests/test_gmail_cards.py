"""The panel as Card v1: valid against Google's schema, inside Google's limits however much a
customer has, every value from an email or a user escaped, words in the UI's language."""

from __future__ import annotations

import json
from typing import Any

from mailmatrix.customers.notes import NoteView
from mailmatrix.customers.people_search import PersonMatch
from mailmatrix.customers.profile import AddressView, Profile, Warning
from mailmatrix.panel.cards import compose_card, panel_card, search_results_card
from mailmatrix.panel.view import PanelView
from tests.card_schema import card_texts, check_card

HOSTILE = "<img src=x onerror=alert(1)>"


def act(handler: str, **values: Any) -> dict[str, Any]:
    return {"function": "https://mm.example.com/gmail/action",
            "parameters": [{"key": "p", "value": json.dumps([handler, values])}]}


def address(number: int, text: str = "") -> AddressView:
    return AddressView(address=f"{text}buyer{number}@acme-gmbh.de", canonical=f"b{number}@x.de",
                       kind="corporate", provider=text or None, hosting=text or None,
                       label=text or None, primary=number == 0, link_state="auto",
                       first_seen="2026-10-02T08:10:00+00:00",
                       last_seen="2026-11-26T07:15:00+00:00", tags=(text,) if text else ())


def known(addresses: int = 3, text: str = "", notes: int = 1, suggestions: int = 1) -> Profile:
    return Profile(
        query="buyer0@acme-gmbh.de", classification={"kind": "corporate"}, known=True,
        person={"id": 7, "name": f"Li {text}Wei", "names": [], "customer_type": "sme",
                "owner_user_id": 1, "owner": f"Anna {text}"},
        company={"id": 3, "name": f"ACME {text}", "domains": ["acme-gmbh.de"],
                 "formal_channels": {"purchase order": f"{text}purchasing@acme-gmbh.de"},
                 "domain_suggestions": []},
        addresses=tuple(address(n, text) for n in range(addresses)),
        primary={"address": "buyer0@acme-gmbh.de", "pinned": False, "reason": "corporate",
                 "reasons": [{"name": "kind", "values": {"kind": "corporate"}}]},
        suggestions=tuple({"address": f"{text}x{n}@gmail.com", "person_id": 7, "rule": "name",
                           "confidence": 0.8, "reasons": [f"same name {text}"]}
                          for n in range(suggestions)),
        warnings=(Warning("reply-to", "Replies go elsewhere", "high",
                          {"target": f"{text}evil@gmail.com", "address": "buyer0@x.de"}),),
        notes=tuple(NoteView(id=n, text=f"note {text}", visibility="team", author=text or "A",
                             mine=True, created_at="2026-11-27T10:00:00+00:00")
                    for n in range(notes)))


def all_text(card: dict[str, Any]) -> str:
    return json.dumps(card, ensure_ascii=False)


def test_a_customer_with_everything_stays_inside_googles_limits() -> None:
    card = panel_card(PanelView(language="en", direction="in",
                                subject=known(addresses=150, notes=80, suggestions=120)), act)
    check_card(card)
    assert len(card["sections"]) <= 100
    assert all(len(section["widgets"]) <= 100 for section in card["sections"])


def test_every_value_from_mail_or_users_is_escaped_on_the_card() -> None:
    card = panel_card(PanelView(language="en", direction="in", subject=known(text=HOSTILE)),
                      act)
    check_card(card)
    texts = [value for section in card["sections"] for widget in section["widgets"]
             for value in card_texts(widget)]
    assert not any("<img" in value for value in texts)
    assert any("&lt;img src=x onerror=alert(1)&gt;" in value for value in texts)


def test_an_unknown_sender_and_a_sent_message_make_valid_cards() -> None:
    unknown = Profile(query=f"{HOSTILE}@x.de", classification={}, known=False)
    for view in (PanelView(language="en", direction="in", subject=unknown),
                 PanelView(language="en", direction="out", subject=known()),
                 PanelView(language="en", direction="in", subject=None)):
        check_card(panel_card(view, act))
    assert "Recipient" in all_text(panel_card(PanelView(language="en", direction="out",
                                                        subject=known()), act))


def test_the_card_speaks_chinese() -> None:
    card = panel_card(PanelView(language="zh-CN", direction="in", subject=known()), act)
    assert "全部邮箱" in all_text(card) and "回复将发送到" in all_text(card)


def test_search_results_and_compose_cards_are_valid_and_escaped() -> None:
    results = search_results_card("en", [PersonMatch(1, HOSTILE, HOSTILE, (HOSTILE,))],
                                  "x@y.de", act)
    check_card(results)
    assert "<img" not in json.dumps([card_texts(w) for s in results["sections"]
                                     for w in s["widgets"]])
    check_card(search_results_card("en", [], "x@y.de", act))
    compose = compose_card("en", [("home@gmail.com", known())], f"Dear {HOSTILE},", act)
    check_card(compose)
    assert "Send to the primary address only" in all_text(compose)
