"""Notifier fixtures: the fake Bot API (real aiogram over HTTP), a real SMTP server
(aiosmtpd), the test PostgreSQL database, and helpers to seed users, configs and
notifications and to run notifier workers until a condition holds."""

from __future__ import annotations

import asyncio
import email
import email.policy
import socket
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from typing import Any

import pytest
import sqlalchemy as sa
from aiosmtpd.controller import Controller
from pydantic import SecretStr
from redis.asyncio import Redis

from rayport.db.engine import Database
from rayport.models import Config, Notification, Profile, Role, Social, User
from rayport.models.enums import (
    ConfigStatus,
    ConfigType,
    LangCode,
    NotificationStatus,
    RoleName,
    SocialName,
)
from rayport.notifier import Notifier
from rayport.settings import (
    NotifierSettings,
    Settings,
    SmtpSettings,
    TelegramSettings,
    XuiSettings,
)
from tests.conftest import RUN_ID, make_settings
from tests.fixtures.fake_bot_api import FakeBotAPI, fake_bot_api, fake_bot_api_server  # noqa: F401
from tests.fixtures.telegram import TEST_BOT_TOKEN
from tests.fixtures.xui_emulator.fixtures import xui_emulator, xui_panel  # noqa: F401

WEB_APP_URL = "https://rayport.example.com/app"
GIB = 1024**3


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# --- SMTP -------------------------------------------------------------------------------


@dataclass
class Inbox:
    """What the aiosmtpd server received."""

    messages: list[EmailMessage] = field(default_factory=list)
    recipients: list[list[str]] = field(default_factory=list)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        assert isinstance(message, EmailMessage)
        self.messages.append(message)
        self.recipients.append(list(envelope.rcpt_tos))
        return "250 OK"

    def to(self, address: str) -> list[EmailMessage]:
        return [
            m for m, rcpt in zip(self.messages, self.recipients, strict=True) if address in rcpt
        ]


class SmtpServer:
    def __init__(self, port: int | None = None) -> None:
        self.port = port or free_port()
        self.inbox = Inbox()
        self._controller: Controller | None = None

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"

    def start(self) -> None:
        self._controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port)
        self._controller.start()

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None


@pytest.fixture
def smtp_server() -> Iterator[SmtpServer]:
    server = SmtpServer()
    server.start()
    yield server
    server.stop()


# --- settings, database, seeding ----------------------------------------------------------


def notifier_settings(
    database_url: str,
    *,
    bot_api: FakeBotAPI | None = None,
    smtp_url: str | None = None,
    redis_url: str | None = "default",
    key_prefix: str | None = None,
    xui: XuiSettings | None = None,
    web_app_url: str = WEB_APP_URL,
    **notifier: Any,
) -> Settings:
    """Settings for a notifier worker; `notifier` items are NotifierSettings aliases."""
    values: dict[str, Any] = {
        "PROCESS_PERIOD_SEC": 0.2,
        "NOTIFY_RETRY_BASE_SEC": 0.2,
        "NOTIFY_RETRY_MAX_SEC": 2,
        "NOTIFY_SEND_TIMEOUT_SEC": 5,
        "NOTIFY_LEASE_SEC": 30,
        **notifier,
    }
    extra: dict[str, Any] = {} if redis_url == "default" else {"redis_url": redis_url}
    if xui is not None:
        extra["xui"] = xui
    return make_settings(
        database_url=database_url,
        key_prefix=key_prefix,
        WEB_APP_URL=web_app_url,
        notifier=NotifierSettings(**values),
        telegram=TelegramSettings(
            TELEGRAM_BOT_TOKEN=SecretStr(TEST_BOT_TOKEN), TELEGRAM_API_URL=bot_api.url
        )
        if bot_api is not None
        else TelegramSettings(),
        smtp=SmtpSettings(SMTP_URL=SecretStr(smtp_url)) if smtp_url else SmtpSettings(),
        **extra,
    )


def shared_prefix() -> str:
    """A Redis key prefix for workers that must share limits and heartbeat."""
    return f"rayport-test:{RUN_ID}:{uuid.uuid4().hex[:8]}:"


@pytest.fixture
async def db(clean_pg: str, redis_client: Redis) -> AsyncIterator[Database]:
    """The emptied test database, for seeding and checking."""
    database = Database(clean_pg, pool_size=5)
    yield database
    await database.dispose()


def now() -> datetime:
    return datetime.now(UTC)


async def add_user(
    database: Database,
    login: str,
    *,
    lang: LangCode = LangCode.en,
    chat_id: int | None = None,
    email_address: str | None = None,
    role: RoleName = RoleName.user,
) -> uuid.UUID:
    async with database.unit_of_work() as session:
        role_id = await session.scalar(sa.select(Role.id).where(Role.name == role))
        assert role_id is not None
        user = User(login=login, role_id=role_id, sub_token=uuid.uuid4().hex)
        session.add(user)
        await session.flush()
        session.add(Profile(user_id=user.id, lang_code=lang, email=email_address))
        if chat_id is not None:
            session.add(Social(user_id=user.id, name=SocialName.telegram, external_id=str(chat_id)))
        return user.id


async def add_users(
    database: Database, count: int, *, chat_base: int, prefix: str = "bulk"
) -> list[uuid.UUID]:
    """`count` users with Telegram chats ``chat_base + i`` (bulk inserts)."""
    stamp = now()
    ids = [uuid.uuid4() for _ in range(count)]
    async with database.unit_of_work() as session:
        role_id = await session.scalar(sa.select(Role.id).where(Role.name == RoleName.user))
        common = {"created_at": stamp, "updated_at": stamp}
        await session.execute(
            sa.insert(User),
            [
                {
                    "id": i,
                    "login": f"{prefix}_{n}",
                    "role_id": role_id,
                    "sub_token": uuid.uuid4().hex,
                    **common,
                }
                for n, i in enumerate(ids)
            ],
        )
        await session.execute(
            sa.insert(Profile),
            [{"id": uuid.uuid4(), "user_id": i, "lang_code": LangCode.en, **common} for i in ids],
        )
        await session.execute(
            sa.insert(Social),
            [
                {
                    "id": uuid.uuid4(),
                    "user_id": i,
                    "name": SocialName.telegram,
                    "external_id": str(chat_base + n),
                    "reachable": True,
                    **common,
                }
                for n, i in enumerate(ids)
            ],
        )
    return ids


async def add_config(
    database: Database,
    user_id: uuid.UUID,
    *,
    valid_to: datetime,
    config_type: ConfigType = ConfigType.vless,
    total_gb: int = 0,
    used_bytes: int = 0,
    status: ConfigStatus = ConfigStatus.active,
    client_email: str | None = None,
    inbound_id: int = 1,
) -> uuid.UUID:
    async with database.unit_of_work() as session:
        email_name = client_email or f"{uuid.uuid4().hex[:12]}-{config_type.value}"
        config = Config(
            user_id=user_id,
            type=config_type,
            xui_client_id=str(uuid.uuid4()),
            client_email=email_name,
            sub_id=uuid.uuid4().hex[:16],
            inbound_id=inbound_id,
            total_gb=total_gb,
            up_bytes=used_bytes // 2,
            down_bytes=used_bytes - used_bytes // 2,
            valid_from=valid_to - timedelta(days=30),
            valid_to=valid_to,
            status=status,
        )
        session.add(config)
        await session.flush()
        return config.id


async def add_notifications(
    database: Database, user_ids: list[uuid.UUID], *, kind: str = "test_notice"
) -> list[uuid.UUID]:
    """One pending notification per entry of `user_ids` (repeat an id for several)."""
    stamp = now()
    rows = [
        {
            "id": uuid.uuid4(),
            "user_id": user_id,
            "kind": kind,
            "title": {"ru": f"Заголовок {i}", "en": f"Title {i}"},
            "content": {"ru": f"Текст {i}", "en": f"Text {i}"},
            "status": NotificationStatus.pending,
            "attempts": 0,
            "next_attempt_at": stamp,
            "created_at": stamp,
            "updated_at": stamp,
        }
        for i, user_id in enumerate(user_ids)
    ]
    async with database.unit_of_work() as session:
        for start in range(0, len(rows), 1000):
            await session.execute(sa.insert(Notification), rows[start : start + 1000])
    return [row["id"] for row in rows]


async def notification_rows(database: Database, **filters: Any) -> list[Notification]:
    async with database.read_only() as session:
        stmt = sa.select(Notification).filter_by(**filters).order_by(Notification.created_at)
        return list((await session.scalars(stmt)).all())


async def status_counts(database: Database) -> dict[str, int]:
    async with database.read_only() as session:
        rows = await session.execute(
            sa.select(Notification.status, sa.func.count()).group_by(Notification.status)
        )
        return {status.value: count for status, count in rows}


async def wait_until(
    condition: Callable[[], Awaitable[bool]], *, within: float = 20, interval: float = 0.05
) -> None:
    deadline = time.monotonic() + within
    while not await condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"condition not met within {within}s")
        await asyncio.sleep(interval)


async def all_sent(database: Database) -> bool:
    counts = await status_counts(database)
    return set(counts) <= {"sent"}


@asynccontextmanager
async def running(*workers: Notifier) -> AsyncIterator[tuple[Notifier, ...]]:
    """Run workers concurrently; on exit stop them as SIGTERM would and close them."""
    stop = asyncio.Event()
    tasks = [asyncio.create_task(worker.run(stop)) for worker in workers]
    try:
        yield workers
    finally:
        stop.set()
        await asyncio.wait_for(asyncio.gather(*tasks), timeout=30)
        for worker in workers:
            await worker.close()
