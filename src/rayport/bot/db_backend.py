"""`BotBackend` over RayPort's repositories: one unit of work per call (per update)."""

from __future__ import annotations

from rayport.bot.backend import ConfigSummary, UserStatus
from rayport.configs.panel import GIB
from rayport.configs.repository import ConfigRepository
from rayport.db.engine import Database
from rayport.models.enums import SocialName
from rayport.users.repository import SocialRepository, UserRepository


class DatabaseBotBackend:
    def __init__(self, database: Database) -> None:
        self.database = database

    async def status_for(self, telegram_id: int) -> UserStatus | None:
        async with self.database.read_only() as db:
            social = await SocialRepository(db).find(SocialName.telegram, str(telegram_id))
            if social is None:
                return None
            user = await UserRepository(db).get(social.user_id)
            if user is None:
                return None
            configs = await ConfigRepository(db).list_for_user(user.id)
        return UserStatus(
            login=user.login,
            configs=tuple(
                ConfigSummary(
                    type=c.type.value,
                    status=c.status.value,
                    valid_to=c.valid_to,
                    used_bytes=c.up_bytes + c.down_bytes,
                    total_bytes=c.total_gb * GIB or None,
                )
                for c in configs
            ),
        )

    async def set_reachable(self, telegram_id: int, reachable: bool) -> None:
        async with self.database.unit_of_work() as db:
            await SocialRepository(db).set_reachable(
                SocialName.telegram, str(telegram_id), reachable
            )
