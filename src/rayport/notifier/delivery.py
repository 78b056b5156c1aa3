"""Delivering one claimed notification: pick the channels, try them in order, say what
happened. No database here — the worker records the result in its own unit of work.

Channels, in order: Telegram (the bot is configured and the user has a reachable Telegram
link), e-mail (SMTP is configured and the profile has an address), in-app (always: the
row itself is what the user sees under account/notifications). Telegram messages carry a
Web App button to ``WEB_APP_URL`` in the reader's language (when that URL is https).

A Telegram chat that turns out unreachable (bot blocked, chat not found) or a message
Telegram or the mail server refuses for good falls through to the next channel at once; a
transient failure (network, 5xx, timeout) is retried later on the same channel instead.
"""

from __future__ import annotations

import asyncio
import time
from urllib.parse import urlsplit

from rayport.bot.handlers import open_app_keyboard
from rayport.models.enums import NotificationChannel
from rayport.notifier.email import EmailSender, EmailStatus
from rayport.notifier.schemas import Claim, DeliveryResult, Outcome
from rayport.notifier.texts import email_body, pick, telegram_text
from rayport.telegram.sender import SendStatus, TelegramSender


class Deliverer:
    def __init__(
        self,
        *,
        telegram: TelegramSender | None,
        email: EmailSender | None,
        web_app_url: str,
    ) -> None:
        self.telegram = telegram
        self.email = email
        self.web_app_url = web_app_url
        # Telegram refuses Web App buttons with anything but https (NOTES §4): without it
        # messages go out without the button rather than not at all.
        self.app_button = urlsplit(web_app_url).scheme == "https"

    def channels(self, claim: Claim) -> list[NotificationChannel]:
        channels = []
        if self.telegram is not None and claim.telegram_chat:
            channels.append(NotificationChannel.telegram)
        if self.email is not None and claim.email:
            channels.append(NotificationChannel.email)
        channels.append(NotificationChannel.in_app)
        return channels

    async def deliver(
        self, claim: Claim, *, stop: asyncio.Event | None = None, send_by: float | None = None
    ) -> DeliveryResult:
        """Try the channels in order. `stop` set before a send starts → ``released``;
        `send_by` (epoch seconds) is when the claim is too close to its lease's end to start
        a send. Never raises."""
        title, content = pick(claim.title, claim.lang), pick(claim.content, claim.lang)
        notes: list[str] = []
        unreachable: str | None = None

        def result(
            outcome: Outcome,
            channel: NotificationChannel | None = None,
            error: str | None = None,
            delay: float = 0.0,
        ) -> DeliveryResult:
            return DeliveryResult(outcome, channel, error, delay, unreachable_chat=unreachable)

        if self.telegram is not None and claim.telegram_chat:
            sent = await self.telegram.send(
                claim.telegram_chat,
                telegram_text(title, content),
                open_app_keyboard(claim.lang, self.web_app_url) if self.app_button else None,
                stop=stop,
                send_by=send_by,
            )
            error = f"telegram: {sent.error}" if sent.error else None
            match sent.status:
                case SendStatus.sent:
                    return result(Outcome.sent, channel=NotificationChannel.telegram)
                case SendStatus.unreachable:
                    unreachable = claim.telegram_chat
                    notes.append(error or "telegram: unreachable")
                case SendStatus.rejected:
                    notes.append(error or "telegram: rejected")
                case SendStatus.retry_after | SendStatus.deferred:
                    return result(Outcome.rescheduled, error=error, delay=sent.delay)
                case SendStatus.aborted:
                    return result(Outcome.released)
                case SendStatus.failed:
                    return result(Outcome.failed, channel=NotificationChannel.telegram, error=error)

        if self.email is not None and claim.email:
            if stop is not None and stop.is_set():
                return result(Outcome.released, error="; ".join(notes) or None)
            if send_by is not None and time.time() > send_by:
                return result(Outcome.rescheduled, error="; ".join(notes) or None)
            mailed = await self.email.send(
                claim.email, title, email_body(claim.lang, content, self.web_app_url)
            )
            error = f"email: {mailed.error}" if mailed.error else None
            match mailed.status:
                case EmailStatus.sent:
                    return result(
                        Outcome.sent,
                        channel=NotificationChannel.email,
                        error="; ".join(notes) or None,
                    )
                case EmailStatus.rejected:
                    notes.append(error or "email: rejected")
                case EmailStatus.failed:
                    notes.append(error or "email: failed")
                    return result(
                        Outcome.failed, channel=NotificationChannel.email, error="; ".join(notes)
                    )

        return result(
            Outcome.sent, channel=NotificationChannel.in_app, error="; ".join(notes) or None
        )
