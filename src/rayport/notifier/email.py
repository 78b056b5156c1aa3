"""The e-mail channel: one plain-text message per notification over SMTP.

``SMTP_URL`` is ``smtp://[user:pass@]host[:587]`` (STARTTLS when the server offers it, and
required when credentials would otherwise cross the network in clear) or
``smtps://[user:pass@]host[:465]`` (TLS from the first byte). The stdlib client runs in a
worker thread with a timeout; a connection per message is plenty for notification volumes.
"""

from __future__ import annotations

import asyncio
import ipaddress
import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid, parseaddr
from enum import StrEnum
from urllib.parse import unquote, urlsplit


class EmailStatus(StrEnum):
    sent = "sent"
    rejected = "rejected"
    """The server refused this message or address for good (5xx): retrying will not help."""
    failed = "failed"
    """Connection, timeout, 4xx, authentication: try again later."""


@dataclass(frozen=True, slots=True)
class EmailResult:
    status: EmailStatus
    error: str | None = None


@dataclass(frozen=True, slots=True)
class SmtpTarget:
    host: str
    port: int
    username: str | None
    password: str | None
    implicit_tls: bool

    def __repr__(self) -> str:  # never show the password
        return f"SmtpTarget(host={self.host!r}, port={self.port}, tls={self.implicit_tls})"


def parse_smtp_url(url: str) -> SmtpTarget:
    """Raises ValueError (without echoing the URL, which may hold a password)."""
    parts = urlsplit(url)
    if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
        raise ValueError("SMTP_URL must look like smtp://user:pass@host:587 or smtps://...")
    implicit_tls = parts.scheme == "smtps"
    try:
        port = parts.port or (465 if implicit_tls else 587)
    except ValueError:
        raise ValueError("SMTP_URL has an invalid port") from None
    return SmtpTarget(
        host=parts.hostname,
        port=port,
        username=unquote(parts.username) if parts.username else None,
        password=unquote(parts.password) if parts.password else None,
        implicit_tls=implicit_tls,
    )


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _describe(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"[:500]


class EmailSender:
    def __init__(self, url: str, sender: str, *, timeout: float = 15.0) -> None:
        self.target = parse_smtp_url(url)
        self.sender = sender
        self.timeout = timeout

    def build(self, to: str, subject: str, body: str) -> EmailMessage:
        message = EmailMessage()
        message["From"] = self.sender
        message["To"] = to
        message["Subject"] = subject
        message["Date"] = formatdate(usegmt=True)
        domain = parseaddr(self.sender)[1].rpartition("@")[2] or "localhost"
        message["Message-ID"] = make_msgid(domain=domain)
        message["Auto-Submitted"] = "auto-generated"  # RFC 3834: no auto-replies, please
        message.set_content(body)
        return message

    async def send(self, to: str, subject: str, body: str) -> EmailResult:
        """Send one message; never raises for the server's answers (see `EmailStatus`)."""
        try:
            message = self.build(to, subject, body)
        except ValueError as exc:  # an address or header the e-mail package refuses
            return EmailResult(EmailStatus.rejected, _describe(exc))
        try:
            await asyncio.wait_for(
                asyncio.to_thread(self._send_blocking, message), timeout=self.timeout + 5
            )
        except smtplib.SMTPRecipientsRefused as exc:
            codes = [code for code, _ in exc.recipients.values()]
            permanent = bool(codes) and all(code >= 500 for code in codes)
            status = EmailStatus.rejected if permanent else EmailStatus.failed
            return EmailResult(status, _describe(exc))
        except smtplib.SMTPDataError as exc:
            status = EmailStatus.rejected if exc.smtp_code >= 500 else EmailStatus.failed
            return EmailResult(status, _describe(exc))
        except (smtplib.SMTPException, OSError, TimeoutError) as exc:
            return EmailResult(EmailStatus.failed, _describe(exc))
        return EmailResult(EmailStatus.sent)

    def _send_blocking(self, message: EmailMessage) -> None:
        target = self.target
        context = ssl.create_default_context()
        client: smtplib.SMTP
        if target.implicit_tls:
            client = smtplib.SMTP_SSL(
                target.host, target.port, timeout=self.timeout, context=context
            )
        else:
            client = smtplib.SMTP(target.host, target.port, timeout=self.timeout)
        with client:
            client.ehlo()
            if not target.implicit_tls:
                if client.has_extn("starttls"):
                    client.starttls(context=context)
                    client.ehlo()
                elif target.username and not _is_loopback(target.host):
                    raise smtplib.SMTPNotSupportedError(
                        "the SMTP server does not offer STARTTLS; "
                        "refusing to send the password in clear"
                    )
            if target.username:
                client.login(target.username, target.password or "")
            client.send_message(message)
