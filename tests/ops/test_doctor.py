"""`rayport doctor` against working and broken settings: real PostgreSQL and Redis, the
3X-UI emulator, the fake Bot API and a real SMTP server (aiosmtpd)."""

from __future__ import annotations

import asyncio
import shutil
import socket
import ssl
import subprocess
from collections.abc import Awaitable, Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from pydantic import SecretStr, ValidationError
from redis.asyncio import Redis
from typer.testing import CliRunner

from rayport.cache import create_cache
from rayport.cli import app
from rayport.doctor import CheckResult, _smtp, main, probe, run_checks
from rayport.notifier.heartbeat import Heartbeat, write_heartbeat
from rayport.settings import (
    AuthSettings,
    Settings,
    SmtpSettings,
    TelegramSettings,
    XuiSettings,
)
from tests.conftest import REDIS_URL, make_settings
from tests.fixtures.fake_bot_api import FakeBotAPI
from tests.fixtures.telegram import OTHER_BOT_TOKEN, TEST_BOT_TOKEN
from tests.fixtures.xui_emulator.server import XuiEmulator

SMTP_USER, SMTP_PASSWORD = "mailer", "mail-pass-1"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class _Sink:
    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        return "250 OK"


def _authenticate(server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> Any:
    ok = isinstance(data, LoginPassword) and (data.login, data.password) == (
        SMTP_USER.encode(),
        SMTP_PASSWORD.encode(),
    )
    return AuthResult(success=ok, handled=False)


@pytest.fixture
def smtp_port() -> Iterator[int]:
    """A real SMTP server that wants a login (allowed without TLS: it is on loopback)."""
    port = _free_port()
    controller = Controller(
        _Sink(),
        hostname="127.0.0.1",
        port=port,
        authenticator=_authenticate,
        auth_require_tls=False,
    )
    controller.start()
    yield port
    controller.stop()


def everything(
    database_url: str,
    emulator: XuiEmulator,
    bot_api: FakeBotAPI,
    smtp_port: int,
    **overrides: Any,
) -> Settings:
    values: dict[str, Any] = {
        "xui": XuiSettings(
            XUI_URL=emulator.url,
            XUI_USERNAME=emulator.username,
            XUI_PASSWORD=SecretStr(emulator.password),
            XUI_PUBLIC_HOST="vpn.example.com",
            XUI_TIMEOUT_SEC=2,
        ),
        "telegram": TelegramSettings(
            TELEGRAM_BOT_TOKEN=SecretStr(TEST_BOT_TOKEN), TELEGRAM_API_URL=bot_api.url
        ),
        "smtp": SmtpSettings(
            SMTP_URL=SecretStr(f"smtp://{SMTP_USER}:{SMTP_PASSWORD}@127.0.0.1:{smtp_port}")
        ),
        "WEB_APP_URL": "https://rayport.example.com",
        **overrides,
    }
    return make_settings(database_url=database_url, **values)


def by_name(results: list[CheckResult]) -> dict[str, CheckResult]:
    return {result.name: result for result in results}


async def test_everything_configured_and_answering(
    pg_url: str,
    redis_client: Redis,
    xui_panel: XuiEmulator,
    fake_bot_api: FakeBotAPI,
    smtp_port: int,
) -> None:
    results = await run_checks(everything(pg_url, xui_panel, fake_bot_api, smtp_port))
    checks = by_name(results)
    assert [r for r in results if r.state != "ok"] == []
    for name in (
        "database",
        "migrations",
        "cache",
        "rate-limit store",
        "3X-UI",
        "3X-UI inbound vless",
        "3X-UI inbound trojan",
        "Telegram",
        "Telegram mode",
        "e-mail",
    ):
        assert name in checks, name
    assert "remark 'vless'" in checks["3X-UI inbound vless"].detail
    assert checks["Telegram"].detail.startswith("bot @")
    assert "long polling" in checks["Telegram mode"].detail
    assert "logged in" in checks["e-mail"].detail


async def test_broken_settings_each_say_what_to_fix(
    new_pg_database: Callable[..., Awaitable[str]],
    xui_panel: XuiEmulator,
    fake_bot_api: FakeBotAPI,
    smtp_port: int,
) -> None:
    unmigrated = await new_pg_database(migrated=False)
    fake_bot_api.token = OTHER_BOT_TOKEN  # the Bot API no longer knows our token
    settings = everything(
        unmigrated,
        xui_panel,
        fake_bot_api,
        smtp_port,
        redis_url="redis://127.0.0.1:1/0",
        xui=XuiSettings(
            XUI_URL=xui_panel.url,
            XUI_USERNAME=xui_panel.username,
            XUI_PASSWORD=SecretStr(xui_panel.password),
            XUI_TROJAN_REMARK="no-such-inbound",
            XUI_TIMEOUT_SEC=2,
        ),
        smtp=SmtpSettings(SMTP_URL=SecretStr(f"smtp://{SMTP_USER}:wrong@127.0.0.1:{smtp_port}")),
    )
    checks = by_name(await run_checks(settings))
    failed = {name for name, result in checks.items() if result.state == "fail"}
    assert failed == {
        "migrations",
        "cache",
        "rate-limit store",
        "3X-UI inbound trojan",
        "Telegram",
        "e-mail",
    }
    assert "rayport migrate" in checks["migrations"].detail
    assert "REDIS_URL" in checks["cache"].detail
    assert "XUI_TROJAN_REMARK" in checks["3X-UI inbound trojan"].detail
    assert checks["3X-UI inbound vless"].state == "ok"
    assert checks["XUI_PUBLIC_HOST"].state == "warn"
    assert "@BotFather" in checks["Telegram"].detail
    assert "refused the login" in checks["e-mail"].detail


async def test_unreachable_panel_bot_api_and_smtp(
    pg_url: str, redis_client: Redis, xui_panel: XuiEmulator, fake_bot_api: FakeBotAPI
) -> None:
    closed = _free_port()
    settings = everything(
        pg_url,
        xui_panel,
        fake_bot_api,
        closed,
        xui=XuiSettings(
            XUI_URL=xui_panel.url,
            XUI_USERNAME=xui_panel.username,
            XUI_PASSWORD=SecretStr("wrong-password"),
            XUI_TIMEOUT_SEC=2,
        ),
        telegram=TelegramSettings(
            TELEGRAM_BOT_TOKEN=SecretStr(TEST_BOT_TOKEN),
            TELEGRAM_API_URL=f"http://127.0.0.1:{closed}",
        ),
    )
    checks = by_name(await run_checks(settings))
    assert checks["3X-UI"].state == "fail"
    assert "XUI_PASSWORD" in checks["3X-UI"].detail
    assert "3X-UI inbound vless" not in checks  # no inbound checks without a login
    assert checks["Telegram"].state == "fail" and "TELEGRAM_API_URL" in checks["Telegram"].detail
    assert checks["e-mail"].state == "fail" and "SMTP_URL" in checks["e-mail"].detail

    with xui_panel.outage():
        down = by_name(await run_checks(settings))
    assert down["3X-UI"].state == "fail" and "unreachable" in down["3X-UI"].detail


def production(**values: Any) -> Settings:
    base: dict[str, Any] = {
        "ENVIRONMENT": "production",
        "ALLOWED_ORIGINS": "https://vpn.example.com",
        "WEB_APP_URL": "https://vpn.example.com",
        "TRUSTED_PROXIES": "172.16.0.0/12",
        "auth": AuthSettings(
            JWT_SECRET=SecretStr("k3J9xQ2mPaL7-vR8tY4uW1zE6sD0fG5hJ2kL9"),
            SUPERUSER_PASSWORD=SecretStr("a-long-and-strong-one"),
        ),
        **values,
    }
    return Settings(**base)


def test_production_requires_explicit_origins_and_hides_the_docs(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    secrets = AuthSettings(
        JWT_SECRET=SecretStr("k" * 40), SUPERUSER_PASSWORD=SecretStr("a-long-and-strong")
    )
    with pytest.raises(ValidationError, match="ALLOWED_ORIGINS"):
        Settings(ENVIRONMENT="production", auth=secrets)  # origins left at the dev default
    with pytest.raises(ValidationError, match="ALLOWED_ORIGINS"):
        production(ALLOWED_ORIGINS="http://127.0.0.1:8000,http://localhost:5173")
    settings = production()
    assert settings.docs_enabled is False
    assert production(DOCS_ENABLED=True).docs_enabled is True
    assert production(ALLOWED_ORIGINS="").allowed_origins == []  # same-origin only is fine
    monkeypatch.setenv("ENVIRONMENT", "development")
    assert Settings().docs_enabled is True


def test_production_checks() -> None:
    from rayport.doctor import _production

    good = by_name(_production(production()))
    assert {name: r.state for name, r in good.items()} == {
        "JWT_SECRET": "ok",
        "ALLOWED_ORIGINS": "ok",
        "DATABASE_URL": "warn",  # the embedded SQLite default
    }
    bad = by_name(
        _production(
            production(
                auth=AuthSettings(
                    JWT_SECRET=SecretStr("ab" * 20), SUPERUSER_PASSWORD=SecretStr("long-enough-pw")
                ),
                ALLOWED_ORIGINS="*",
                DOCS_ENABLED=True,
                WEB_APP_URL="http://vpn.example.com",
                TRUSTED_PROXIES="",
            )
        )
    )
    assert {name: r.state for name, r in bad.items()} == {
        "JWT_SECRET": "fail",
        "ALLOWED_ORIGINS": "fail",
        "DOCS_ENABLED": "warn",
        "WEB_APP_URL": "fail",
        "TRUSTED_PROXIES": "warn",
        "DATABASE_URL": "warn",
    }
    assert "secrets.token_urlsafe" in bad["JWT_SECRET"].detail


def test_cli_exits_non_zero_and_prints_the_fix(
    xui_panel: XuiEmulator, monkeypatch: pytest.MonkeyPatch, tmp_path: Any
) -> None:
    monkeypatch.chdir(tmp_path)
    env = {
        "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'rp.db'}",
        "XUI_URL": xui_panel.url,
        "XUI_USERNAME": xui_panel.username,
        "XUI_PASSWORD": xui_panel.password,
        "XUI_VLESS_REMARK": "gone",
    }
    assert CliRunner().invoke(app, ["migrate"], env=env).exit_code == 0
    result = CliRunner().invoke(app, ["doctor"], env=env)
    assert result.exit_code == 1
    assert "[fail] 3X-UI inbound vless" in result.output
    assert "XUI_VLESS_REMARK" in result.output


async def test_container_probes(
    redis_client: Redis,
    pg_url: str,
    fake_bot_api: FakeBotAPI,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    settings = make_settings(
        database_url=pg_url,
        telegram=TelegramSettings(
            TELEGRAM_BOT_TOKEN=SecretStr(TEST_BOT_TOKEN), TELEGRAM_API_URL=fake_bot_api.url
        ),
    )
    assert (await probe(settings, "notifier")).state == "fail"  # no heartbeat yet
    cache = create_cache(settings.cache)
    try:
        await write_heartbeat(cache, Heartbeat(worker="w", at=datetime.now(UTC), period_sec=10))
    finally:
        await cache.close()
    assert (await probe(settings, "notifier")).state == "ok"
    assert (await probe(settings, "bot")).state == "ok"
    fake_bot_api.token = OTHER_BOT_TOKEN
    assert (await probe(settings, "bot")).state == "fail"
    assert (await probe(make_settings(database_url=pg_url), "bot")).state == "fail"

    monkeypatch.setenv("REDIS_URL", REDIS_URL)
    monkeypatch.setenv("REDIS_KEY_PREFIX", "rayport-test:probe-empty:")
    monkeypatch.chdir("/")
    assert await asyncio.to_thread(main, ["notifier"]) == 1
    assert main(["nonsense"]) == 2


@pytest.mark.skipif(shutil.which("openssl") is None, reason="openssl is not installed")
async def test_smtp_starttls_is_used_and_the_certificate_checked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    await asyncio.to_thread(
        subprocess.run,
        [
            "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
            "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
            "-keyout", str(key), "-out", str(cert),
        ],
        check=True,
        capture_output=True,
    )  # fmt: skip
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    port = _free_port()
    controller = Controller(
        _Sink(), hostname="127.0.0.1", port=port, tls_context=context, authenticator=_authenticate
    )  # AUTH only after STARTTLS (aiosmtpd's default)
    controller.start()
    url = SecretStr(f"smtp://{SMTP_USER}:{SMTP_PASSWORD}@127.0.0.1:{port}")
    settings = make_settings(database_url="sqlite+aiosqlite://", smtp=SmtpSettings(SMTP_URL=url))
    try:
        [untrusted] = await _smtp(settings)  # a self-signed certificate is refused
        assert untrusted.state == "fail" and "CERTIFICATE_VERIFY_FAILED" in untrusted.detail
        assert "certificate must be valid" in untrusted.detail
        monkeypatch.setenv("SSL_CERT_FILE", str(cert))  # now the client trusts it
        [trusted] = await _smtp(settings)
        assert trusted.state == "ok", trusted.detail
        assert "STARTTLS, logged in" in trusted.detail
    finally:
        controller.stop()
