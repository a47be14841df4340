"""The tone hint for a reply: mirror the customer's register and channel, explain why.

The rule from the field: answer formally when they write formally, or from their corporate
mailbox about business; lighter (still accurate) when they write casually from a personal
mailbox; and formal matters stay formal whatever the channel.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import phonenumbers

from mailmatrix.addresses.signature import SignatureFacts
from mailmatrix.tone.cautions import (
    Caution,
    formal_matter_caution,
    gdpr_caution,
    local_time_caution,
    privacy_caution,
)
from mailmatrix.tone.cues import FORMAL, NEUTRAL, RELAXED, Cue
from mailmatrix.tone.formal_matter import find_formal_matters
from mailmatrix.tone.formality import score_formality
from mailmatrix.tone.greetings import greeting_for, sign_off_for
from mailmatrix.tone.language import detect_language
from mailmatrix.tone.names import parse_person_name
from mailmatrix.tone.salutations import salutation_cues
from mailmatrix.tone.text import own_words

FORMAL_FROM, RELAXED_BELOW = 0.6, 0.4  # register bands on the 0..1 formality scale
MAX_SALUTATION_PUSH = 0.35  # how far greetings, closings and pronouns may move the text score
_CORPORATE_KINDS = frozenset({"corporate", "role"})
_PERSONAL_KINDS = frozenset({"personal", "regional", "platform", "disposable"})


@dataclass(frozen=True)
class HistorySummary:
    """What earlier messages taught us (filled in by the customer graph; all optional)."""

    exchanges: int = 0  # messages either way before this one
    their_formality: float | None = None  # how formal they wrote before (0..1)
    our_formality: float | None = None  # how formal our last replies were (0..1)
    language: str | None = None  # the language they usually write in


@dataclass(frozen=True)
class MessageForTone:
    body: str
    is_html: bool = False
    subject: str = ""
    from_name: str = ""
    utc_offset_minutes: int | None = None  # from their Date header
    sender_kind: str | None = None  # the address classification's kind
    sender_provider: str | None = None
    sender_country: str | None = None  # ISO 3166 from ccTLD or provider
    primary_address: str | None = None  # their primary address for formal matters
    history: HistorySummary | None = None
    ui_locale: str = "en"
    gdpr_always: bool = False  # the tenant treats every customer under GDPR rules


@dataclass(frozen=True)
class ToneHint:
    register: str  # formal | neutral | relaxed
    formality: float  # 0..1
    confidence: float  # 0..1
    language: str | None
    greeting: str
    sign_off: str
    cues: tuple[Cue, ...]
    cautions: tuple[Caution, ...]
    scored_text: str  # cue offsets point into this

    def quoted_words(self, limit: int = 5) -> list[str]:
        """The words of the text that tipped the register, each once, in order: what a
        panel quotes as its reasons."""
        return list(dict.fromkeys(cue.text for cue in self.cues if cue.start is not None))[
            :limit]


def tone_hint(message: MessageForTone, *, now: datetime) -> ToneHint:
    """The hint for replying to ``message``; ``now`` is an aware datetime (injected clock)."""
    words = own_words(message.body, is_html=message.is_html, sender_name=message.from_name or None,
                      default_region=message.sender_country)
    text = words.text
    history = message.history or HistorySummary()
    detected = detect_language(text)
    language = detected.code or history.language

    scored = score_formality(text, language)
    salutations = salutation_cues(text, language)
    push = sum(cue.effect for cue in salutations)
    formality = scored.value + max(-MAX_SALUTATION_PUSH, min(MAX_SALUTATION_PUSH, push))
    facts = _fact_cues(message, history)
    formality += sum(cue.effect for cue in facts)
    if history.their_formality is not None:
        formality = 0.8 * formality + 0.2 * history.their_formality  # they are consistent

    matters = find_formal_matters(message.subject) + find_formal_matters(text)
    if matters and formality < FORMAL_FROM:
        facts.append(Cue("formal-matter", matters[0].text, FORMAL_FROM - formality, FORMAL,
                         note=f"a {matters[0].kind} stays formal whatever the channel"))
        formality = FORMAL_FROM
    formality = round(max(0.0, min(1.0, formality)), 3)
    register = FORMAL if formality >= FORMAL_FROM else RELAXED if formality < RELAXED_BELOW \
        else NEUTRAL

    # Their greeting addresses us, not them: the name comes from the From header, else from
    # how they signed.
    name = parse_person_name(message.from_name or words.signature.name or "", None, language)
    countries = _countries(message, words.signature)
    cautions = tuple(caution for caution in (
        formal_matter_caution(matters, message.primary_address),
        privacy_caution(message.sender_kind, message.sender_provider),
        gdpr_caution(countries, always=message.gdpr_always),
        # their clock: the Date header's offset, else the country of the domain or the phone
        local_time_caution(now, message.utc_offset_minutes, countries[0] if countries else None),
    ) if caution is not None)
    return ToneHint(
        register=register,
        formality=formality,
        confidence=_confidence(text, formality, detected.confidence),
        language=language,
        greeting=greeting_for(language, register, name),
        sign_off=sign_off_for(language, register),
        cues=(*salutations, *scored.cues, *facts),
        cautions=cautions,
        scored_text=text,
    )


def _fact_cues(message: MessageForTone, history: HistorySummary) -> list[Cue]:
    cues = []
    if message.sender_kind in _CORPORATE_KINDS:
        cues.append(Cue("channel", "sent from their corporate mailbox", 0.05, FORMAL,
                        note="business from the company mailbox leans formal"))
    elif message.sender_kind in _PERSONAL_KINDS:
        provider = message.sender_provider or "a personal mailbox"
        cues.append(Cue("channel", f"sent from {provider}", -0.05, RELAXED,
                        note="a personal mailbox allows a lighter reply"))
    if message.history is not None and history.exchanges == 0:
        cues.append(Cue("relationship", "first contact", 0.1, FORMAL,
                        note="open formally until they set the tone"))
    elif history.exchanges >= 10:
        cues.append(Cue("relationship", f"{history.exchanges} earlier messages", -0.05, RELAXED,
                        note="a long relationship allows a lighter reply"))
    return cues


def _countries(message: MessageForTone, signature: SignatureFacts) -> tuple[str, ...]:
    countries = [message.sender_country] if message.sender_country else []
    for phone in signature.phones:
        country = _country_of_phone(phone.e164)
        if country:
            countries.append(country)
    return tuple(dict.fromkeys(countries))


def _country_of_phone(e164: str) -> str | None:
    try:
        return phonenumbers.region_code_for_number(phonenumbers.parse(e164)) or None
    except phonenumbers.NumberParseException:
        return None


def _confidence(text: str, formality: float, language_confidence: float) -> float:
    """More words and a clearer lean give more confidence; a guessed language gives less."""
    words = min(1.0, len(text.split()) / 40)
    lean = abs(formality - 0.5) * 2
    return round(0.2 + 0.45 * words + 0.25 * lean + 0.1 * language_confidence, 2)
