"""What admins see of the panel: status, inbounds, sync on demand."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncSession

from rayport.cache import Cache
from rayport.configs.panel import Panel
from rayport.configs.service import PanelNotConfigured
from rayport.errors import XuiError, XuiUnavailable
from rayport.models.enums import ConfigType
from rayport.xui.sync import load_report, store_report, sync_configs


class InboundFound(BaseModel):
    type: ConfigType
    remark: str
    found: bool
    inbound_id: int | None = None
    error: str | None = None


class XuiStatusRead(BaseModel):
    configured: bool
    reachable: bool = False
    authenticated: bool = False
    era: str | None = None
    panel_version: str | None = None
    xray_version: str | None = None
    error: str | None = None
    inbounds: list[InboundFound] = []
    last_sync: dict[str, Any] | None = None


async def xui_status(panel: Panel | None, cache: Cache) -> XuiStatusRead:
    if panel is None:
        return XuiStatusRead(configured=False)
    status = await panel.status()
    inbounds = []
    if status.ok:
        for config_type in ConfigType:
            remark = panel.remarks[config_type]
            try:
                inbound = await panel.inbound(config_type, fresh=True)
                inbounds.append(
                    InboundFound(type=config_type, remark=remark, found=True, inbound_id=inbound.id)
                )
            except (XuiError, XuiUnavailable) as exc:
                inbounds.append(
                    InboundFound(type=config_type, remark=remark, found=False, error=exc.message)
                )
    report = await load_report(cache)
    return XuiStatusRead(
        configured=True,
        reachable=status.reachable,
        authenticated=status.authenticated,
        era=status.era.value if status.era else None,
        panel_version=status.panel_version,
        xray_version=status.xray_version,
        error=status.error,
        inbounds=inbounds,
        last_sync=asdict(report) if report else None,
    )


async def panel_inbounds(panel: Panel | None) -> list[dict[str, Any]]:
    if panel is None:
        raise PanelNotConfigured()
    return [
        {
            "id": i.id,
            "remark": i.remark,
            "protocol": i.protocol,
            "port": i.port,
            "enable": i.enable,
            "network": i.stream.network,
            "security": i.stream.security,
            "clients": len(i.clients),
        }
        for i in await panel.client.list_inbounds()
    ]


async def run_sync(db: AsyncSession, panel: Panel | None, cache: Cache) -> dict[str, Any]:
    if panel is None:
        raise PanelNotConfigured()
    report = await sync_configs(db, panel)
    await store_report(cache, report)
    return asdict(report)
