"""Cautions: formal matter, privacy-minded mailbox, GDPR, the customer's local time."""

from __future__ import annotations

from datetime import UTC, datetime

from mailmatrix.tone.cautions import (
    formal_matter_caution,
    gdpr_caution,
    local_time_caution,
    privacy_caution,
)
from mailmatrix.tone.formal_matter import find_formal_matters

FRIDAY_EVENING_UTC = datetime(2026, 11, 27, 21, 10, tzinfo=UTC)


def test_formal_matter_caution_names_the_primary_address() -> None:
    caution = formal_matter_caution(find_formal_matters("Please find our PO attached"),
                                    "li.wei@acme-gmbh.de")
    assert caution is not None and "li.wei@acme-gmbh.de" in caution.message
    assert "purchase order" in caution.message


def test_no_formal_matter_no_caution() -> None:
    assert formal_matter_caution((), "li.wei@acme-gmbh.de") is None


def test_encrypted_mailbox_means_privacy_minded() -> None:
    caution = privacy_caution("encrypted", "Proton Mail")
    assert caution is not None and "Proton Mail" in caution.message
    assert privacy_caution("personal", "Gmail") is None


def test_eu_and_eea_customers_get_gdpr_wording() -> None:
    for country in ("DE", "FR", "NO", "IS"):
        caution = gdpr_caution((country,))
        assert caution is not None and "consent" in caution.message
    assert gdpr_caution(("US", "CN")) is None


def test_local_time_comes_from_the_date_header_offset() -> None:
    caution = local_time_caution(FRIDAY_EVENING_UTC, 8 * 60, None)  # Shanghai: Saturday 05:10
    assert caution is not None
    assert caution.details["local_time"] == "05:10" and caution.details["weekday"] == "Saturday"
    assert caution.details["send_after"].startswith("2026-11-30T09:00")  # Monday morning


def test_local_time_falls_back_to_the_country() -> None:
    caution = local_time_caution(datetime(2026, 11, 26, 10, 0, tzinfo=UTC), None, "DE")
    assert caution is not None and caution.details["local_time"] == "11:00"
    assert "working hours" in caution.message and "send_after" not in caution.details


def test_no_offset_and_no_country_gives_no_local_time() -> None:
    assert local_time_caution(FRIDAY_EVENING_UTC, None, None) is None
