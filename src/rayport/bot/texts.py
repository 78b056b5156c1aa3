"""Every text the bot sends, in Russian and English, and the formatting of ``/status``.

Messages are sent with ``parse_mode="HTML"``: anything that comes from users (names,
logins) goes through `html.escape` here, nowhere else.
"""

# Russian prose is full of letters that look Latin; that is the point of this file.
# ruff: noqa: RUF001

from __future__ import annotations

import html
from collections.abc import Mapping
from datetime import datetime
from typing import Final

from rayport.bot.backend import ConfigSummary, UserStatus
from rayport.telegram.language import Lang

PARSE_MODE: Final = "HTML"

OPEN_APP_BUTTON: Final[Mapping[Lang, str]] = {
    "ru": "Открыть RayPort",
    "en": "Open RayPort",
}

MENU_BUTTON: Final[Mapping[Lang, str]] = {
    "ru": "Открыть",
    "en": "Open",
}

START: Final[Mapping[Lang, str]] = {
    "ru": (
        "Привет, {name}!\n\n"
        "Здесь ваш VPN в RayPort: ссылки для подключения, срок действия и трафик. "
        "Нажмите «Открыть RayPort» — приложение откроется прямо в Telegram.\n\n"
        "/status — срок и трафик ваших конфигураций\n"
        "/help — справка"
    ),
    "en": (
        "Hi, {name}!\n\n"
        "This is your VPN at RayPort: connection links, expiry and traffic. "
        "Tap “Open RayPort” and the app opens right inside Telegram.\n\n"
        "/status — expiry and traffic of your configs\n"
        "/help — help"
    ),
}

HELP: Final[Mapping[Lang, str]] = {
    "ru": (
        "<b>RayPort</b> — личный кабинет VPN.\n\n"
        "/start — открыть приложение\n"
        "/status — срок действия и трафик ваших конфигураций\n"
        "/help — эта справка\n\n"
        "В приложении: ссылки и QR-коды для подключения, продление, смена лимитов, "
        "новости. Вход через Telegram привязывает этот чат к аккаунту, и бот сможет "
        "предупреждать об окончании срока."
    ),
    "en": (
        "<b>RayPort</b> — your VPN account.\n\n"
        "/start — open the app\n"
        "/status — expiry and traffic of your configs\n"
        "/help — this help\n\n"
        "In the app: connection links and QR codes, renewals, limit changes, news. "
        "Signing in with Telegram links this chat to your account, so the bot can warn "
        "you before a config expires."
    ),
}

SHORT_HELP: Final[Mapping[Lang, str]] = {
    "ru": "Я понимаю /start, /status и /help. Всё остальное — в приложении.",
    "en": "I understand /start, /status and /help. Everything else is in the app.",
}

NOT_LINKED: Final[Mapping[Lang, str]] = {
    "ru": (
        "Этот Telegram ещё не привязан к аккаунту RayPort. Откройте приложение: "
        "вход через Telegram привяжет его сам."
    ),
    "en": (
        "This Telegram account is not linked to a RayPort account yet. Open the app: "
        "signing in with Telegram links it."
    ),
}

NO_CONFIGS: Final[Mapping[Lang, str]] = {
    "ru": "Конфигураций пока нет. Получить их можно в приложении.",
    "en": "No configs yet. You can get them in the app.",
}

STATUS_HEADER: Final[Mapping[Lang, str]] = {
    "ru": "Аккаунт <b>{login}</b>",
    "en": "Account <b>{login}</b>",
}

ERROR: Final[Mapping[Lang, str]] = {
    "ru": "Что-то пошло не так. Попробуйте ещё раз чуть позже.",
    "en": "Something went wrong. Please try again a little later.",
}

COMMANDS: Final[Mapping[Lang, tuple[tuple[str, str], ...]]] = {
    "ru": (
        ("start", "Открыть RayPort"),
        ("status", "Срок и трафик конфигураций"),
        ("help", "Справка"),
    ),
    "en": (
        ("start", "Open RayPort"),
        ("status", "Expiry and traffic of your configs"),
        ("help", "Help"),
    ),
}

_CONFIG_STATUS: Final[Mapping[str, Mapping[Lang, str]]] = {
    "active": {"ru": "активна", "en": "active"},
    "update_pending": {"ru": "ожидает изменений", "en": "changes pending"},
    "expired": {"ru": "истекла", "en": "expired"},
    "disabled": {"ru": "отключена", "en": "disabled"},
}
_CONFIG_TYPE: Final[Mapping[str, str]] = {"vless": "VLESS", "trojan": "Trojan"}
_DATE_FORMAT: Final[Mapping[Lang, str]] = {"ru": "%d.%m.%Y", "en": "%Y-%m-%d"}
_UNITS: Final[Mapping[Lang, tuple[str, ...]]] = {
    "ru": ("Б", "КБ", "МБ", "ГБ", "ТБ"),
    "en": ("B", "KB", "MB", "GB", "TB"),
}
_LINES: Final[Mapping[str, Mapping[Lang, str]]] = {
    "valid_until": {"ru": "Действует до {date} ({left})", "en": "Valid until {date} ({left})"},
    "expired_on": {"ru": "Срок истёк {date}", "en": "Expired on {date}"},
    "no_expiry": {"ru": "Бессрочно", "en": "No expiry"},
    "less_than_a_day": {"ru": "меньше суток", "en": "less than a day left"},
    "traffic": {"ru": "Трафик: {used} из {total}", "en": "Traffic: {used} of {total}"},
    "traffic_unlimited": {"ru": "Трафик: {used} (без лимита)", "en": "Traffic: {used} (unlimited)"},
}


def start(lang: Lang, first_name: str | None) -> str:
    fallback = {"ru": "друг", "en": "there"}[lang]
    return START[lang].format(name=html.escape(first_name or fallback))


def status(lang: Lang, user: UserStatus, now: datetime) -> str:
    """The ``/status`` answer for a linked user; ``now`` must be timezone-aware."""
    header = STATUS_HEADER[lang].format(login=html.escape(user.login))
    if not user.configs:
        return f"{header}\n\n{NO_CONFIGS[lang]}"
    blocks = [_config_block(lang, config, now) for config in user.configs]
    return "\n\n".join([header, *blocks])


def _config_block(lang: Lang, config: ConfigSummary, now: datetime) -> str:
    kind = _CONFIG_TYPE.get(config.type, html.escape(config.type))
    label = _CONFIG_STATUS.get(config.status, {}).get(lang, html.escape(config.status))
    return "\n".join(
        [f"<b>{kind}</b> — {label}", _expiry_line(lang, config, now), _traffic_line(lang, config)]
    )


def _expiry_line(lang: Lang, config: ConfigSummary, now: datetime) -> str:
    if config.valid_to is None:
        return _LINES["no_expiry"][lang]
    date = config.valid_to.strftime(_DATE_FORMAT[lang])
    remaining = config.valid_to - now
    if remaining.total_seconds() <= 0:
        return _LINES["expired_on"][lang].format(date=date)
    # Whole days left, rounded down: "3 days left" is never more than there is.
    left = days_left(lang, remaining.days) if remaining.days else _LINES["less_than_a_day"][lang]
    return _LINES["valid_until"][lang].format(date=date, left=left)


def _traffic_line(lang: Lang, config: ConfigSummary) -> str:
    used = format_bytes(lang, config.used_bytes)
    if not config.total_bytes:
        return _LINES["traffic_unlimited"][lang].format(used=used)
    return _LINES["traffic"][lang].format(used=used, total=format_bytes(lang, config.total_bytes))


def days_left(lang: Lang, days: int) -> str:
    """``"ещё 5 дней"`` / ``"5 days left"`` with the right plural form."""
    if lang == "en":
        return f"{days} day left" if days == 1 else f"{days} days left"
    if days % 10 == 1 and days % 100 != 11:
        word = "день"
    elif days % 10 in (2, 3, 4) and days % 100 not in (12, 13, 14):
        word = "дня"
    else:
        word = "дней"
    return f"ещё {days} {word}"


def format_bytes(lang: Lang, count: int) -> str:
    """Binary units as 3X-UI shows them (1 GB = 1024³ bytes); one decimal below 10."""
    units = _UNITS[lang]
    value = float(max(count, 0))
    unit = 0
    while value >= 1024 and unit < len(units) - 1:
        value /= 1024
        unit += 1
    text = f"{value:.1f}".removesuffix(".0") if value < 10 and unit else f"{value:.0f}"
    if lang == "ru":
        text = text.replace(".", ",")
    return f"{text} {units[unit]}"
