"""`/sub/{sub_token}`: what a VPN app downloads to import and refresh a user's configs."""

from __future__ import annotations

import base64
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from rayport.configs.panel import GIB, Panel
from rayport.configs.repository import ConfigRepository
from rayport.configs.subscription import SubscriptionFormat, choose_format, render
from rayport.errors import NotFound, ValidationFailed
from rayport.models import User
from rayport.models.enums import ConfigStatus

UPDATE_INTERVAL_HOURS = 12
_FILE_EXT = {
    SubscriptionFormat.base64: "txt",
    SubscriptionFormat.singbox: "json",
    SubscriptionFormat.clash: "yaml",
}


@dataclass(frozen=True)
class SubscriptionBody:
    body: bytes
    media_type: str
    headers: dict[str, str]


async def build_subscription(
    db: AsyncSession,
    panel: Panel | None,
    sub_token: str,
    requested: str | None,
    user_agent: str | None,
    title: str = "RayPort",
) -> SubscriptionBody:
    """Raises NotFound for an unknown (or rotated) token, ValidationFailed for a bad format."""
    try:
        fmt = choose_format(requested, user_agent)
    except ValueError as exc:
        raise ValidationFailed(
            "format must be base64, singbox or clash",
            details=[{"loc": ["query", "format"], "msg": "unknown format"}],
        ) from exc
    user = await db.scalar(sa.select(User).where(User.sub_token == sub_token))
    if user is None or not user.is_active:
        raise NotFound("Not found")
    configs = await ConfigRepository(db).list_for_user(user.id)
    live = [c for c in configs if c.status in {ConfigStatus.active, ConfigStatus.update_pending}]
    links = []
    if panel is not None:
        for config in live:
            inbound = await panel.inbound(config.type)
            links.append(panel.share_link(config, inbound))
    body, media_type = render(fmt, links)
    upload = sum(c.up_bytes for c in configs)
    download = sum(c.down_bytes for c in configs)
    total = 0 if any(c.total_gb == 0 for c in configs) else sum(c.total_gb * GIB for c in configs)
    expiries = {int(c.valid_to.timestamp()) for c in configs}
    expire = expiries.pop() if len(expiries) == 1 else (max(expiries) if expiries else 0)
    encoded_title = base64.b64encode(title.encode()).decode()
    headers = {
        "Subscription-Userinfo": (
            f"upload={upload}; download={download}; total={total}; expire={expire}"
        ),
        "Profile-Update-Interval": str(UPDATE_INTERVAL_HOURS),
        "Profile-Title": f"base64:{encoded_title}",
        "Content-Disposition": f'attachment; filename="rayport.{_FILE_EXT[fmt]}"',
        "Cache-Control": "no-store",
    }
    return SubscriptionBody(body=body, media_type=media_type, headers=headers)
