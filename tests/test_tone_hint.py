"""The tone hint: mirror the customer's register and channel, explain it, caution where needed."""

from __future__ import annotations

from datetime import UTC, datetime

from mailmatrix.tone.hint import HistorySummary, MessageForTone, tone_hint

NOW = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)  # a Thursday

FORMAL_GERMAN = """Sehr geehrte Frau Schmidt,

vielen Dank für Ihr Angebot vom 20. November. Wir würden gerne Ihre Edelstahlventile in unser
Sortiment aufnehmen und bitten Sie, uns die Lieferbedingungen für 500 Stück mitzuteilen.

Mit freundlichen Grüßen
Hans Weber
Einkaufsleiter
Weber Armaturen GmbH
Tel: +49 89 1234567
"""
CASUAL_ENGLISH = """hey anna!!

got the samples, they're awesome lol. can u send a few more in blue? thx a lot 😀

cheers
tom
"""


def hint(body: str, **fields: object):  # noqa: ANN201
    return tone_hint(MessageForTone(body=body, **fields), now=NOW)  # type: ignore[arg-type]


def test_formal_german_letter_from_the_corporate_mailbox_gets_a_formal_german_reply() -> None:
    result = hint(FORMAL_GERMAN, from_name="Hans Weber", sender_kind="corporate",
                  sender_country="DE", utc_offset_minutes=60)
    assert result.register == "formal" and result.language == "de"
    assert "Weber" in result.greeting and "Hans" not in result.greeting.split(",")[0][:3]
    assert result.sign_off.startswith("Mit freundlichen Grüßen")
    kinds = {cue.kind for cue in result.cues}
    assert {"salutation", "closing"} <= kinds


def test_casual_note_from_a_personal_mailbox_gets_a_lighter_reply() -> None:
    result = hint(CASUAL_ENGLISH, from_name="Tom Baker", sender_kind="personal",
                  sender_provider="Gmail", history=HistorySummary(exchanges=12))
    assert result.register == "relaxed" and result.language == "en"
    assert result.greeting.startswith(("Hi", "Hello"))
    assert any(cue.kind == "channel" and cue.effect < 0 for cue in result.cues)


def test_formal_matter_stays_formal_whatever_the_channel() -> None:
    result = hint("hey, here's the PO for the valves, pls confirm the bank details asap",
                  from_name="Tom Baker", sender_kind="personal", sender_provider="Gmail",
                  primary_address="tom.baker@baker-tools.com")
    assert result.register == "formal"
    formal = [c for c in result.cautions if c.kind == "formal-matter"]
    assert formal and "tom.baker@baker-tools.com" in formal[0].message


def test_every_cue_points_at_the_words_it_names() -> None:
    result = hint(FORMAL_GERMAN, from_name="Hans Weber")
    for cue in result.cues:
        if cue.start is not None:
            assert result.scored_text[cue.start:cue.end] == cue.text, cue


def test_encrypted_mailbox_and_eu_customer_get_their_cautions() -> None:
    result = hint(FORMAL_GERMAN, sender_kind="encrypted", sender_provider="Proton Mail",
                  sender_country="DE", utc_offset_minutes=60)
    kinds = {caution.kind for caution in result.cautions}
    assert {"privacy", "gdpr", "local-time"} <= kinds


def test_quoted_history_in_html_is_not_scored() -> None:
    html = ("<div>ok thx, see u tomorrow</div><div class='gmail_quote'><blockquote>"
            "Sehr geehrte Damen und Herren, wir bitten höflichst um Ihr Angebot."
            "</blockquote></div>")
    result = hint(html, is_html=True)
    assert "Angebot" not in result.scored_text and "thx" in result.scored_text


def test_empty_body_and_a_body_that_is_only_a_quote_give_a_neutral_hint() -> None:
    for body in ("", "> Dear Sir, please send the quotation.\n> Regards"):
        result = hint(body)
        assert result.register == "neutral" and result.greeting and result.sign_off
        assert result.confidence < 0.5


def test_one_megabyte_body_is_capped_and_handled() -> None:
    result = hint("Dear Ms Smith, please confirm the delivery date. " * 21_000)
    assert len(result.scored_text) <= 4_000 and result.register in {"formal", "neutral"}


def test_mixed_language_text_reports_the_dominant_language() -> None:
    body = ("Sehr geehrter Herr Tanaka, vielen Dank für Ihre Nachricht. Wir senden Ihnen die "
            "Unterlagen morgen zu. (Please see attached.)")
    assert hint(body).language == "de"


def test_first_contact_starts_formal() -> None:
    result = hint("Hello, we are interested in your valves. Please send information.",
                  history=HistorySummary(exchanges=0))
    assert any(cue.kind == "relationship" and cue.effect > 0 for cue in result.cues)


def test_phone_country_in_the_signature_gives_gdpr_and_local_time() -> None:
    body = ("Hello,\nplease send the catalogue.\n\nBest regards\nMarie Dubois\n"
            "Tel: +33 1 42 68 53 00\n")
    result = hint(body, sender_kind="personal", sender_provider="Gmail")
    kinds = {caution.kind for caution in result.cautions}
    assert {"gdpr", "local-time"} <= kinds


def test_tenant_setting_applies_gdpr_wording_to_every_customer() -> None:
    result = hint("Hello, please send the catalogue.", sender_country="US", gdpr_always=True)
    assert any(caution.kind == "gdpr" for caution in result.cautions)


def test_the_quoted_words_are_the_texts_cues_once_each_in_order_and_few() -> None:
    """"hey" and "cheers" push the register twice each; they are quoted once."""
    result = hint(CASUAL_ENGLISH)
    assert [cue.text for cue in result.cues].count("hey") > 1
    assert result.quoted_words() == ["hey", "cheers", "😀", "u", "!!"]
    assert result.quoted_words(limit=2) == ["hey", "cheers"]
