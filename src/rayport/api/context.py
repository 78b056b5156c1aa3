"""Everything a running API process holds: settings, database, cache, limiter."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from rayport.api.ratelimit import RateLimiter
from rayport.auth.session_gate import SessionGate
from rayport.cache import Cache, create_cache
from rayport.configs.panel import Panel
from rayport.db.engine import Database
from rayport.settings import Settings
from rayport.users.service import ensure_superuser

if TYPE_CHECKING:  # aiogram is ~130 MiB of memory: imported only when Telegram is on
    from rayport.telegram.runtime import TelegramRuntime

logger = logging.getLogger(__name__)


@dataclass
class AppContext:
    settings: Settings
    db: Database
    cache: Cache
    limiter: RateLimiter
    gate: SessionGate
    panel: Panel | None = None
    telegram: TelegramRuntime | None = None
    started_at: float = field(default_factory=time.monotonic)
    # The last panel health seen by /api/app/v1/status and when (see api.status).
    xui_status: tuple[Any, float] | None = None

    @classmethod
    def create(cls, settings: Settings) -> AppContext:
        cache = create_cache(settings.cache)
        database = Database(
            settings.db.url,
            pool_size=settings.db.pool_size,
            max_overflow=settings.db.max_overflow,
            echo=settings.db.echo,
        )
        telegram = None
        if settings.telegram.configured:
            from rayport.telegram.runtime import TelegramRuntime

            telegram = TelegramRuntime(settings, database)
        return cls(
            settings=settings,
            db=database,
            cache=cache,
            limiter=RateLimiter(settings.rate_limit, settings.cache),
            gate=SessionGate(cache, settings.auth.session_cache_sec),
            panel=Panel(settings.xui) if settings.xui.configured else None,
            telegram=telegram,
        )

    async def bootstrap(self) -> None:
        """Create the bootstrap superuser when missing; print a generated password once."""
        auth = self.settings.auth
        password = auth.superuser_password.get_secret_value() if auth.superuser_password else None
        async with self.db.unit_of_work() as session:
            generated = await ensure_superuser(session, auth.superuser_login, password)
        if generated is not None:
            # Printed, not logged: it must reach the operator once and never a log store.
            print(
                f"\n  Superuser created. Log in as {auth.superuser_login!r} with password "
                f"{generated!r}\n  (shown once; change it after logging in, or set "
                "SUPERUSER_PASSWORD)\n",
                flush=True,
            )

    async def close(self) -> None:
        await self.cache.close()
        await self.limiter.close()
        if self.panel is not None:
            await self.panel.close()
        if self.telegram is not None:
            await self.telegram.close()
        await self.db.dispose()
