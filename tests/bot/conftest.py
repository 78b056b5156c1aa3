from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from aiogram import Bot, Dispatcher

from rayport.bot import UserStatus, build_bot, build_dispatcher
from tests.fixtures.fake_bot_api import FakeBotAPI
from tests.fixtures.telegram import TEST_BOT_TOKEN

WEB_APP_URL = "https://rayport.example.com/app"


class FakeBackend:
    """In-memory `BotBackend`: the bot's boundary towards RayPort's data."""

    def __init__(self) -> None:
        self.statuses: dict[int, UserStatus] = {}
        self.reachable: list[tuple[int, bool]] = []
        self.broken = False

    async def status_for(self, telegram_id: int) -> UserStatus | None:
        if self.broken:
            raise ConnectionError("database is down")
        return self.statuses.get(telegram_id)

    async def set_reachable(self, telegram_id: int, reachable: bool) -> None:
        self.reachable.append((telegram_id, reachable))


@pytest.fixture
def backend() -> FakeBackend:
    return FakeBackend()


@pytest.fixture
async def bot(fake_bot_api: FakeBotAPI) -> AsyncIterator[Bot]:
    bot = build_bot(TEST_BOT_TOKEN, fake_bot_api.url)
    yield bot
    await bot.session.close()


@pytest.fixture
def dispatcher(backend: FakeBackend) -> Dispatcher:
    return build_dispatcher(backend, WEB_APP_URL)
