"""Settings: environment names of DESIGN §9, production refuses default secrets."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from rayport.settings import Settings


def test_defaults_are_the_embedded_ones(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.chdir(tmp_path)  # no .env here
    settings = Settings()
    assert settings.db.url == "sqlite+aiosqlite:///./data/rayport.db"
    assert settings.cache.redis_url is None
    assert settings.xui.configured is False and settings.telegram.configured is False
    assert settings.notifier.config_expiry_notif_hours == [2]


def test_environment_names_are_read(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgresql+asyncpg://u@h/db")
    monkeypatch.setenv("REDIS_URL", "redis://r:6379/0")
    monkeypatch.setenv("ALLOWED_ORIGINS", "https://a.example, https://b.example")
    monkeypatch.setenv("TRUSTED_PROXIES", "10.0.0.0/8,127.0.0.1")
    monkeypatch.setenv("CONFIG_EXPIRY_NOTIF_HOURS", "2,72,24")
    settings = Settings()
    assert settings.db.url.startswith("postgresql+asyncpg")
    assert settings.cache.rate_limit_url == "redis://r:6379/0"  # defaults to REDIS_URL
    assert settings.allowed_origins == ["https://a.example", "https://b.example"]
    assert len(settings.trusted_proxy_networks) == 2
    assert settings.notifier.config_expiry_notif_hours == [72, 24, 2]


def test_bad_trusted_proxy_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRUSTED_PROXIES", "not-an-ip")
    with pytest.raises(ValidationError):
        Settings()


def test_production_refuses_default_secrets_and_says_which(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ENVIRONMENT", "production")
    with pytest.raises(ValidationError) as excinfo:
        Settings()
    message = str(excinfo.value)
    assert "JWT_SECRET" in message and "SUPERUSER_PASSWORD" in message

    monkeypatch.setenv("JWT_SECRET", "s" * 48)
    monkeypatch.setenv("SUPERUSER_PASSWORD", "admin")
    with pytest.raises(ValidationError) as excinfo:
        Settings()
    assert "SUPERUSER_PASSWORD" in str(excinfo.value) and "JWT_SECRET" not in str(excinfo.value)

    monkeypatch.setenv("SUPERUSER_PASSWORD", "a-long-and-strong-one")
    monkeypatch.setenv("ALLOWED_ORIGINS", "https://rayport.example")
    assert Settings().is_production
