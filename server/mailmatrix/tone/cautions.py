"""Cautions for the reply: formal matters, privacy-minded mailboxes, GDPR, the customer's clock.

Pure: "now" is passed in, and the customer's UTC offset comes from their Date header (or, when
that is missing, from their country).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, time, timedelta, timezone, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import pytz

from mailmatrix.tone.formal_matter import FormalMatter

FORMAL_MATTER = "formal-matter"
PRIVACY = "privacy"
GDPR = "gdpr"
LOCAL_TIME = "local-time"

# EU member states plus the EEA's Iceland, Liechtenstein and Norway; the UK keeps the GDPR as
# UK GDPR and Switzerland's revised FADP follows it closely, so both get the same wording.
EU_EEA = frozenset("AT BE BG HR CY CZ DK EE FI FR DE GR HU IE IT LV LT LU MT NL PL PT RO SK SI ES "
                   "SE IS LI NO".split())
GDPR_LIKE = EU_EEA | {"GB", "CH"}
# Countries spanning several zones: the business capital's zone stands in for the country.
_MAIN_ZONE = {"US": "America/New_York", "CA": "America/Toronto", "BR": "America/Sao_Paulo",
              "RU": "Europe/Moscow", "AU": "Australia/Sydney", "MX": "America/Mexico_City",
              "ID": "Asia/Jakarta", "CN": "Asia/Shanghai", "KZ": "Asia/Almaty",
              "AR": "America/Argentina/Buenos_Aires", "CL": "America/Santiago",
              "ES": "Europe/Madrid", "PT": "Europe/Lisbon", "DE": "Europe/Berlin",
              "MY": "Asia/Kuala_Lumpur", "UA": "Europe/Kyiv", "NZ": "Pacific/Auckland"}
WORKDAY_START, WORKDAY_END = time(9, 0), time(17, 30)


@dataclass(frozen=True)
class Caution:
    kind: str  # FORMAL_MATTER, PRIVACY, GDPR, LOCAL_TIME
    message: str  # plain words for the panel (English; the panel localizes by kind + details)
    details: dict[str, str] = field(default_factory=dict)


def formal_matter_caution(matters: tuple[FormalMatter, ...], primary_address: str | None
                          ) -> Caution | None:
    if not matters:
        return None
    named = ", ".join(dict.fromkeys(matter.kind for matter in matters))
    where = (f"send it to their primary address {primary_address}" if primary_address
             else "send it to their corporate address")
    return Caution(FORMAL_MATTER, f"Formal matter ({named}): keep the reply formal and {where}.",
                   {"matters": named, "primary_address": primary_address or ""})


def privacy_caution(sender_kind: str | None, provider: str | None) -> Caution | None:
    if sender_kind != "encrypted":
        return None
    service = provider or "a privacy provider"
    return Caution(PRIVACY, f"They write from an encrypted mailbox ({service}): privacy-minded; "
                   "avoid sensitive data in plain attachments.", {"provider": provider or ""})


def gdpr_caution(countries: tuple[str, ...], *, always: bool = False) -> Caution | None:
    """EU/EEA (and UK, Swiss) customers by domain or phone country, or every customer when the
    tenant says so."""
    covered = [country for country in countries if country in GDPR_LIKE]
    if not covered and not always:
        return None
    where = f"Customer in {covered[0]}" if covered else "Your company applies GDPR to everyone"
    return Caution(GDPR, f"{where}: data-protection law applies (GDPR); no marketing without "
                   "their consent, and share personal data only as needed.",
                   {"country": covered[0] if covered else ""})


def customer_zone(utc_offset_minutes: int | None, country: str | None) -> tuple[tzinfo, str] | None:
    """Their clock: the Date header's offset first (what their machine said), else the country."""
    if utc_offset_minutes is not None:
        zone = timezone(timedelta(minutes=utc_offset_minutes))
        return zone, f"their Date header says UTC{_format_offset(utc_offset_minutes)}"
    if not country:
        return None
    name = _MAIN_ZONE.get(country) or next(iter(pytz.country_timezones.get(country, ())), None)
    if name is None:
        return None
    try:
        return ZoneInfo(name), f"their country {country} ({name})"
    except ZoneInfoNotFoundError:
        return None


def local_time_caution(now: datetime, utc_offset_minutes: int | None, country: str | None
                       ) -> Caution | None:
    """Their local time now, and when their next working hours start if they are off now."""
    zone = customer_zone(utc_offset_minutes, country)
    if zone is None or now.tzinfo is None:
        return None
    tz, source = zone
    local = now.astimezone(tz)
    clock = local.strftime("%H:%M")
    at_work = local.weekday() < 5 and WORKDAY_START <= local.time() < WORKDAY_END
    details = {"local_time": clock, "weekday": local.strftime("%A"), "source": source}
    if at_work:
        return Caution(LOCAL_TIME, f"It is {clock} on {local:%A} where they are ({source}): "
                       "working hours.", details)
    window = _next_window(local)
    details["send_after"] = window.isoformat(timespec="minutes")
    return Caution(LOCAL_TIME, f"It is {clock} on {local:%A} where they are ({source}); their "
                   f"working hours start {window:%A %H:%M}: schedule the reply for then.", details)


def _next_window(local: datetime) -> datetime:
    day = local if local.time() < WORKDAY_START else local + timedelta(days=1)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day.replace(hour=WORKDAY_START.hour, minute=WORKDAY_START.minute, second=0,
                       microsecond=0)


def _format_offset(minutes: int) -> str:
    sign = "+" if minutes >= 0 else "-"
    hours, rest = divmod(abs(minutes), 60)
    return f"{sign}{hours:02d}:{rest:02d}"
