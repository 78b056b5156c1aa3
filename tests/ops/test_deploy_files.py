"""deploy/: the compose files (validated by `docker-compose config` where it is installed,
structurally everywhere) and the two .env.example files against the settings."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from pydantic import ValidationError
from pydantic_settings import BaseSettings

from rayport.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
RAYPORT_SERVICES = {"migrate", "api", "notifier", "bot"}
ALL_SERVICES = {"postgres", "redis", "redis-ratelimit", "web", *RAYPORT_SERVICES}
# DESIGN §9, the canonical names.
DESIGN_VARIABLES = {
    "ENVIRONMENT", "DATABASE_URL", "REDIS_URL", "RATE_LIMIT_REDIS_URL", "JWT_SECRET",
    "SUPERUSER_LOGIN", "SUPERUSER_PASSWORD", "ALLOWED_ORIGINS", "TRUSTED_PROXIES",
    "RATE_LIMIT_DEFAULT", "RATE_LIMIT_AUTH", "RATE_LIMIT_EXCLUDE_IPS", "XUI_URL",
    "XUI_USERNAME", "XUI_PASSWORD", "XUI_API_TOKEN", "XUI_VLESS_REMARK", "XUI_TROJAN_REMARK",
    "XUI_PUBLIC_HOST", "TELEGRAM_BOT_TOKEN", "TELEGRAM_API_URL", "WEB_APP_URL",
    "PROCESS_PERIOD_SEC", "CONFIG_EXPIRY_NOTIF_HOURS", "CLEANUP_PERIOD_DAYS", "SMTP_URL",
    "SMTP_FROM",
}  # fmt: skip
COMPOSE_ONLY = {
    "COMPOSE_PROFILES", "POSTGRES_USER", "POSTGRES_PASSWORD", "POSTGRES_DB", "WEB_BIND",
    "WEB_PORT", "RAYPORT_IMAGE", "RAYPORT_WEB_IMAGE",
}  # fmt: skip


def settings_aliases(model: type[BaseSettings] = Settings) -> set[str]:
    names: set[str] = set()
    for field in model.model_fields.values():
        annotation = field.annotation
        if isinstance(annotation, type) and issubclass(annotation, BaseSettings):
            names |= settings_aliases(annotation)
        elif field.alias:
            names.add(field.alias)
    return names


def assignments(path: Path) -> dict[str, str]:
    found: dict[str, str] = {}
    for line in path.read_text().splitlines():
        match = re.match(r"^([A-Z][A-Z0-9_]*)=(.*)$", line)
        if match:
            assert match[1] not in found, f"{match[1]} twice in {path}"
            found[match[1]] = match[2]
    return found


def test_every_setting_is_documented_in_both_env_examples() -> None:
    aliases = settings_aliases()
    root = assignments(ROOT / ".env.example")
    deploy = assignments(DEPLOY / ".env.example")
    assert aliases - set(root) == set(), "missing in .env.example"
    assert aliases - set(deploy) == set(), "missing in deploy/.env.example"
    assert DESIGN_VARIABLES - set(root) == set() and DESIGN_VARIABLES - set(deploy) == set()
    assert set(root) - aliases == set(), ".env.example documents variables nobody reads"
    assert set(deploy) == set(root) | COMPOSE_ONLY


def test_deploy_env_example_is_generated_from_the_root_one() -> None:
    check = subprocess.run(
        [sys.executable, str(DEPLOY / "env_example.py"), "--check"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert check.returncode == 0, check.stderr


def _environment(path: Path, monkeypatch: pytest.MonkeyPatch, **fill: str) -> None:
    for name, value in assignments(path).items():
        value = fill.get(name, value)
        if value:
            monkeypatch.setenv(name, value)
        else:  # an empty value documents "unset"
            monkeypatch.delenv(name, raising=False)


def test_root_example_shows_the_defaults_and_deploy_example_is_production(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.chdir(tmp_path)  # no .env
    for name in settings_aliases():
        monkeypatch.delenv(name, raising=False)
    defaults = Settings().model_dump()
    _environment(ROOT / ".env.example", monkeypatch)
    assert Settings().model_dump() == defaults  # each documented value is the default

    _environment(DEPLOY / ".env.example", monkeypatch)
    with pytest.raises(ValidationError) as refused:  # the CHANGE-MEs are refused
        Settings()
    assert "JWT_SECRET" in str(refused.value) and "SUPERUSER_PASSWORD" in str(refused.value)
    _environment(
        DEPLOY / ".env.example",
        monkeypatch,
        JWT_SECRET="q" + "Zx9-Lm2_Pw7" * 4,
        SUPERUSER_PASSWORD="a-long-and-strong-one",
    )
    settings = Settings()
    assert settings.is_production and settings.docs_enabled is False
    assert settings.cache.redis_url == "redis://redis:6379/0"
    assert settings.db.url.startswith("postgresql+asyncpg://")


# --- compose -------------------------------------------------------------------------------


def _load(name: str) -> dict[str, Any]:
    data = yaml.safe_load((DEPLOY / name).read_text())
    assert isinstance(data, dict)
    return data


def _check_services(services: dict[str, Any], *, production: bool = True) -> None:
    assert set(services) == ALL_SERVICES
    for name, service in services.items():
        assert service.get("healthcheck", {}).get("test"), f"{name} has no health check"
        assert service.get("restart") in {"unless-stopped", "no"}, name
    for name in RAYPORT_SERVICES:
        assert services[name]["depends_on"]["postgres"]["condition"] == "service_healthy"
    for name in RAYPORT_SERVICES - {"migrate"}:
        depends = services[name]["depends_on"]
        assert depends["migrate"]["condition"] == "service_completed_successfully", name
        assert depends["redis"]["condition"] == "service_healthy", name
    assert services["web"]["depends_on"]["api"]["condition"] == "service_healthy"
    assert services["migrate"]["command"] == ["migrate"]
    assert services["migrate"]["restart"] == "no"
    api = services["api"]
    assert "container_name" not in api  # replicas possible
    if production:
        assert "ports" not in api  # reached through the web container only
    assert set(services["redis-ratelimit"]["profiles"]) == {"ratelimit-redis"}


def test_compose_file_structure() -> None:
    """The raw file, resolved the way compose merges `<<: *rayport` (YAML merge keys)."""
    compose = _load("compose.yml")
    _check_services(compose["services"])
    assert {"postgres-data", "redis-data", "backups"} <= set(compose["volumes"])
    override = _load("compose.override.yml")
    assert set(override["services"]) <= ALL_SERVICES
    assert override["services"]["api"]["ports"] == ["127.0.0.1:${DEV_API_PORT:-8000}:8000"]


def _compose_command() -> list[str] | None:
    """Debian's `docker-compose` (v1), else the `docker compose` plugin (v2)."""
    standalone = shutil.which("docker-compose")
    if standalone:
        return [standalone]
    docker = shutil.which("docker")
    if docker:
        probe = subprocess.run([docker, "compose", "version"], capture_output=True, check=False)
        if probe.returncode == 0:
            return [docker, "compose"]
    return None


@pytest.mark.skipif(_compose_command() is None, reason="docker-compose is not installed")
@pytest.mark.parametrize("files", [["compose.yml"], ["compose.yml", "compose.override.yml"]])
def test_docker_compose_config_accepts_the_files(tmp_path: Path, files: list[str]) -> None:
    command = _compose_command()
    assert command is not None
    project = tmp_path / "deploy"
    project.mkdir()
    for name in files:
        shutil.copy(DEPLOY / name, project / name)
    shutil.copy(DEPLOY / ".env.example", project / ".env")  # as an operator starts
    arguments = [arg for name in files for arg in ("-f", str(project / name))]
    result = subprocess.run(
        [*command, *arguments, "config"],
        capture_output=True,
        text=True,
        check=False,
        cwd=tmp_path,
        env={"PATH": "/usr/bin:/bin:/usr/local/bin", "COMPOSE_PROFILES": "bot,ratelimit-redis"},
    )
    assert result.returncode == 0, result.stderr
    resolved = yaml.safe_load(result.stdout)
    _check_services(resolved["services"], production=files == ["compose.yml"])
    api_env = resolved["services"]["api"]["environment"]
    if files == ["compose.yml"]:
        assert api_env["ENVIRONMENT"] == "production"
        assert "ports" not in resolved["services"]["api"]
    else:
        assert api_env["ENVIRONMENT"] == "development"
