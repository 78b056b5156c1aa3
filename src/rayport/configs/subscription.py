"""Subscription bodies for VPN client apps, from a user's share links.

Three formats, chosen by `?format=` or the client's User-Agent as peers do:
- `base64`: the links, one per line, base64-encoded (v2rayN, v2rayNG, Streisand, Happ,
  Hiddify, Shadowrocket import it) — the default;
- `singbox`: a sing-box configuration (SFA, SFI, sing-box CLI);
- `clash`: a Clash Meta / mihomo YAML profile (Clash Verge, FlClash, Stash, mihomo).

Links sing-box cannot express (xhttp) are left out of that format rather than broken.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Sequence
from enum import StrEnum
from typing import Any

import yaml

from rayport.xui.links import ShareLink


class SubscriptionFormat(StrEnum):
    base64 = "base64"
    singbox = "singbox"
    clash = "clash"


# Lower-case User-Agent fragments → format. Checked in order; anything else gets base64.
_UA_FORMATS = (
    ("sing-box", SubscriptionFormat.singbox),
    ("sfa/", SubscriptionFormat.singbox),
    ("sfi/", SubscriptionFormat.singbox),
    ("sfm/", SubscriptionFormat.singbox),
    ("clash", SubscriptionFormat.clash),
    ("mihomo", SubscriptionFormat.clash),
    ("stash", SubscriptionFormat.clash),
    ("flclash", SubscriptionFormat.clash),
)


def choose_format(requested: str | None, user_agent: str | None) -> SubscriptionFormat:
    """`?format=` wins (an unknown value raises ValueError); else the User-Agent decides."""
    if requested:
        return SubscriptionFormat(requested.lower())
    agent = (user_agent or "").lower()
    for fragment, fmt in _UA_FORMATS:
        if fragment in agent:
            return fmt
    return SubscriptionFormat.base64


def render(fmt: SubscriptionFormat, links: Sequence[ShareLink]) -> tuple[bytes, str]:
    """(body, media type) of the subscription in `fmt`."""
    if fmt is SubscriptionFormat.singbox:
        body = json.dumps(singbox_config(links), indent=2, ensure_ascii=False)
        return body.encode(), "application/json; charset=utf-8"
    if fmt is SubscriptionFormat.clash:
        text = yaml.safe_dump(clash_profile(links), sort_keys=False, allow_unicode=True)
        return text.encode(), "text/yaml; charset=utf-8"
    plain = "\n".join(link.to_url() for link in links)
    return base64.b64encode(plain.encode()), "text/plain; charset=utf-8"


def _csv(value: str | None) -> list[str]:
    return [item for item in (value or "").split(",") if item]


def _singbox_outbound(link: ShareLink) -> dict[str, Any] | None:
    p = link.params
    network = p.get("type", "tcp")
    outbound: dict[str, Any] = {
        "type": link.protocol,
        "tag": link.remark or f"{link.protocol}-{link.host}",
        "server": link.host,
        "server_port": link.port,
    }
    if link.protocol == "vless":
        outbound["uuid"] = link.credential
        if p.get("flow"):
            outbound["flow"] = p["flow"]
    else:
        outbound["password"] = link.credential
    security = p.get("security", "none")
    if security in {"tls", "reality"}:
        tls: dict[str, Any] = {"enabled": True}
        if p.get("sni"):
            tls["server_name"] = p["sni"]
        if p.get("alpn"):
            tls["alpn"] = _csv(p["alpn"])
        if p.get("fp"):
            tls["utls"] = {"enabled": True, "fingerprint": p["fp"]}
        if security == "reality":
            tls["reality"] = {
                "enabled": True,
                "public_key": p.get("pbk", ""),
                "short_id": p.get("sid", ""),
            }
        outbound["tls"] = tls
    if network == "ws":
        transport: dict[str, Any] = {"type": "ws", "path": p.get("path", "/")}
        if p.get("host"):
            transport["headers"] = {"Host": p["host"]}
        outbound["transport"] = transport
    elif network == "grpc":
        outbound["transport"] = {"type": "grpc", "service_name": p.get("serviceName", "")}
    elif network == "httpupgrade":
        outbound["transport"] = {
            "type": "httpupgrade",
            "path": p.get("path", "/"),
            "host": p.get("host", ""),
        }
    elif network != "tcp" or p.get("headerType", "none") not in {"", "none"}:
        return None  # xhttp and tcp+http obfuscation have no sing-box transport
    return outbound


def singbox_config(links: Sequence[ShareLink]) -> dict[str, Any]:
    outbounds = [o for o in (_singbox_outbound(link) for link in links) if o is not None]
    tags = [o["tag"] for o in outbounds]
    return {
        "log": {"level": "warn"},
        "dns": {"servers": [{"tag": "remote", "type": "tls", "server": "1.1.1.1"}]},
        "inbounds": [
            {
                "type": "tun",
                "tag": "tun-in",
                "address": ["172.19.0.1/30"],
                "auto_route": True,
                "strict_route": True,
            },
        ],
        "outbounds": [
            {"type": "selector", "tag": "proxy", "outbounds": tags or ["direct"]},
            *outbounds,
            {"type": "direct", "tag": "direct"},
        ],
        "route": {"final": "proxy", "auto_detect_interface": True},
    }


def _clash_proxy(link: ShareLink) -> dict[str, Any]:
    p = link.params
    network = p.get("type", "tcp")
    proxy: dict[str, Any] = {
        "name": link.remark or f"{link.protocol}-{link.host}",
        "type": link.protocol,
        "server": link.host,
        "port": link.port,
        "udp": True,
    }
    security = p.get("security", "none")
    if link.protocol == "vless":
        proxy["uuid"] = link.credential
        proxy["tls"] = security in {"tls", "reality"}
        if p.get("flow"):
            proxy["flow"] = p["flow"]
        if p.get("sni"):
            proxy["servername"] = p["sni"]
    else:
        proxy["password"] = link.credential
        if p.get("sni"):
            proxy["sni"] = p["sni"]
    if p.get("alpn"):
        proxy["alpn"] = _csv(p["alpn"])
    if p.get("fp"):
        proxy["client-fingerprint"] = p["fp"]
    if security == "reality":
        proxy["reality-opts"] = {"public-key": p.get("pbk", ""), "short-id": p.get("sid", "")}
    proxy["network"] = "http" if network == "tcp" and p.get("headerType") == "http" else network
    if network == "ws":
        ws: dict[str, Any] = {"path": p.get("path", "/")}
        if p.get("host"):
            ws["headers"] = {"Host": p["host"]}
        proxy["ws-opts"] = ws
    elif network == "grpc":
        proxy["grpc-opts"] = {"grpc-service-name": p.get("serviceName", "")}
    elif network == "xhttp":
        xhttp: dict[str, Any] = {"path": p.get("path", "/")}
        if p.get("host"):
            xhttp["host"] = p["host"]
        if p.get("mode"):
            xhttp["mode"] = p["mode"]
        proxy["xhttp-opts"] = xhttp
    elif network == "httpupgrade":
        proxy["network"] = "ws"
        proxy["ws-opts"] = {
            "path": p.get("path", "/"),
            "v2ray-http-upgrade": True,
            **({"headers": {"Host": p["host"]}} if p.get("host") else {}),
        }
    return proxy


def clash_profile(links: Sequence[ShareLink]) -> dict[str, Any]:
    proxies = [_clash_proxy(link) for link in links]
    names = [proxy["name"] for proxy in proxies]
    return {
        "mixed-port": 7890,
        "allow-lan": False,
        "mode": "rule",
        "proxies": proxies,
        "proxy-groups": [{"name": "RayPort", "type": "select", "proxies": names or ["DIRECT"]}],
        "rules": ["MATCH,RayPort"],
    }
