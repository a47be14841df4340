"""Sentences the panel builds from the view's facts, in the UI's language: shared by the HTML
template and the Gmail cards so both say the same thing. Values stay unescaped here; each
renderer escapes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from mailmatrix.customers.profile import Warning
from mailmatrix.mailboxes.backfill import Progress
from mailmatrix.panel.catalog import CHINESE, STRINGS, text
from mailmatrix.panel.view import FollowUp
from mailmatrix.tone.cautions import Caution

_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


@dataclass(frozen=True)
class Wording:
    language: str

    def __call__(self, key: str, **values: object) -> str:
        # An unknown kind or state shows as itself rather than breaking the panel
        return text(key, self.language, **values) if key in STRINGS else key.rpartition(".")[2]

    def warning(self, warning: Warning) -> str:
        params = dict(warning.params)
        if "kind" in params:
            params["kind"] = self(f"kind.{params['kind']}")
        key = f"warning.{warning.kind}"
        try:
            return self(key, **params) if key in STRINGS else warning.message
        except KeyError:  # a stored warning from before its params existed
            return warning.message

    def caution(self, caution: Caution) -> str:
        key = f"caution.{caution.kind}"
        if key not in STRINGS:
            return caution.message
        matters = [self(f"matter.{item.strip()}") for item in
                   caution.details.get("matters", "").split(",") if item.strip()]
        return self(key, matters=", ".join(matters))

    def primary_reason(self, primary: dict[str, Any]) -> str:
        """Why an address is the primary, from the profile's (name, values) reasons."""
        words = []
        for reason in primary.get("reasons") or ():
            values = dict(reason.get("values") or {})
            if "kind" in values:
                values["kind"] = self(f"kind.{values['kind']}")
            name = str(reason.get("name"))
            if name == "formal" and values.get("count") == "1":
                name = "formal-one"
            words.append(self(f"reason.{name}", **values))
        return ("；" if self.language == CHINESE else "; ").join(words)

    def backfill(self, progress: Progress) -> str:
        """A backfill run in words (the same as the pane's backfill.js)."""
        values = {"read": progress.read, "new": progress.new,
                  "total": progress.estimated_total}
        if progress.state == "running":
            return self("backfill.running" if progress.estimated_total
                        else "backfill.running_unknown", **values)
        return self(f"backfill.{progress.state}", **values)

    def matter(self, matter: str) -> str:
        return self(f"matter.{matter}")

    def days_ago(self, days: int) -> str:
        if days <= 0:
            return self("when.today")
        return self("when.one_day_ago") if days == 1 else self("when.days_ago", days=days)

    def follow_up(self, follow_up: FollowUp) -> str:
        when = self.days_ago(follow_up.days)
        if follow_up.waiting_for == "you":
            return self("followup.you", when=when)
        if follow_up.matter:
            return self("followup.them_matter", when=when, matter=self.matter(follow_up.matter))
        return self("followup.them", when=when)

    def local_time(self, caution: Caution) -> str:
        details = caution.details
        return self("sender.local_time", time=details.get("local_time", ""),
                    weekday=self._weekday(details.get("weekday", "")))

    def off_hours(self, caution: Caution) -> str | None:
        """When they are off work: when they start again, on their clock."""
        start = caution.details.get("send_after")
        if not start:
            return None
        moment = datetime.fromisoformat(start)
        return self("sender.off_hours",
                    when=f"{self(f'weekday.{moment.weekday()}')} {moment:%H:%M}")

    def date(self, iso: str | None) -> str:
        return iso[:10] if iso else ""

    def _weekday(self, english: str) -> str:
        return self(f"weekday.{_WEEKDAYS.index(english)}") if english in _WEEKDAYS else english
