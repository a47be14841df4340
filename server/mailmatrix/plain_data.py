"""Dataclass values as plain dicts and lists for JSON, the panel's and the profile's answer.

``dataclasses.asdict`` deep-copies every leaf on the way (a few hundred per panel, most of the
cost of the conversion); the values here are immutable leaves (str, int, float, bool, None),
so they are shared instead. Same shape otherwise: tuples stay tuples, lists lists.
"""

from __future__ import annotations

from dataclasses import fields, is_dataclass
from typing import Any

_LEAVES = frozenset({str, int, float, bool, type(None)})
_FIELD_NAMES: dict[type, tuple[str, ...]] = {}  # per dataclass: its fields' names


def as_plain(value: Any) -> Any:
    kind = type(value)
    if kind in _LEAVES:  # most values of a panel: answered first
        return value
    if kind is list or kind is tuple:
        return kind(as_plain(item) for item in value)
    if kind is dict:
        return {as_plain(key): as_plain(item) for key, item in value.items()}
    names = _FIELD_NAMES.get(kind)
    if names is None and is_dataclass(value) and not isinstance(value, type):
        names = _FIELD_NAMES[kind] = tuple(field.name for field in fields(value))
    if names is not None:
        return {name: as_plain(getattr(value, name)) for name in names}
    if isinstance(value, tuple):  # subclasses (named tuples) become plain tuples
        return tuple(as_plain(item) for item in value)
    if isinstance(value, list):
        return [as_plain(item) for item in value]
    if isinstance(value, dict):
        return {as_plain(key): as_plain(item) for key, item in value.items()}
    return value
