"""The bot's backend over the real database: /status data and blocked/unblocked state."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from rayport.bot.db_backend import DatabaseBotBackend
from rayport.db.engine import Database
from rayport.models import Config, Social
from rayport.models.enums import ConfigStatus, ConfigType, SocialName
from rayport.users.service import create_user


async def test_status_for_a_linked_user_and_reachability(clean_pg: str) -> None:
    database = Database(clean_pg)
    valid_to = datetime.now(UTC) + timedelta(days=5)
    try:
        async with database.unit_of_work() as db:
            user = await create_user(db, login="bot_user1", password=None)
            db.add(
                Social(
                    user_id=user.id,
                    name=SocialName.telegram,
                    external_id="99001",
                    username="botty",
                    reachable=True,
                )
            )
            db.add(
                Config(
                    user_id=user.id,
                    type=ConfigType.vless,
                    xui_client_id=str(uuid.uuid4()),
                    client_email="bot_user1-vless",
                    sub_id="s1",
                    inbound_id=1,
                    total_gb=10,
                    limit_ip=2,
                    up_bytes=100,
                    down_bytes=900,
                    valid_from=datetime.now(UTC),
                    valid_to=valid_to,
                    status=ConfigStatus.active,
                )
            )
        backend = DatabaseBotBackend(database)

        status = await backend.status_for(99001)
        assert status is not None and status.login == "bot_user1"
        [config] = status.configs
        assert (config.type, config.status, config.used_bytes) == ("vless", "active", 1000)
        assert config.total_bytes == 10 * 1024**3 and config.valid_to == valid_to
        assert await backend.status_for(12345) is None  # not linked

        await backend.set_reachable(99001, False)
        await backend.set_reachable(12345, False)  # unknown: a no-op, no error
        async with database.read_only() as db:
            assert (
                await db.scalar(sa.select(Social.reachable).where(Social.external_id == "99001"))
                is False
            )
        await backend.set_reachable(99001, True)
        async with database.read_only() as db:
            assert (
                await db.scalar(sa.select(Social.reachable).where(Social.external_id == "99001"))
                is True
            )
    finally:
        await database.dispose()
