"""The Telegram bot: ``/start`` opens the web app as a Mini App.

Build with `build_bot` + `build_dispatcher`, then either `run_polling` or, behind the
API, `install_webhook` + `make_webhook_handler`. Data access goes through `BotBackend`.
"""

from rayport.bot.app import build_bot, build_dispatcher, configure_bot, run_polling
from rayport.bot.backend import BotBackend, ConfigSummary, UserStatus
from rayport.bot.webhook import (
    SECRET_HEADER,
    WebhookHandler,
    derive_webhook_secret,
    install_webhook,
    make_webhook_handler,
)

__all__ = [
    "SECRET_HEADER",
    "BotBackend",
    "ConfigSummary",
    "UserStatus",
    "WebhookHandler",
    "build_bot",
    "build_dispatcher",
    "configure_bot",
    "derive_webhook_secret",
    "install_webhook",
    "make_webhook_handler",
    "run_polling",
]
