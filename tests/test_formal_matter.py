"""Formal matters: the words that make a message formal business, in the languages of trade."""

from __future__ import annotations

import pytest

from mailmatrix.tone.formal_matter import find_formal_matters, is_formal_matter


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("Please send your best quotation for 500 pcs", "quote"),
        ("Attached is PI 2026-117 for your confirmation", "proforma invoice"),
        ("Our PO#4411 is attached", "purchase order"),
        ("Please sign the sales contract", "contract"),
        ("The commercial invoice is attached", "invoice"),
        ("We made the T/T payment today", "payment"),
        ("Please note our new bank account", "bank details"),
        ("请把报价单发给我", "quote"),
        ("合同已经签好了", "contract"),
        ("我们已经付款了", "payment"),
        ("Anbei unser Angebot", "quote"),
        ("Die Rechnung folgt", "invoice"),
        ("Unsere neue Bankverbindung lautet", "bank details"),
        ("Adjunto la cotización", "quote"),
        ("Enviamos la factura", "invoice"),
        ("Veuillez trouver le devis", "quote"),
        ("Nos coordonnées bancaires ont changé", "bank details"),
        ("見積書を送付いたします", "quote"),
    ],
)
def test_formal_matters_are_found_in_the_languages_of_trade(text: str, kind: str) -> None:
    kinds = [matter.kind for matter in find_formal_matters(text)]
    assert kind in kinds


def test_offsets_point_at_the_words() -> None:
    text = "Hi Li, attached PI and our bank details."
    for matter in find_formal_matters(text):
        assert text[matter.start:matter.end] == matter.text


def test_short_abbreviations_count_only_in_capitals_and_never_inside_words() -> None:
    assert not is_formal_matter("the api is down, pick up the pieces")
    assert not is_formal_matter("I support your point")
    assert is_formal_matter("See PO 4411")


def test_chat_without_business_words_is_no_formal_matter() -> None:
    assert not is_formal_matter("Great to see you at the fair, say hi to the team!")
