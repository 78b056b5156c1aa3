"""RayPort's view of the 3X-UI panel: the inbound of each config type, the client of
each config row, and share links. One instance per process, shared by requests."""

from __future__ import annotations

import dataclasses
import time
from datetime import datetime
from urllib.parse import urlsplit

from rayport.errors import XuiError
from rayport.metrics import instrument_panel_client
from rayport.models import Config
from rayport.models.enums import ConfigStatus, ConfigType
from rayport.settings import XuiSettings
from rayport.xui import XuiClient
from rayport.xui.client import select_inbound
from rayport.xui.links import ShareLink, build_share_link
from rayport.xui.models import Client, Inbound, PanelStatus, new_client

GIB = 1024**3
VISION = "xtls-rprx-vision"
INBOUND_CACHE_SEC = 60.0


def client_email(login: str, config_type: ConfigType) -> str:
    """One panel client per config, with its own email: `<login>-<type>`."""
    return f"{login}-{config_type.value}"


def _vision_capable(inbound: Inbound) -> bool:
    stream = inbound.stream
    return (
        inbound.protocol == "vless"
        and stream.network == "tcp"
        and stream.security in {"tls", "reality"}
    )


class Panel:
    def __init__(self, settings: XuiSettings, client: XuiClient | None = None) -> None:
        assert settings.url, "Panel needs XUI_URL"
        self.client = client or XuiClient(
            settings.url,
            settings.username or "",
            settings.password.get_secret_value() if settings.password else "",
            api_token=settings.api_token.get_secret_value() if settings.api_token else None,
            timeout=settings.timeout_sec,
        )
        instrument_panel_client(self.client)  # issue #8: panel call latency and errors
        self.remarks = {
            ConfigType.vless: settings.vless_remark,
            ConfigType.trojan: settings.trojan_remark,
        }
        self.public_host = settings.public_host or urlsplit(settings.url).hostname or "localhost"
        self._inbounds: dict[ConfigType, tuple[Inbound, float]] = {}

    async def close(self) -> None:
        await self.client.aclose()

    async def status(self) -> PanelStatus:
        return await self.client.status()

    async def inbound(self, config_type: ConfigType, *, fresh: bool = False) -> Inbound:
        """The inbound configs of this type live on (found by remark, cached a minute).

        Raises XuiError when the panel has no such inbound, XuiUnavailable when down.
        """
        cached = self._inbounds.get(config_type)
        if cached and not fresh and time.monotonic() - cached[1] < INBOUND_CACHE_SEC:
            return cached[0]
        remark = self.remarks[config_type]
        # One list call finds the inbounds of every type (find_inbound would list per type).
        found = await self._find_all()
        inbound = found.get(config_type)
        if inbound is None:
            raise XuiError(
                f"The VPN panel has no inbound with the remark {remark!r}",
                details={"reason": "inbound_missing", "type": config_type.value},
            )
        if inbound.protocol != config_type.value:
            raise XuiError(
                f"The inbound {remark!r} is {inbound.protocol}, not {config_type.value}",
                details={"reason": "inbound_protocol", "type": config_type.value},
            )
        return inbound

    async def _find_all(self) -> dict[ConfigType, Inbound]:
        inbounds = await self.client.list_inbounds()
        found: dict[ConfigType, Inbound] = {}
        for config_type, remark in self.remarks.items():
            inbound = select_inbound(inbounds, remark)
            if inbound is not None:
                found[config_type] = inbound
                self._inbounds[config_type] = (inbound, time.monotonic())
        return found

    def forget_inbounds(self) -> None:
        self._inbounds.clear()

    def new_client(
        self, inbound: Inbound, email: str, *, valid_to: datetime, total_gb: int, limit_ip: int
    ) -> Client:
        return new_client(
            inbound.protocol,
            email,
            expiry_time=valid_to,
            total_bytes=total_gb * GIB,
            limit_ip=limit_ip,
            flow=VISION if _vision_capable(inbound) else "",
        )

    def client_for(self, config: Config, inbound: Inbound, base: Client | None = None) -> Client:
        """The complete panel client a config row describes (on top of `base`, the client
        as stored, so fields RayPort does not manage survive a whole-client update)."""
        vless = config.type is ConfigType.vless
        current = base or Client(
            email=config.client_email, flow=VISION if _vision_capable(inbound) else ""
        )
        return dataclasses.replace(
            current,
            email=config.client_email,
            id=config.xui_client_id if vless else "",
            password="" if vless else config.xui_client_id,
            sub_id=config.sub_id,
            expiry_time=config.valid_to,
            expires_after_first_use=None,
            total_bytes=config.total_gb * GIB,
            limit_ip=config.limit_ip,
            enable=config.status is not ConfigStatus.disabled,
        )

    def share_link(self, config: Config, inbound: Inbound) -> ShareLink:
        client = self.client_for(config, inbound)
        return build_share_link(inbound, client, self.public_host, remark=config.client_email)

    async def write(self, config: Config) -> None:
        """Write the config's COMPLETE client to the panel (read, replace, send).

        Raises XuiError when the client is missing on the panel, XuiUnavailable when down.
        """
        inbound = await self.inbound(config.type)
        found = await self.client.get_client(config.client_email)
        if found is None:
            raise XuiError(
                f"The VPN panel has no client {config.client_email!r}",
                details={"reason": "client_missing"},
            )
        target = config.inbound_id if config.inbound_id in found.inbound_ids else inbound.id
        updated = self.client_for(config, inbound, base=found.client)
        await self.client.update_client(target, updated, previous=found.client)
