"""Texts: both languages everywhere, plurals, units, expiry lines."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime, timedelta

import pytest

from rayport.bot import ConfigSummary, UserStatus, texts

NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)


def test_every_text_exists_in_both_languages() -> None:
    tables = [v for k, v in vars(texts).items() if k.isupper() and isinstance(v, Mapping)]
    # tables keyed by something else (status, line name) hold per-language tables
    nested = [v for t in tables if set(t) != {"ru", "en"} for v in t.values()]
    per_language = [t for t in [*tables, *nested] if isinstance(t, Mapping) and "en" in t]
    assert len(per_language) >= 20
    for table in per_language:
        assert set(table) == {"ru", "en"}, table
        assert all(table[lang] for lang in ("ru", "en"))


@pytest.mark.parametrize(
    ("days", "ru", "en"),
    [
        (1, "ещё 1 день", "1 day left"),
        (2, "ещё 2 дня", "2 days left"),
        (5, "ещё 5 дней", "5 days left"),
        (11, "ещё 11 дней", "11 days left"),
        (14, "ещё 14 дней", "14 days left"),
        (21, "ещё 21 день", "21 days left"),
        (22, "ещё 22 дня", "22 days left"),
        (111, "ещё 111 дней", "111 days left"),
    ],
)
def test_days_left_plurals(days: int, ru: str, en: str) -> None:
    assert texts.days_left("ru", days) == ru
    assert texts.days_left("en", days) == en


@pytest.mark.parametrize(
    ("count", "en", "ru"),
    [
        (0, "0 B", "0 Б"),
        (512, "512 B", "512 Б"),
        (1536, "1.5 KB", "1,5 КБ"),
        (3 * 1024**3 // 2, "1.5 GB", "1,5 ГБ"),
        (50 * 1024**3, "50 GB", "50 ГБ"),
        (2 * 1024**4, "2 TB", "2 ТБ"),
        (5000 * 1024**4, "5000 TB", "5000 ТБ"),
    ],
)
def test_format_bytes(count: int, en: str, ru: str) -> None:
    assert texts.format_bytes("en", count) == en
    assert texts.format_bytes("ru", count) == ru


def test_status_lines() -> None:
    user = UserStatus(
        login="a",
        configs=[
            ConfigSummary("vless", "update_pending", NOW + timedelta(hours=5), 0, 0),
            ConfigSummary("trojan", "disabled", None, 10, 1024),
        ],
    )
    en = texts.status("en", user, NOW)
    assert "<b>VLESS</b> — changes pending" in en
    assert "Valid until 2026-11-26 (less than a day left)" in en
    assert "Traffic: 0 B (unlimited)" in en
    assert "<b>Trojan</b> — disabled\nNo expiry\nTraffic: 10 B of 1 KB" in en
    ru = texts.status("ru", user, NOW)
    assert "Действует до 26.11.2026 (меньше суток)" in ru
    assert "Бессрочно" in ru
