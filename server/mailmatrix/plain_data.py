"""Dataclass values as plain dicts and lists for JSON, the panel's and the profile's answer.

``dataclasses.asdict`` deep-copies every leaf on the way (a few hundred per panel, most of the
cost of the conversion); the values here are immutable leaves (str, int, float, bool, None),
so they are shared instead. Same shape otherwise: tuples stay tuples, lists lists.
"""

from __future__ import annotations

from dataclasses import fields, is_dataclass
from typing import Any


def as_plain(value: Any) -> Any:
    if is_dataclass(value) and not isinstance(value, type):
        return {field.name: as_plain(getattr(value, field.name)) for field in fields(value)}
    if isinstance(value, (list, tuple)):
        return type(value)(as_plain(item) for item in value)
    if isinstance(value, dict):
        return {as_plain(key): as_plain(item) for key, item in value.items()}
    return value
