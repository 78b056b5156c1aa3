"""Settings from the environment (and a `.env` file), validated at start-up.

Names are the canonical ones of DESIGN §9 (flat: ``DATABASE_URL``, ``REDIS_URL``, ...); in
code they are grouped (``settings.db.url``, ``settings.cache.redis_url``...). Every variable
is documented, with its default, in ``.env.example``.
"""

from __future__ import annotations

import ipaddress
from enum import StrEnum
from functools import cached_property
from typing import Annotated, Any

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

DEV_JWT_SECRET = "dev-only-insecure-jwt-secret-change-me-0123456789"  # noqa: S105
WEAK_PASSWORDS = frozenset({"", "admin", "password", "changeme", "changethis", "123456"})
DEV_ALLOWED_ORIGINS = ("http://127.0.0.1:8000", "http://localhost:5173")

_CONFIG = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")


def _split_list(value: Any) -> Any:
    if isinstance(value, str):
        return [item.strip() for item in value.split(",") if item.strip()]
    return value


CommaList = Annotated[list[str], NoDecode]


class Environment(StrEnum):
    development = "development"
    test = "test"
    production = "production"


class DatabaseSettings(BaseSettings):
    model_config = _CONFIG

    url: str = Field("sqlite+aiosqlite:///./data/rayport.db", alias="DATABASE_URL")
    pool_size: int = Field(20, alias="DATABASE_POOL_SIZE", ge=1)
    max_overflow: int = Field(10, alias="DATABASE_MAX_OVERFLOW", ge=0)
    echo: bool = Field(False, alias="DATABASE_ECHO")

    @property
    def is_sqlite(self) -> bool:
        return self.url.startswith("sqlite")


class CacheSettings(BaseSettings):
    model_config = _CONFIG

    redis_url: str | None = Field(None, alias="REDIS_URL")
    rate_limit_redis_url: str | None = Field(None, alias="RATE_LIMIT_REDIS_URL")
    # Redis is on the hot path of every authenticated request: a frozen Redis must cost at
    # most this much, once, before the circuit breaker routes around it.
    timeout_sec: float = Field(0.25, alias="REDIS_TIMEOUT_SEC", gt=0, le=0.25)
    breaker_open_sec: float = Field(5.0, alias="REDIS_BREAKER_OPEN_SEC", gt=0, le=10)
    key_prefix: str = Field("rayport:", alias="REDIS_KEY_PREFIX")

    @property
    def rate_limit_url(self) -> str | None:
        return self.rate_limit_redis_url or self.redis_url


class AuthSettings(BaseSettings):
    model_config = _CONFIG

    jwt_secret: SecretStr = Field(SecretStr(DEV_JWT_SECRET), alias="JWT_SECRET")
    access_token_minutes: int = Field(15, alias="ACCESS_TOKEN_MINUTES", ge=1, le=60)
    refresh_token_days: int = Field(30, alias="REFRESH_TOKEN_DAYS", ge=1, le=365)
    session_limit: int = Field(3, alias="SESSION_LIMIT", ge=1, le=100)
    # How long an API process trusts a cached "session is live" answer when the revocation
    # could not reach Redis (Redis down at that moment). Normal revocations are immediate.
    session_cache_sec: int = Field(60, alias="SESSION_CACHE_SEC", ge=1, le=600)
    superuser_login: str = Field("admin", alias="SUPERUSER_LOGIN")
    superuser_password: SecretStr | None = Field(None, alias="SUPERUSER_PASSWORD")


class RateLimitSettings(BaseSettings):
    model_config = _CONFIG

    default: str = Field("120/minute", alias="RATE_LIMIT_DEFAULT")
    auth: str = Field("10/minute", alias="RATE_LIMIT_AUTH")
    exclude_ips: CommaList = Field(default_factory=list, alias="RATE_LIMIT_EXCLUDE_IPS")
    enabled: bool = Field(True, alias="RATE_LIMIT_ENABLED")

    _split = field_validator("exclude_ips", mode="before")(_split_list)


class XuiSettings(BaseSettings):
    model_config = _CONFIG

    url: str | None = Field(None, alias="XUI_URL")
    username: str | None = Field(None, alias="XUI_USERNAME")
    password: SecretStr | None = Field(None, alias="XUI_PASSWORD")
    api_token: SecretStr | None = Field(None, alias="XUI_API_TOKEN")
    vless_remark: str = Field("vless", alias="XUI_VLESS_REMARK")
    trojan_remark: str = Field("trojan", alias="XUI_TROJAN_REMARK")
    public_host: str | None = Field(None, alias="XUI_PUBLIC_HOST")
    timeout_sec: float = Field(10.0, alias="XUI_TIMEOUT_SEC", gt=0)

    @property
    def configured(self) -> bool:
        return bool(self.url)


class TelegramSettings(BaseSettings):
    model_config = _CONFIG

    bot_token: SecretStr | None = Field(None, alias="TELEGRAM_BOT_TOKEN")
    api_url: str | None = Field(None, alias="TELEGRAM_API_URL")
    auth_max_age_sec: int = Field(86400, alias="TELEGRAM_AUTH_MAX_AGE_SEC", ge=60)
    webhook_secret: SecretStr | None = Field(None, alias="TELEGRAM_WEBHOOK_SECRET")

    @property
    def configured(self) -> bool:
        return self.bot_token is not None and bool(self.bot_token.get_secret_value())


class NotifierSettings(BaseSettings):
    model_config = _CONFIG

    process_period_sec: float = Field(10, alias="PROCESS_PERIOD_SEC", gt=0)
    config_expiry_notif_hours: Annotated[list[int], NoDecode] = Field(
        default_factory=lambda: [2], alias="CONFIG_EXPIRY_NOTIF_HOURS"
    )
    cleanup_period_days: int = Field(30, alias="CLEANUP_PERIOD_DAYS", ge=1)
    xui_sync_period_sec: float = Field(300, alias="XUI_SYNC_PERIOD_SEC", gt=0)
    # Delivery: a failed send is retried with exponential backoff and jitter (base doubling
    # per attempt, capped), and given up (`dead`) after this many attempts.
    max_attempts: int = Field(8, alias="NOTIFY_MAX_ATTEMPTS", ge=1)
    retry_base_sec: float = Field(30, alias="NOTIFY_RETRY_BASE_SEC", gt=0)
    retry_max_sec: float = Field(6 * 3600, alias="NOTIFY_RETRY_MAX_SEC", gt=0)
    # How many notifications one worker claims (and has in flight) at once, and how long
    # its claim lasts: a worker that dies mid-batch loses its rows for at most this long.
    batch_size: int = Field(20, alias="NOTIFY_BATCH_SIZE", ge=1, le=500)
    lease_sec: float = Field(120, alias="NOTIFY_LEASE_SEC", ge=2)
    send_timeout_sec: float = Field(15, alias="NOTIFY_SEND_TIMEOUT_SEC", gt=0)
    # Telegram's limits (moving windows, shared by every notifier through Redis when it is
    # configured). Telegram allows ~30/s overall and 1/s per chat; the per-chat window is
    # doubled by default so network jitter can never squeeze two messages into one second.
    telegram_global_limit: str = Field("25/second", alias="NOTIFY_TELEGRAM_GLOBAL_LIMIT")
    telegram_chat_limit: str = Field("1/2seconds", alias="NOTIFY_TELEGRAM_CHAT_LIMIT")

    @field_validator("telegram_global_limit", "telegram_chat_limit")
    @classmethod
    def _limit(cls, value: str) -> str:
        from limits import parse

        parse(value)  # raises ValueError naming the bad string
        return value

    @field_validator("config_expiry_notif_hours", mode="before")
    @classmethod
    def _hours(cls, value: Any) -> Any:
        value = _split_list(value) if isinstance(value, str) else value
        if isinstance(value, int):
            value = [value]
        return sorted({int(v) for v in value}, reverse=True)


class SmtpSettings(BaseSettings):
    model_config = _CONFIG

    url: SecretStr | None = Field(None, alias="SMTP_URL")
    sender: str = Field("RayPort <rayport@localhost>", alias="SMTP_FROM")


class MetricsSettings(BaseSettings):
    """Prometheus metrics (issue #8): `/metrics` on the API, bearer-token protected."""

    model_config = _CONFIG

    enabled: bool = Field(False, alias="METRICS_ENABLED")
    # Required when enabled: scrapers send `Authorization: Bearer <METRICS_TOKEN>`.
    token: SecretStr | None = Field(None, alias="METRICS_TOKEN")
    # The notifier's own metrics endpoint (it has no HTTP server otherwise); unset: none.
    notifier_port: int | None = Field(None, alias="NOTIFIER_METRICS_PORT", ge=1, le=65535)

    @field_validator("notifier_port", mode="before")
    @classmethod
    def _empty_is_none(cls, value: Any) -> Any:
        return None if value == "" else value

    @model_validator(mode="after")
    def _token_when_enabled(self) -> MetricsSettings:
        token = self.token.get_secret_value() if self.token else ""
        if self.enabled and len(token) < 16:
            raise ValueError("METRICS_ENABLED needs METRICS_TOKEN of at least 16 characters")
        return self


class Settings(BaseSettings):
    model_config = _CONFIG

    environment: Environment = Field(Environment.development, alias="ENVIRONMENT")
    web_app_url: str = Field("http://127.0.0.1:8000", alias="WEB_APP_URL")
    allowed_origins: CommaList = Field(
        default_factory=lambda: list(DEV_ALLOWED_ORIGINS),
        alias="ALLOWED_ORIGINS",
    )
    trusted_proxies: CommaList = Field(default_factory=list, alias="TRUSTED_PROXIES")
    max_body_bytes: int = Field(1_048_576, alias="MAX_BODY_BYTES", ge=1024)
    # Requests one API process works on at once; more get 503 + Retry-After at once
    # (bench/overload.py measures where one worker saturates).
    max_in_flight: int = Field(32, alias="MAX_IN_FLIGHT", ge=1)
    log_level: str = Field("INFO", alias="LOG_LEVEL")
    docs_enabled: bool = Field(True, alias="DOCS_ENABLED")

    db: DatabaseSettings = Field(default_factory=DatabaseSettings)
    cache: CacheSettings = Field(default_factory=CacheSettings)
    auth: AuthSettings = Field(default_factory=AuthSettings)
    rate_limit: RateLimitSettings = Field(default_factory=RateLimitSettings)
    xui: XuiSettings = Field(default_factory=XuiSettings)
    telegram: TelegramSettings = Field(default_factory=TelegramSettings)
    notifier: NotifierSettings = Field(default_factory=NotifierSettings)
    smtp: SmtpSettings = Field(default_factory=SmtpSettings)
    metrics: MetricsSettings = Field(default_factory=MetricsSettings)

    _split = field_validator("allowed_origins", "trusted_proxies", mode="before")(_split_list)

    @field_validator("trusted_proxies")
    @classmethod
    def _valid_networks(cls, value: list[str]) -> list[str]:
        for item in value:
            ipaddress.ip_network(item, strict=False)  # raises ValueError with the bad entry
        return value

    @model_validator(mode="after")
    def _refuse_default_secrets(self) -> Settings:
        if self.environment is not Environment.production:
            return self
        if "docs_enabled" not in self.model_fields_set:
            self.docs_enabled = False  # production serves no API docs unless DOCS_ENABLED=true
        problems = []
        secret = self.auth.jwt_secret.get_secret_value()
        if secret == DEV_JWT_SECRET:
            problems.append("JWT_SECRET is the development default; set a random value")
        elif len(secret.encode()) < 32:
            problems.append("JWT_SECRET must be at least 32 bytes")
        password = self.auth.superuser_password
        if password is None or password.get_secret_value().lower() in WEAK_PASSWORDS:
            problems.append("SUPERUSER_PASSWORD must be set to a strong password")
        elif len(password.get_secret_value()) < 12:
            problems.append("SUPERUSER_PASSWORD must be at least 12 characters")
        if "allowed_origins" not in self.model_fields_set or self.allowed_origins == list(
            DEV_ALLOWED_ORIGINS
        ):
            problems.append("ALLOWED_ORIGINS must be set to the origins users open RayPort on")
        if problems:
            raise ValueError("refusing to start in production: " + "; ".join(problems))
        return self

    @cached_property
    def trusted_proxy_networks(self) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
        return tuple(ipaddress.ip_network(item, strict=False) for item in self.trusted_proxies)

    @property
    def is_production(self) -> bool:
        return self.environment is Environment.production


def load_settings(**overrides: Any) -> Settings:
    """Read the environment; `overrides` (by alias) win — used by tests and the CLI."""
    return Settings(**overrides)
