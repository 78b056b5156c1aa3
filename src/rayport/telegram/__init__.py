"""Telegram integration shared by the API, the bot and the notifier.

* `rayport.telegram.auth` — Mini App ``initData`` and Login Widget validation.
* `rayport.telegram.language` — Telegram ``language_code`` → ``"ru"`` | ``"en"``.
"""

from rayport.telegram.auth import (
    AuthFailure,
    TelegramIdentity,
    TelegramLoginPayload,
    TelegramMiniAppLogin,
    TelegramWidgetLogin,
    validate_init_data,
    validate_login_widget,
    validate_telegram_login,
)
from rayport.telegram.language import Lang, lang_from_telegram

__all__ = [
    "AuthFailure",
    "Lang",
    "TelegramIdentity",
    "TelegramLoginPayload",
    "TelegramMiniAppLogin",
    "TelegramWidgetLogin",
    "lang_from_telegram",
    "validate_init_data",
    "validate_login_widget",
    "validate_telegram_login",
]
