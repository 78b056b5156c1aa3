from collections.abc import AsyncIterator

import pytest
from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer

from tests.fixtures.fake_bot_api import FakeBotAPI
from tests.fixtures.telegram import TEST_BOT_TOKEN


@pytest.fixture
async def bot(fake_bot_api: FakeBotAPI) -> AsyncIterator[Bot]:
    """The real aiogram client pointed at the fake (NOTES §3.2)."""
    session = AiohttpSession(api=TelegramAPIServer.from_base(fake_bot_api.url))
    bot = Bot(TEST_BOT_TOKEN, session=session)
    yield bot
    await bot.session.close()
