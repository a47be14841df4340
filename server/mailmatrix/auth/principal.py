"""The verified caller, as every service sees it."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Principal:
    tenant_id: int  # internal tenant id (never an external tid/hd)
    user_id: int  # internal user id
    email: str = ""
    role: str = "member"  # admin | member
    locale: str = "en"
