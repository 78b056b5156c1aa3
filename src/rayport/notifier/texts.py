"""The notifier's own notices (expiry, expired, traffic), in Russian and English, and how
any notification is rendered for Telegram and e-mail.

Notices are stored with both languages (like every notice in `rayport.notifications.texts`,
whose `Text` and `Notice` they reuse); the reader's ``profile.lang_code`` picks one at
delivery, falling back to the other language when one is empty. Times are UTC.
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any, Final

from rayport.bot.texts import OPEN_APP_BUTTON, format_bytes
from rayport.models.enums import ConfigType
from rayport.notifications.texts import Notice, Text
from rayport.telegram.language import Lang

TELEGRAM_TEXT_LIMIT: Final = 4096


class NotifierKind(StrEnum):
    """Values of `notification.kind` written by the notifier's scans."""

    config_expiring = "config_expiring"
    config_expired = "config_expired"
    traffic_warning = "config_traffic_warning"  # 80 % of the limit used
    traffic_exhausted = "config_traffic_exhausted"  # 100 %


_TYPE: Final[Mapping[ConfigType, str]] = {ConfigType.vless: "VLESS", ConfigType.trojan: "Trojan"}


def _date(value: datetime) -> Text:
    return Text(ru=value.strftime("%d.%m.%Y %H:%M UTC"), en=value.strftime("%Y-%m-%d %H:%M UTC"))


def _ru_plural(n: int, one: str, few: str, many: str) -> str:
    if n % 10 == 1 and n % 100 != 11:
        return one
    if n % 10 in (2, 3, 4) and n % 100 not in (12, 13, 14):
        return few
    return many


def time_left(left: timedelta) -> Text:
    """``"ещё 5 часов"`` / ``"5 hours left"``: hours under two days, whole days above."""
    hours = int(left.total_seconds() // 3600)
    if hours < 1:
        return Text(ru="меньше часа", en="less than an hour left")
    if hours < 48:
        return Text(
            ru=f"ещё {hours} {_ru_plural(hours, 'час', 'часа', 'часов')}",
            en=f"{hours} hour left" if hours == 1 else f"{hours} hours left",
        )
    days = hours // 24
    return Text(
        ru=f"ещё {days} {_ru_plural(days, 'день', 'дня', 'дней')}",
        en=f"{days} days left",
    )


def _notice(kind: NotifierKind, title: Text, content: Text) -> Notice:
    return Notice(kind=kind.value, title=title.as_dict(), content=content.as_dict())


def config_expiring(config_type: ConfigType, valid_to: datetime, now: datetime) -> Notice:
    name = _TYPE[config_type]
    date, left = _date(valid_to), time_left(valid_to - now)
    return _notice(
        NotifierKind.config_expiring,
        Text(ru=f"Конфигурация {name} скоро истечёт", en=f"Your {name} config expires soon"),
        Text(
            ru=f"Конфигурация {name} действует до {date.ru} ({left.ru}). Запросите продление "
            "в приложении, чтобы VPN продолжал работать.",
            en=f"Your {name} config is valid until {date.en} ({left.en}). Ask for a renewal "
            "in the app to keep your VPN working.",
        ),
    )


def config_expired(config_type: ConfigType, valid_to: datetime) -> Notice:
    name = _TYPE[config_type]
    date = _date(valid_to)
    return _notice(
        NotifierKind.config_expired,
        Text(ru=f"Срок конфигурации {name} истёк", en=f"Your {name} config has expired"),
        Text(
            ru=f"Конфигурация {name} перестала работать {date.ru}. Запросите продление в "
            "приложении.",
            en=f"Your {name} config stopped working on {date.en}. Ask for a renewal in the app.",
        ),
    )


def traffic_warning(config_type: ConfigType, used_bytes: int, total_bytes: int) -> Notice:
    name = _TYPE[config_type]
    used = Text(ru=format_bytes("ru", used_bytes), en=format_bytes("en", used_bytes))
    total = Text(ru=format_bytes("ru", total_bytes), en=format_bytes("en", total_bytes))
    return _notice(
        NotifierKind.traffic_warning,
        Text(ru=f"{name}: израсходовано 80% трафика", en=f"{name}: 80% of your traffic used"),
        Text(
            ru=f"По конфигурации {name} израсходовано {used.ru} из {total.ru}. Если не хватит, "
            "запросите больший лимит в приложении.",
            en=f"You have used {used.en} of {total.en} on your {name} config. If that will not "
            "be enough, ask for a bigger limit in the app.",
        ),
    )


def traffic_exhausted(config_type: ConfigType, total_bytes: int) -> Notice:
    name = _TYPE[config_type]
    total = Text(ru=format_bytes("ru", total_bytes), en=format_bytes("en", total_bytes))
    return _notice(
        NotifierKind.traffic_exhausted,
        Text(ru=f"{name}: трафик закончился", en=f"{name}: traffic limit reached"),
        Text(
            ru=f"По конфигурации {name} израсходован весь трафик ({total.ru}), VPN не будет "
            "работать, пока лимит не увеличат. Запросите больший лимит в приложении.",
            en=f"Your {name} config has used all of its {total.en}; the VPN stops until the "
            "limit is raised. Ask for a bigger limit in the app.",
        ),
    )


# --- rendering any notification -------------------------------------------------------


def pick(localized: Mapping[str, Any], lang: Lang) -> str:
    """The text in `lang`, else in the other language, else empty."""
    other: Lang = "en" if lang == "ru" else "ru"
    for key in (lang, other):
        value = localized.get(key)
        if isinstance(value, str) and value:
            return value
    return ""


def telegram_text(title: str, content: str) -> str:
    """HTML for ``sendMessage``: the title in bold, then the content; both escaped, the
    content shortened to fit Telegram's 4096 characters."""
    head = f"<b>{html.escape(title)}</b>\n\n" if title else ""
    body = html.escape(content)
    room = TELEGRAM_TEXT_LIMIT - len(head)
    if len(body) > room:
        # Cut the plain text, not the escaped one, so no entity is split in half.
        keep = len(content)
        while len(body) > room and keep > 0:
            keep -= max(1, len(body) - room)
            body = html.escape(content[:keep].rstrip()) + "…"
    return head + body


def email_body(lang: Lang, content: str, web_app_url: str) -> str:
    return f"{content}\n\n{OPEN_APP_BUTTON[lang]}: {web_app_url}\n"
