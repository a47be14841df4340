"""Cues: the evidence behind a tone hint, each pointing at the words or the fact that caused it."""

from __future__ import annotations

from dataclasses import dataclass

FORMAL = "formal"
NEUTRAL = "neutral"
RELAXED = "relaxed"
REGISTERS = (FORMAL, NEUTRAL, RELAXED)


@dataclass(frozen=True)
class Cue:
    """One piece of evidence.

    ``start``/``end`` are character offsets into the text that was scored (the sender's own
    words after quotes and signature were removed); both are None for facts that are not words
    (the mailbox it came from, how long we have known them).
    """

    kind: str  # "salutation", "closing", "pronoun", "contraction", "emoji", "exclamation",
    # "lowercase", "slang", "sentence-length", "word", "channel", "relationship", ...
    text: str  # the exact words, or the fact ("sent from a personal Gmail mailbox")
    effect: float  # signed push on formality: > 0 towards formal, < 0 towards relaxed
    register: str | None = None  # formal / relaxed when the cue itself is a classification
    start: int | None = None
    end: int | None = None
    note: str = ""  # why it matters, in plain words ("'Sie' is the formal 'you'")
