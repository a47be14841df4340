"""Formality score: how formal the sender wrote, and the exact words that say so."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import mailmatrix.tone.formality as formality_module
from mailmatrix.tone.cues import RELAXED
from mailmatrix.tone.formality import (
    MAX_CHARS,
    FormalityModel,
    FormalityScore,
    score_formality,
)

BUSINESS_EN = (
    "Dear Mr. Smith, thank you for your enquiry of 12 March. Please find attached our "
    "quotation for 500 units, valid until the end of the month. We look forward to your order."
)
CHAT_EN = "hey!! thx a lot, gonna check it tmrw lol 😂 u rock"
LETTER_DE = (
    "Sehr geehrte Frau Müller, vielen Dank für Ihre Anfrage. Anbei erhalten Sie unser Angebot "
    "über 500 Stück. Für Rückfragen stehen wir Ihnen jederzeit gerne zur Verfügung."
)
NOTE_DE = "hey du, hab grad keine zeit, meld mich später!! lg"


def assert_cues_point_into(text: str, score: FormalityScore) -> None:
    for cue in score.cues:
        assert cue.start is not None and cue.end is not None, cue
        assert 0 <= cue.start < cue.end <= len(text), cue
        assert text[cue.start:cue.end] == cue.text, cue


def test_contractions_and_slang_push_towards_relaxed() -> None:
    spelled_out = score_formality(
        "I am sure we will manage it, do not worry about the delivery.", "en")
    clipped = score_formality(
        "I'm sure we'll manage it, don't worry about the delivery lol.", "en")
    assert clipped.value < spelled_out.value
    pushes = {cue.text: cue for cue in clipped.cues if cue.kind in ("contraction", "slang")}
    assert {"I'm", "we'll", "don't", "lol"} <= set(pushes)
    assert all(cue.effect < 0 and cue.register == RELAXED for cue in pushes.values())


def test_formal_business_english_scores_higher_than_chat() -> None:
    business, chat = score_formality(BUSINESS_EN, "en"), score_formality(CHAT_EN, "en")
    assert business.value > chat.value + 0.3
    assert {"emoji", "exclamation", "slang"} <= {cue.kind for cue in chat.cues}


def test_german_formal_letter_scores_higher_than_casual_note() -> None:
    letter, note = score_formality(LETTER_DE, "de"), score_formality(NOTE_DE, "de")
    assert letter.value > note.value + 0.3
    formal_words = {cue.text for cue in letter.cues if cue.kind == "word" and cue.effect > 0}
    assert formal_words & {"Sie", "Ihnen", "Ihre"}


def test_polite_sie_reads_more_formal_than_du() -> None:
    sie = score_formality("Können Sie mir bitte das Angebot schicken?", "de")
    du = score_formality("Kannst du mir bitte das Angebot schicken?", "de")
    assert sie.value > du.value


@pytest.mark.parametrize(("text", "language"), [
    (BUSINESS_EN, "en"), (CHAT_EN, "en"), (LETTER_DE, "de"), (NOTE_DE, "de"),
    ("PLEASE SEND THE INVOICE NOW!!! :-)", "en"), ("salut!! ça va? mdr 😂😂", "fr"),
    ("Hallo,\n\nwie geht's? Schick mir bitte die Rechnung.\n\nDanke!!", "de"),
])
def test_cues_point_at_the_exact_words(text: str, language: str) -> None:
    score = score_formality(text, language)
    assert score.cues
    assert_cues_point_into(text, score)


def test_word_cues_name_the_contributing_words_with_offsets() -> None:
    text = "Please do not hesitate to contact us, we would appreciate your feedback."
    words = [cue for cue in score_formality(text, "en").cues if cue.kind == "word"]
    assert words
    for cue in words:
        assert cue.text.isalpha() and text[cue.start:cue.end] == cue.text


def test_cues_are_ordered_by_strength() -> None:
    effects = [abs(cue.effect) for cue in score_formality(CHAT_EN, "en").cues]
    assert effects == sorted(effects, reverse=True)


@pytest.mark.parametrize("text", ["", "   \n\t ", "!!!", "😂", "-- \n> "])
@pytest.mark.parametrize("language", ["en", "de", None])
def test_empty_text_is_neutral(text: str, language: str | None) -> None:
    assert score_formality(text, language) == FormalityScore(0.5, ())


def test_one_megabyte_text_is_capped_and_handled() -> None:
    text = ("Dear Mr Smith, please find attached our offer!! lol " * 20_000)[:1_000_000]
    score = score_formality(text, "en")
    assert 0.0 <= score.value <= 1.0
    assert all(cue.end <= MAX_CHARS for cue in score.cues)
    assert score == score_formality(text[:MAX_CHARS], "en")
    assert_cues_point_into(text, score)


def test_unknown_language_uses_stylistic_cues() -> None:
    chat = score_formality("merci!! trop cool 😂 lol", "fr")
    plain = score_formality("Nous vous remercions de votre commande et restons à votre "
                            "disposition pour toute question.", "fr")
    assert chat.value < 0.35 < plain.value
    assert abs(plain.value - 0.5) < 0.15  # no learned words for French: a neutral prior
    assert {"emoji", "exclamation", "slang"} <= {cue.kind for cue in chat.cues}
    assert not [cue for cue in chat.cues + plain.cues if cue.kind == "word"]
    assert score_formality("merci!! trop cool 😂 lol", None).value < 0.35


def test_sentence_length_is_ignored_for_scripts_without_spaces() -> None:
    polite = score_formality("您好，附件是我们的报价单，请查收。", "zh")
    assert polite.value == 0.5 and polite.cues == ()
    assert score_formality("哈哈，好的！！😂", "zh").value < 0.3


def test_regional_language_tags_use_the_base_language_model() -> None:
    assert score_formality(BUSINESS_EN, "en-GB") == score_formality(BUSINESS_EN, "en")
    assert score_formality(LETTER_DE, "DE_at") == score_formality(LETTER_DE, "de")


def test_model_trained_with_other_ngram_sizes_is_refused() -> None:
    payload = {"char_gram_sizes": [9], "models": {}}
    with pytest.raises(ValueError, match="n-gram sizes"):
        FormalityModel.from_payload(payload)


def test_formality_imports_no_web_database_or_network_module() -> None:
    forbidden = ("flask", "sqlalchemy", "requests", "urllib", "http", "socket", "dns",
                 "numpy", "sklearn", "scipy")
    folder = Path(formality_module.__file__).parent
    for name in ("formality.py", "formality_features.py"):
        tree = ast.parse((folder / name).read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            modules = ([alias.name for alias in node.names] if isinstance(node, ast.Import)
                       else [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            for module in modules:
                assert module.split(".")[0] not in forbidden, f"{name} imports {module}"


@settings(max_examples=300, deadline=None)
@given(
    text=st.text(max_size=400) | st.text(alphabet="aA!?.'’ \n😂:;)-ÄßSiedu", max_size=200),
    language=st.sampled_from([None, "", "en", "de", "fr", "zh", "EN-us", "*", "xx-YY"]),
)
def test_any_text_scores_within_range_with_valid_offsets(text: str,
                                                         language: str | None) -> None:
    score = score_formality(text, language)
    assert 0.0 <= score.value <= 1.0
    assert_cues_point_into(text, score)
