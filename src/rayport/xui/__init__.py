"""3X-UI integration: the panel client (both API dialects), typed models, share links.

    async with XuiClient(url, username, password, api_token=token) as xui:
        inbound = await xui.find_inbound("vless")
        client = await xui.add_client(inbound.id, new_client("vless", "alice-vless"))
        link = build_link(inbound, client, "vpn.example.com")

Errors: ``rayport.errors.XuiUnavailable`` (panel unreachable / timeout / 5xx) and
``rayport.errors.XuiError`` (the panel refused; its message is kept).
"""

from rayport.xui.client import XuiClient
from rayport.xui.links import (
    ShareLink,
    UnsupportedInbound,
    build_link,
    build_share_link,
    default_remark,
    parse_link,
)
from rayport.xui.models import (
    Client,
    ClientTraffic,
    Era,
    Inbound,
    PanelClient,
    PanelStatus,
    StreamSettings,
    datetime_to_ms,
    ms_to_datetime,
    new_client,
)

__all__ = [
    "Client",
    "ClientTraffic",
    "Era",
    "Inbound",
    "PanelClient",
    "PanelStatus",
    "ShareLink",
    "StreamSettings",
    "UnsupportedInbound",
    "XuiClient",
    "build_link",
    "build_share_link",
    "datetime_to_ms",
    "default_remark",
    "ms_to_datetime",
    "new_client",
    "parse_link",
]
