"""The panel's decisions, one table for every client (the Outlook pane's JSON API and the Gmail
card's buttons): a name and its values in, one service call out. Audited by the services."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from mailmatrix.addresses.canonical import canonical_address
from mailmatrix.addresses.errors import InvalidAddress
from mailmatrix.auth.principal import Principal
from mailmatrix.customers import decisions, notes
from mailmatrix.customers.access import require_full_access
from mailmatrix.customers.db import Database
from mailmatrix.customers.errors import AccessDenied, DecisionError
from mailmatrix.customers.models import MAX_ROW_ID
from mailmatrix.customers.notes import MAX_NOTE
from mailmatrix.panel.office_item import MAX_HEADER

__all__ = ["ACTIONS", "AccessDenied", "DecisionError", "PanelAction", "apply_action"]
WHY = "from the panel"


@dataclass(frozen=True)
class PanelAction:
    """An action's values, cut to size and typed (ValueError/TypeError for nonsense)."""

    address: str = ""
    person: int = 0
    note: int = 0
    label: str | None = None
    text: str = ""
    visibility: str = "team"

    @classmethod
    def of(cls, values: Mapping[str, Any]) -> PanelAction:
        return cls(address=str(values.get("address") or "")[:MAX_HEADER],
                   person=_row_id(values.get("person_id") or values.get("person")),
                   note=_row_id(values.get("note_id") or values.get("note")),
                   label=str(values.get("label") or "")[:120] or None,
                   text=str(values.get("text") or "")[:MAX_NOTE + 1],
                   visibility=str(values.get("visibility") or "team"))


def _row_id(value: Any) -> int:
    """0 for none; ValueError for what cannot name a row (a bool, a float, 10**20)."""
    if value is None or value == "" or value == 0:
        return 0
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise ValueError(f"not an id: {value!r}")
    number = int(value)
    if not 0 < number <= MAX_ROW_ID:
        raise ValueError(f"not an id: {value!r}")
    return number


ACTIONS: dict[str, Callable[[Database, Principal, PanelAction], object]] = {
    "confirm": lambda db, who, a: decisions.confirm_link(db, who, a.address, a.person, WHY),
    "reject": lambda db, who, a: decisions.reject_link(db, who, a.address, a.person, WHY),
    # "not this person": the address leaves the person and is never linked to it again
    "unlink": lambda db, who, a: decisions.reject_link(db, who, a.address, a.person, WHY),
    "pin": lambda db, who, a: decisions.pin_primary(db, who, a.person, a.address or None),
    "unpin": lambda db, who, a: decisions.pin_primary(db, who, a.person, None),
    "label": lambda db, who, a: decisions.label_address(db, who, a.address, a.label),
    "note": lambda db, who, a: notes.add_note(db, who, a.text, person_id=a.person,
                                              visibility=a.visibility),
    "delete-note": lambda db, who, a: notes.delete_note(db, who, a.note),
}


def apply_action(database: Database, principal: Principal, name: str,
                 values: Mapping[str, Any]) -> object:
    """Raises KeyError for an unknown action, AccessDenied for a colleague's customer under
    the owner policy, DecisionError/ValueError/TypeError for values that cannot be applied."""
    action = PanelAction.of(values)
    require_full_access(database, principal, person_id=action.person or None,
                        address=_canonical(action.address))
    return ACTIONS[name](database, principal, action)


def _canonical(address: str) -> str | None:
    try:
        return canonical_address(address).address if address else None
    except InvalidAddress:
        return None  # the decision itself names what is wrong with it
