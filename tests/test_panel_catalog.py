"""The panel's string catalog: complete in English and Simplified Chinese, the same placeholders
in every language, and a language chosen from the client's UI language."""

from __future__ import annotations

import pytest

from mailmatrix.panel.catalog import (
    CHINESE,
    ENGLISH,
    LANGUAGES,
    STRINGS,
    catalog_for,
    placeholders,
    text,
    ui_language,
)


@pytest.mark.parametrize("key", sorted(STRINGS))
def test_every_key_is_translated_with_the_same_placeholders(key: str) -> None:
    entry = STRINGS[key]
    assert set(entry) == set(LANGUAGES), f"{key} lacks {set(LANGUAGES) - set(entry)}"
    assert all(value.strip() for value in entry.values())
    assert placeholders(entry[CHINESE]) == placeholders(entry[ENGLISH])


@pytest.mark.parametrize(("client", "language"), [
    ("zh-CN", CHINESE), ("zh-cn", CHINESE), ("zh-Hans-CN", CHINESE), ("zh_CN", CHINESE),
    ("zh", CHINESE), ("en-US", ENGLISH), ("de-DE", ENGLISH), ("", ENGLISH), (None, ENGLISH),
    ("zh-TW", ENGLISH),
])
def test_the_ui_language_follows_the_client_with_an_english_fallback(
    client: str | None, language: str
) -> None:
    assert ui_language(client) == language


def test_values_are_filled_in_and_a_missing_one_is_named() -> None:
    assert text("sender.primary", CHINESE, address="li.wei@acme-gmbh.de") == \
        "正式事务主邮箱：li.wei@acme-gmbh.de"
    assert text("sender.primary", "fr", address="a@b.de") == "Primary for formal matters: a@b.de"
    with pytest.raises(KeyError, match="address"):
        text("sender.primary", ENGLISH)


def test_the_catalog_for_the_pane_has_every_key_in_one_language() -> None:
    chinese = catalog_for(CHINESE)
    assert set(chinese) == set(STRINGS)
    assert chinese["section.addresses"] == "全部邮箱"
