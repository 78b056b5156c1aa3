"""Bulk sync: traffic, expiry and enabled state of every config, one list call per inbound.

The panel's counters win (it measures traffic). RayPort wins on expiry, limits and the
enable switch (admins change those through RayPort): a difference is written back to the
panel and reported as repaired. A config whose client is gone from the panel, and a panel
client on our inbounds that no config knows, are reported for an admin to decide.
"""

from __future__ import annotations

import json
import logging
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from rayport.cache import Cache, CacheUnavailable
from rayport.configs.panel import Panel
from rayport.errors import XuiError, XuiUnavailable
from rayport.models import Config
from rayport.models.enums import ConfigType

logger = logging.getLogger(__name__)
REPORT_KEY = "xui:last_sync"
EXPIRY_TOLERANCE_SEC = 1.0


@dataclass
class SyncReport:
    at: str
    ok: bool = True
    error: str | None = None
    panel_calls: int = 0
    configs: int = 0
    updated: int = 0
    repaired: list[dict[str, str]] = field(default_factory=list)
    missing_on_panel: list[str] = field(default_factory=list)
    unknown_to_rayport: list[str] = field(default_factory=list)

    def to_json(self) -> str:
        return json.dumps(asdict(self))


async def sync_configs(db: AsyncSession, panel: Panel) -> SyncReport:
    """Pull counters for every config and repair drift. Raises nothing: a panel outage
    is reported in the result (``ok=False``) and no row changes."""
    now = datetime.now(UTC)
    report = SyncReport(at=now.isoformat())
    rows = {c.client_email.lower(): c for c in (await db.scalars(sa.select(Config))).all()}
    report.configs = len(rows)
    seen: set[str] = set()
    updates: list[dict[str, object]] = []
    drifted: list[Config] = []
    try:
        for config_type in ConfigType:
            inbound = await panel.inbound(config_type)
            traffic = await panel.client.list_client_traffic(inbound.id)
            report.panel_calls += 1
            for item in traffic:
                email = item.email.lower()
                config = rows.get(email)
                if config is None or config.type is not config_type:
                    report.unknown_to_rayport.append(item.email)
                    continue
                seen.add(email)
                change: dict[str, object] = {}
                if (item.up, item.down) != (config.up_bytes, config.down_bytes):
                    change.update(up_bytes=item.up, down_bytes=item.down)
                if change or config.last_synced_at is None:
                    updates.append(
                        {"id": config.id, "last_synced_at": now, "updated_at": now, **change}
                    )
                panel_expiry = item.expiry_time
                if (
                    panel_expiry is None
                    or abs((panel_expiry - config.valid_to).total_seconds()) > EXPIRY_TOLERANCE_SEC
                ):
                    drifted.append(config)
    except (XuiUnavailable, XuiError) as exc:
        report.ok, report.error = False, exc.message
        return report
    report.missing_on_panel = sorted(c.client_email for e, c in rows.items() if e not in seen)
    if updates:
        await db.execute(sa.update(Config), updates)
    report.updated = len(updates)
    for config in drifted:
        try:
            await panel.write(config)
            report.panel_calls += 2
            report.repaired.append({"email": config.client_email, "what": "expiry"})
        except (XuiUnavailable, XuiError) as exc:
            report.ok, report.error = False, exc.message
            break
    await db.flush()
    return report


async def store_report(cache: Cache, report: SyncReport) -> None:
    try:
        await cache.set(REPORT_KEY, report.to_json(), ttl=7 * 86400)
    except CacheUnavailable:
        logger.warning("sync report not stored: cache unavailable")


async def load_report(cache: Cache) -> SyncReport | None:
    try:
        raw = await cache.get(REPORT_KEY)
    except CacheUnavailable:
        return None
    return SyncReport(**json.loads(raw)) if raw else None
