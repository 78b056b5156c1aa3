"""`rayport doctor`: what is configured, what answers, and what to fix.

Every check says what it saw and, when something is wrong, what to change. ``fail`` makes
the command exit non-zero; ``warn`` is something an operator should know (a feature off, a
production setting worth a second look).

``python -m rayport.doctor notifier|bot`` is the container health check of those processes
in ``deploy/compose.yml`` (`probe`): exit 0 when healthy, 1 with the reason otherwise.
"""

from __future__ import annotations

import asyncio
import ipaddress
import smtplib
import ssl
import sys
from dataclasses import dataclass
from typing import Literal
from urllib.parse import urlsplit

import sqlalchemy as sa
from pydantic import ValidationError

from rayport.api.ratelimit import RateLimiter
from rayport.cache import CacheUnavailable, create_cache
from rayport.db import migrate
from rayport.db.engine import create_engine
from rayport.settings import DEV_ALLOWED_ORIGINS, DEV_JWT_SECRET, WEAK_PASSWORDS, Settings

CHECK_TIMEOUT_SEC = 10.0
MIN_SECRET_DISTINCT_CHARS = 10

State = Literal["ok", "warn", "fail"]


@dataclass(frozen=True)
class CheckResult:
    name: str
    state: State
    detail: str


async def _database(settings: Settings) -> list[CheckResult]:
    engine = create_engine(settings.db.url)
    try:
        async with asyncio.timeout(5), engine.connect() as connection:
            await connection.execute(sa.text("SELECT 1"))
    except Exception as exc:
        return [
            CheckResult(
                "database",
                "fail",
                f"cannot connect ({type(exc).__name__}); "
                "check DATABASE_URL and that the server is running",
            )
        ]
    finally:
        await engine.dispose()
    results = [CheckResult("database", "ok", settings.db.url.split("@")[-1])]
    current = await asyncio.to_thread(migrate.current_heads, settings.db.url)
    expected = migrate.script_heads()
    if current == expected:
        results.append(CheckResult("migrations", "ok", f"at {', '.join(sorted(current))}"))
    else:
        results.append(
            CheckResult(
                "migrations",
                "fail",
                f"database at {sorted(current) or 'nothing'}, code expects "
                f"{sorted(expected)}: run `rayport migrate`",
            )
        )
    return results


async def _cache(settings: Settings) -> list[CheckResult]:
    cache = create_cache(settings.cache)
    limiter = RateLimiter(settings.rate_limit, settings.cache)
    try:
        try:
            await cache.ping()
            cache_result = CheckResult("cache", "ok", cache.name)
        except CacheUnavailable:
            cache_result = CheckResult("cache", "fail", "Redis does not answer: check REDIS_URL")
        limiter_ok = await limiter.check()
        limiter_result = CheckResult(
            "rate-limit store",
            "ok" if limiter_ok else "fail",
            limiter.store_name if limiter_ok else "does not answer: check RATE_LIMIT_REDIS_URL",
        )
    finally:
        await cache.close()
        await limiter.close()
    if cache.name == "memory":
        cache_result = CheckResult(
            "cache",
            "warn" if settings.is_production else "ok",
            "in-process memory (set REDIS_URL to run several processes)",
        )
    return [cache_result, limiter_result]


def _configuration(settings: Settings) -> list[CheckResult]:
    results = []
    if settings.auth.jwt_secret.get_secret_value() == DEV_JWT_SECRET:
        results.append(
            CheckResult(
                "JWT_SECRET",
                "warn" if not settings.is_production else "fail",
                "development default: set a random value of 32+ bytes",
            )
        )
    if not settings.xui.configured:
        results.append(CheckResult("3X-UI", "warn", "XUI_URL not set: VPN configs are off"))
    if not settings.telegram.configured:
        results.append(
            CheckResult(
                "Telegram", "warn", "TELEGRAM_BOT_TOKEN not set: Telegram login and bot are off"
            )
        )
    if settings.smtp.url is None:
        results.append(CheckResult("e-mail", "warn", "SMTP_URL not set: e-mail notices are off"))
    return results


async def _panel(settings: Settings) -> list[CheckResult]:
    """Login, and the inbound of each config type found by its remark."""
    if not settings.xui.configured:
        return []
    from rayport.configs.panel import Panel
    from rayport.errors import XuiError, XuiUnavailable
    from rayport.models.enums import ConfigType

    try:
        panel = Panel(settings.xui)
    except ValueError as exc:
        return [CheckResult("3X-UI", "fail", f"{exc}: fix XUI_URL")]
    results: list[CheckResult] = []
    try:
        async with asyncio.timeout(CHECK_TIMEOUT_SEC + 3 * settings.xui.timeout_sec):
            status = await panel.status()
            if not status.reachable:
                return [
                    CheckResult(
                        "3X-UI",
                        "fail",
                        f"panel unreachable ({status.error}): check XUI_URL (scheme, host, "
                        "port and the panel's web base path) and that RayPort can reach it",
                    )
                ]
            if not status.ok:
                return [
                    CheckResult(
                        "3X-UI",
                        "fail",
                        f"{status.error}: check XUI_USERNAME / XUI_PASSWORD or XUI_API_TOKEN "
                        "(and that XUI_URL includes the web base path)",
                    )
                ]
            era = status.era.value if status.era else "unknown era"
            version = f", panel {status.panel_version}" if status.panel_version else ""
            results.append(CheckResult("3X-UI", "ok", f"logged in ({era}{version})"))
            for config_type in ConfigType:
                remark = panel.remarks[config_type]
                name = f"3X-UI inbound {config_type.value}"
                variable = f"XUI_{config_type.value.upper()}_REMARK"
                try:
                    inbound = await panel.inbound(config_type, fresh=True)
                except XuiError as exc:
                    results.append(
                        CheckResult(
                            name,
                            "fail",
                            f"{exc.message}: create a {config_type.value} inbound with the "
                            f"remark {remark!r} on the panel, or set {variable}",
                        )
                    )
                    continue
                detail = (
                    f"remark {remark!r}: id {inbound.id}, port {inbound.port}, "
                    f"{inbound.stream.network}/{inbound.stream.security}"
                )
                if not inbound.enable:
                    results.append(
                        CheckResult(name, "warn", f"{detail}, DISABLED on the panel: enable it")
                    )
                else:
                    results.append(CheckResult(name, "ok", detail))
    except (XuiUnavailable, TimeoutError) as exc:
        results.append(
            CheckResult("3X-UI", "fail", f"the panel stopped answering ({type(exc).__name__})")
        )
    finally:
        await panel.close()
    if not settings.xui.public_host:
        results.append(
            CheckResult(
                "XUI_PUBLIC_HOST",
                "warn",
                f"not set: share links point at the panel's host {panel.public_host!r}; "
                "set the address users connect to",
            )
        )
    return results


async def _telegram(settings: Settings) -> list[CheckResult]:
    """getMe with the token, and whether the bot polls or receives a webhook."""
    if not settings.telegram.configured:
        return []
    from aiogram.exceptions import TelegramUnauthorizedError

    from rayport.bot.app import build_bot

    assert settings.telegram.bot_token is not None
    try:
        bot = build_bot(settings.telegram.bot_token.get_secret_value(), settings.telegram.api_url)
    except ValueError as exc:
        return [CheckResult("Telegram", "fail", f"{exc}: copy it from @BotFather")]
    try:
        async with asyncio.timeout(CHECK_TIMEOUT_SEC):
            me = await bot.get_me()
            webhook = await bot.get_webhook_info()
    except TelegramUnauthorizedError:
        return [
            CheckResult(
                "Telegram",
                "fail",
                "the Bot API refused TELEGRAM_BOT_TOKEN (getMe: unauthorized): copy the "
                "current token from @BotFather",
            )
        ]
    except Exception as exc:
        where = "TELEGRAM_API_URL" if settings.telegram.api_url else "api.telegram.org"
        return [
            CheckResult(
                "Telegram",
                "fail",
                f"cannot reach the Bot API ({type(exc).__name__}): check the network to {where}",
            )
        ]
    finally:
        await bot.session.close()
    expected = settings.web_app_url.rstrip("/") + "/api/telegram/webhook"
    results = [CheckResult("Telegram", "ok", f"bot @{me.username}")]
    if not webhook.url:
        results.append(CheckResult("Telegram mode", "ok", "long polling: run `rayport bot`"))
    elif webhook.url != expected:
        results.append(
            CheckResult(
                "Telegram mode",
                "warn",
                f"a webhook is set to another URL than {expected}: run `rayport bot --webhook` "
                "(or delete the webhook to poll)",
            )
        )
    elif webhook.last_error_message:
        results.append(
            CheckResult(
                "Telegram mode",
                "warn",
                f"webhook: Telegram reports {webhook.last_error_message!r} "
                "(is the API reachable over https from the internet?)",
            )
        )
    else:
        results.append(CheckResult("Telegram mode", "ok", f"webhook {expected}"))
    return results


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _smtp_blocking(url: str, timeout: float) -> str:
    """Connect, STARTTLS when offered (required before a password leaves the host), log
    in when there are credentials; the way the notifier sends. Raises on any problem."""
    from rayport.notifier.email import parse_smtp_url

    target = parse_smtp_url(url)
    context = ssl.create_default_context()
    client: smtplib.SMTP
    if target.implicit_tls:
        client = smtplib.SMTP_SSL(target.host, target.port, timeout=timeout, context=context)
    else:
        client = smtplib.SMTP(target.host, target.port, timeout=timeout)
    with client:
        client.ehlo()
        tls = "TLS" if target.implicit_tls else "no TLS"
        if not target.implicit_tls:
            if client.has_extn("starttls"):
                client.starttls(context=context)
                client.ehlo()
                tls = "STARTTLS"
            elif target.username and not _is_loopback(target.host):
                raise smtplib.SMTPNotSupportedError(
                    "the server does not offer STARTTLS and RayPort will not send the "
                    "password in clear: use smtps:// or a server with STARTTLS"
                )
        if target.username:
            client.login(target.username, target.password or "")
        client.noop()
    auth = "logged in" if target.username else "no login"
    return f"{target.host}:{target.port}, {tls}, {auth}"


async def _smtp(settings: Settings) -> list[CheckResult]:
    if settings.smtp.url is None or not settings.smtp.url.get_secret_value():
        return []
    url = settings.smtp.url.get_secret_value()
    try:
        detail = await asyncio.wait_for(
            asyncio.to_thread(_smtp_blocking, url, CHECK_TIMEOUT_SEC), CHECK_TIMEOUT_SEC + 5
        )
    except ssl.SSLError as exc:  # before ValueError: certificate errors are both
        return [
            CheckResult(
                "e-mail",
                "fail",
                f"TLS with the SMTP server failed ({exc.reason or type(exc).__name__}): its "
                "certificate must be valid for the host name in SMTP_URL",
            )
        ]
    except ValueError as exc:  # SMTP_URL itself
        return [CheckResult("e-mail", "fail", str(exc))]
    except smtplib.SMTPAuthenticationError:
        return [
            CheckResult(
                "e-mail",
                "fail",
                "the SMTP server refused the login: check user and password "
                "in SMTP_URL (percent-encode special characters)",
            )
        ]
    except smtplib.SMTPNotSupportedError as exc:
        return [CheckResult("e-mail", "fail", str(exc))]
    except (smtplib.SMTPException, OSError, TimeoutError) as exc:
        return [
            CheckResult(
                "e-mail",
                "fail",
                f"cannot talk to the SMTP server ({type(exc).__name__}): check host and port "
                "in SMTP_URL (587 STARTTLS: smtp://, 465 TLS: smtps://) and the firewall",
            )
        ]
    return [CheckResult("e-mail", "ok", detail)]


def _production(settings: Settings) -> list[CheckResult]:
    """What production needs beyond what the settings refuse at start-up: checked again
    here (settings may come from elsewhere) and judged more strictly."""
    if not settings.is_production:
        return []
    results: list[CheckResult] = []
    secret = settings.auth.jwt_secret.get_secret_value()
    if (
        secret == DEV_JWT_SECRET
        or len(secret.encode()) < 32
        or len(set(secret)) < MIN_SECRET_DISTINCT_CHARS
    ):
        results.append(
            CheckResult(
                "JWT_SECRET",
                "fail",
                "weak: use 32+ random bytes, e.g. "
                '`python3 -c "import secrets; print(secrets.token_urlsafe(48))"`',
            )
        )
    else:
        results.append(CheckResult("JWT_SECRET", "ok", "strong enough"))
    password = settings.auth.superuser_password
    value = password.get_secret_value() if password else ""
    if value.lower() in WEAK_PASSWORDS or len(value) < 12:
        results.append(
            CheckResult("SUPERUSER_PASSWORD", "fail", "weak or unset: use 12+ characters")
        )
    origins = settings.allowed_origins
    if "allowed_origins" not in settings.model_fields_set or origins == list(DEV_ALLOWED_ORIGINS):
        results.append(
            CheckResult(
                "ALLOWED_ORIGINS",
                "fail",
                "the development default: set the https origin(s) users open RayPort on",
            )
        )
    elif "*" in origins:
        results.append(CheckResult("ALLOWED_ORIGINS", "fail", "'*' lets any site call the API"))
    elif any(urlsplit(origin).scheme != "https" for origin in origins):
        results.append(
            CheckResult("ALLOWED_ORIGINS", "warn", "has a non-https origin: is that intended?")
        )
    else:
        results.append(CheckResult("ALLOWED_ORIGINS", "ok", ", ".join(origins) or "none"))
    if settings.docs_enabled:
        results.append(
            CheckResult(
                "DOCS_ENABLED",
                "warn",
                "API docs are public at /api/docs: set DOCS_ENABLED=false unless you mean it",
            )
        )
    if urlsplit(settings.web_app_url).scheme != "https":
        results.append(
            CheckResult(
                "WEB_APP_URL",
                "fail",
                "not https: Telegram refuses Mini App buttons to http URLs and browsers "
                "treat the site as insecure",
            )
        )
    if not settings.trusted_proxies:
        results.append(
            CheckResult(
                "TRUSTED_PROXIES",
                "warn",
                "empty: behind a reverse proxy every client looks like the proxy (one rate "
                "limit for everybody); set the proxy's address or network",
            )
        )
    if settings.db.is_sqlite:
        results.append(
            CheckResult(
                "DATABASE_URL", "warn", "SQLite: one process only; use PostgreSQL in production"
            )
        )
    return results


async def run_checks(settings: Settings) -> list[CheckResult]:
    # Local dependencies first, alone: Redis calls have a 250 ms budget that the set-up of
    # the external clients (TLS contexts, sessions) would eat into.
    database, cache = await asyncio.gather(_database(settings), _cache(settings))
    panel, telegram, smtp = await asyncio.gather(
        _panel(settings), _telegram(settings), _smtp(settings)
    )
    return [
        *database,
        *cache,
        *panel,
        *telegram,
        *smtp,
        *_configuration(settings),
        *_production(settings),
    ]


# --- container health checks ------------------------------------------------------------


async def probe(settings: Settings, process: str) -> CheckResult:
    """Is this process healthy, as a container health check can tell?

    ``notifier``: the latest heartbeat in the shared cache is fresh (some replica finished
    a loop within two periods). ``bot``: the Bot API answers getMe with the token (the
    poller itself is the container's main process: if it dies, the container stops).
    """
    if process == "notifier":
        from rayport.notifier.heartbeat import NotifierState, notifier_state

        cache = create_cache(settings.cache)
        try:
            state = await notifier_state(cache)
        except CacheUnavailable:
            return CheckResult("notifier", "fail", "the cache does not answer: check REDIS_URL")
        finally:
            await cache.close()
        if state is NotifierState.ok:
            return CheckResult("notifier", "ok", "heartbeat is fresh")
        return CheckResult("notifier", "fail", f"heartbeat: {state.value}")
    if process == "bot":
        results = await _telegram(settings)
        if not results:
            return CheckResult("bot", "fail", "TELEGRAM_BOT_TOKEN is not set")
        return results[0]
    raise ValueError(f"no probe for {process!r}: use notifier or bot")


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1 or args[0] not in {"notifier", "bot"}:
        print("usage: python -m rayport.doctor notifier|bot", file=sys.stderr)
        return 2
    try:
        settings = Settings()
    except ValidationError as exc:
        print(f"configuration error: {exc}", file=sys.stderr)
        return 2
    result = asyncio.run(probe(settings, args[0]))
    print(f"{result.name}: {result.state}: {result.detail}")
    return 0 if result.state == "ok" else 1


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
