"""Telegram language_code → the two languages RayPort speaks."""

import pytest

from rayport.telegram.language import lang_from_telegram


@pytest.mark.parametrize(
    ("code", "lang"),
    [
        ("ru", "ru"),
        ("RU", "ru"),
        ("ru-RU", "ru"),
        ("be", "ru"),
        ("kk", "ru"),
        ("ky", "ru"),
        ("uz", "ru"),
        ("tg", "ru"),
        ("uk", "en"),
        ("en", "en"),
        ("en-GB", "en"),
        ("de", "en"),
        ("pt-br", "en"),
        ("", "en"),
        (None, "en"),
    ],
)
def test_language_mapping(code: str | None, lang: str) -> None:
    assert lang_from_telegram(code) == lang


def test_default_applies_to_unknown_languages_only() -> None:
    assert lang_from_telegram("de", default="ru") == "ru"
    assert lang_from_telegram(None, default="ru") == "ru"
    assert lang_from_telegram("en", default="ru") == "en"
