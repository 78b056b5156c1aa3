"""What the bot needs from the rest of RayPort, as a Protocol.

The bot has no database access of its own: handlers call a `BotBackend`, which the
application implements over its repositories (one transaction per call, so per update).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol


@dataclass(frozen=True, slots=True)
class ConfigSummary:
    """One VPN config as ``/status`` shows it."""

    type: str
    """``"vless"`` or ``"trojan"``."""
    status: str
    """``active`` | ``update_pending`` | ``expired`` | ``disabled``."""
    valid_to: datetime | None
    """Timezone-aware; ``None`` = never expires."""
    used_bytes: int
    """Upload plus download."""
    total_bytes: int | None
    """Traffic limit; ``None`` or 0 = unlimited (3X-UI's convention)."""


@dataclass(frozen=True, slots=True)
class UserStatus:
    """The RayPort account linked to a Telegram user."""

    login: str
    configs: Sequence[ConfigSummary] = field(default_factory=tuple)


class BotBackend(Protocol):
    """Everything the bot reads or writes in RayPort's data."""

    async def status_for(self, telegram_id: int) -> UserStatus | None:
        """The linked account and its configs; ``None`` when no account is linked."""
        ...

    async def set_reachable(self, telegram_id: int, reachable: bool) -> None:
        """Record whether the bot can message this user (``False`` once they blocked it).

        Must be a no-op for a Telegram user with no linked account, and idempotent.
        """
        ...
