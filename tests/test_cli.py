"""The `rayport` command line on the embedded default, as an operator runs it."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from rayport.cli import app
from rayport.db.migrate import script_heads
from tests.fixtures.fake_bot_api import FakeBotAPI
from tests.fixtures.telegram import TEST_BOT_TOKEN

runner = CliRunner()


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path / 'data' / 'rp.db'}")
    return tmp_path


def test_migrate_create_superuser_reset_and_doctor(workdir: Path) -> None:
    doctor_before = runner.invoke(app, ["doctor"])
    assert doctor_before.exit_code == 1
    assert "rayport migrate" in doctor_before.output

    migrated = runner.invoke(app, ["migrate"])
    assert migrated.exit_code == 0, migrated.output
    assert ", ".join(sorted(script_heads())) in migrated.output

    created = runner.invoke(app, ["create-superuser"])
    assert created.exit_code == 0 and "created with password" in created.output
    again = runner.invoke(app, ["create-superuser"])
    assert again.exit_code == 0 and "is ready" in again.output
    reset = runner.invoke(app, ["create-superuser", "--reset"])
    assert reset.exit_code == 0 and "new password" in reset.output
    missing = runner.invoke(app, ["create-superuser", "--login", "ghost", "--reset"])
    assert missing.exit_code == 1

    doctor = runner.invoke(app, ["doctor"])
    assert doctor.exit_code == 0, doctor.output
    assert "[ ok ] migrations" in doctor.output
    assert "XUI_URL not set" in doctor.output


def test_doctor_fails_on_an_unreachable_database(
    workdir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgresql+asyncpg://postgres@127.0.0.1:1/none")
    result = runner.invoke(app, ["doctor"])
    assert result.exit_code == 1
    assert "cannot connect" in result.output


def test_production_with_default_secrets_refuses_to_start(
    workdir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ENVIRONMENT", "production")
    result = runner.invoke(app, ["migrate"])
    assert result.exit_code == 2
    assert "JWT_SECRET" in result.output


def test_openapi_lists_the_auth_routes(workdir: Path) -> None:
    result = runner.invoke(app, ["openapi"])
    assert result.exit_code == 0
    assert '"/api/auth/v1/login"' in result.output


def test_bot_webhook_mode_registers_the_api_endpoint(
    workdir: Path,
    monkeypatch: pytest.MonkeyPatch,
    fake_bot_api: FakeBotAPI,
) -> None:
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", TEST_BOT_TOKEN)
    monkeypatch.setenv("TELEGRAM_API_URL", fake_bot_api.url)
    monkeypatch.setenv("WEB_APP_URL", "https://rayport.example")
    assert runner.invoke(app, ["migrate"]).exit_code == 0
    result = runner.invoke(app, ["bot", "--webhook"])
    assert result.exit_code == 0, result.output
    assert fake_bot_api.webhook is not None
    assert fake_bot_api.webhook["url"] == "https://rayport.example/api/telegram/webhook"
    assert fake_bot_api.webhook.get("secret_token")


def test_bot_without_a_token_says_so(workdir: Path) -> None:
    result = runner.invoke(app, ["bot"])
    assert result.exit_code == 2
    assert "TELEGRAM_BOT_TOKEN" in result.output
