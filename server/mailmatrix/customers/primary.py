"""The primary address for formal matters: corporate beats regional beats personal beats
disposable; then use for formal matters and recency; a user's pin always wins. It names a raw
form actually seen, and says why.

Pure: the candidates are any rows with ``kind``, ``formal_count``, ``last_seen`` (and
``canonical``); ``summaries.update_primaries`` reads them and writes the choice.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

# An encrypted mailbox is a private one: for formal matters it ranks with personal mail.
KIND_RANK = {"corporate": 4, "regional": 3, "personal": 2, "encrypted": 2, "platform": 1,
             "disposable": 0, "role": -1}


def is_candidate(row: Any) -> bool:
    """Role mailboxes belong to the company, never a person's primary."""
    return KIND_RANK.get(row.kind, 0) >= 0


def best_address(candidates: Sequence[Any]) -> Any:
    return max(candidates, key=_rank)


def _rank(row: Any) -> tuple[int, int, str]:
    last = row.last_seen.isoformat() if row.last_seen else ""
    return (KIND_RANK.get(row.kind, 0), row.formal_count, last)


def preferred_form(row: Any, forms: Sequence[Any]) -> str:
    """The raw form to show and to write to: the plain form the customer uses most, not a
    "+platform" registration variant; the canonical form when none was recorded."""
    if not forms:
        return row.canonical
    return max(forms, key=lambda form: (form.tag is None, form.count)).raw


def primary_reasons(best: Any, candidates: Sequence[Any]) -> list[tuple[str, dict[str, str]]]:
    """Why ``best`` is the primary, as (reason, values) pairs a UI words in its language:
    ("kind", {"kind"}), ("corporate-domain", {}), ("formal", {"count"}), ("last-seen",
    {"date"})."""
    reasons: list[tuple[str, dict[str, str]]] = [("kind", {"kind": best.kind})]
    if best.kind == "corporate" and any(row.kind != "corporate" for row in candidates):
        reasons[0] = ("corporate-domain", {})
    if best.formal_count:
        reasons.append(("formal", {"count": str(best.formal_count)}))
    if len(candidates) > 1 and best.last_seen:
        reasons.append(("last-seen", {"date": f"{best.last_seen:%Y-%m-%d}"}))
    return reasons


def primary_reason(best: Any, candidates: Sequence[Any]) -> str:
    """The reasons in English, for the command line and the JSON contract."""
    return "; ".join(english_reason(name, values)
                     for name, values in primary_reasons(best, candidates))


def english_reason(name: str, values: dict[str, str]) -> str:
    if name == "kind":
        return f"{values['kind']} address"
    if name == "formal":
        count = int(values["count"])
        return f"used for {count} formal-matter message{'s' if count != 1 else ''}"
    if name == "last-seen":
        return f"last seen {values['date']}"
    return {"corporate-domain": "corporate domain", "pinned": "pinned by you"}[name]
