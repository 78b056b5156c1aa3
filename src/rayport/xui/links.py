"""VLESS and Trojan share links built from an inbound's stream settings (CONTRACT §10).

RayPort builds links itself rather than asking the panel: the host is RayPort's own
public host (like the panel's ``externalProxy``), and the panel's own generators differ
between the UI and the subscription server and between versions. Parameters follow the
panel UI (first ``serverNames`` / ``shortIds`` entry, ``spiderX`` as configured), in the
UI's order, percent-encoded like ``encodeURIComponent``.

Supported: network ``tcp`` (plain or HTTP header), ``ws``, ``httpupgrade``, ``grpc``,
``xhttp`` x security ``none``, ``tls``, ``reality``. Anything else raises
``UnsupportedInbound`` (an ``XuiError``: the panel is configured in a way RayPort cannot
share, which is a 502 for the user, not a crash).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, unquote, unquote_plus

from rayport.errors import XuiError
from rayport.xui.models import Client, Inbound

__all__ = [
    "SUPPORTED_NETWORKS",
    "SUPPORTED_PROTOCOLS",
    "SUPPORTED_SECURITY",
    "ShareLink",
    "UnsupportedInbound",
    "build_link",
    "build_share_link",
    "default_remark",
    "parse_link",
]

SUPPORTED_PROTOCOLS = ("vless", "trojan")
SUPPORTED_NETWORKS = ("tcp", "ws", "httpupgrade", "grpc", "xhttp")
SUPPORTED_SECURITY = ("none", "tls", "reality")


class UnsupportedInbound(XuiError):
    """The inbound's protocol or transport has no share-link form RayPort builds."""

    default_message = "The VPN panel's inbound uses a setup RayPort cannot share"


_BAD_HOST = re.compile(r"[\s/?#@\[\]]")


def _encode(value: str) -> str:
    # Like JS encodeURIComponent minus its unreserved "!*'()": clients decode either.
    return quote(value, safe="")


@dataclass(frozen=True, slots=True)
class ShareLink:
    """A share link's parts; ``to_url()`` renders it, ``parse_link()`` reads one back.

    ``host`` is bare (no brackets for IPv6); ``params`` keeps insertion order, but two
    links are equal when their parameters are, whatever the order.
    """

    protocol: str
    credential: str
    host: str
    port: int
    params: dict[str, str] = field(default_factory=dict, hash=False)
    remark: str = ""

    def to_url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        query = "&".join(f"{_encode(k)}={_encode(v)}" for k, v in self.params.items())
        url = f"{self.protocol}://{_encode(self.credential)}@{host}:{self.port}"
        if query:
            url += f"?{query}"
        if self.remark:
            url += f"#{_encode(self.remark)}"
        return url


def default_remark(inbound: Inbound, client: Client) -> str:
    """``<inbound remark>-<email>``, skipping empty parts (the panel's ``-ieo`` model)."""
    return "-".join(part for part in (inbound.remark, client.email) if part)


def build_link(
    inbound: Inbound,
    client: Client,
    host: str,
    *,
    port: int | None = None,
    remark: str | None = None,
) -> str:
    """The share-link URL for ``client`` on ``inbound``; see ``build_share_link``."""
    return build_share_link(inbound, client, host, port=port, remark=remark).to_url()


def build_share_link(
    inbound: Inbound,
    client: Client,
    host: str,
    *,
    port: int | None = None,
    remark: str | None = None,
) -> ShareLink:
    """The share link of ``client`` on ``inbound`` reached at ``host`` (and ``port``,
    default the inbound's port; set it when a proxy/CDN listens elsewhere).

    Raises UnsupportedInbound for a protocol/network/security this module does not
    build, and ValueError when the client lacks its credential or the host is empty.
    """
    protocol = inbound.protocol.lower()
    network = inbound.stream.network.lower()
    security = inbound.stream.security.lower()
    if protocol not in SUPPORTED_PROTOCOLS:
        raise UnsupportedInbound(f"Share links for {protocol!r} inbounds are not supported")
    if network not in SUPPORTED_NETWORKS:
        raise UnsupportedInbound(f"Share links for the {network!r} transport are not supported")
    if security not in SUPPORTED_SECURITY:
        raise UnsupportedInbound(f"Share links with {security!r} security are not supported")
    credential_field = "id" if protocol == "vless" else "password"
    credential = client.id if protocol == "vless" else client.password
    if not credential:
        raise ValueError(f"client {client.email!r} has no {credential_field}")
    host = host.strip().removeprefix("[").removesuffix("]")
    if not host or _BAD_HOST.search(host):
        raise ValueError(f"not a usable public host for a share link: {host!r}")

    stream = inbound.stream.raw
    params: dict[str, str] = {"type": network}
    encryption = ""
    if protocol == "vless":
        # VLESS clients require the field; "none" unless the inbound sets VLESS encryption.
        encryption = _text(inbound.settings.get("encryption")) or "none"
        params["encryption"] = encryption
    params.update(_transport_params(network, stream))
    params["security"] = security
    if security == "tls":
        params.update(_tls_params(_mapping(stream.get("tlsSettings"))))
    elif security == "reality":
        params.update(_reality_params(_mapping(stream.get("realitySettings"))))
    if _flow_allowed(protocol, network, security, encryption, inbound) and client.flow:
        params["flow"] = client.flow

    return ShareLink(
        protocol=protocol,
        credential=credential,
        host=host,
        port=inbound.port if port is None else port,
        params=params,
        remark=default_remark(inbound, client) if remark is None else remark,
    )


def _flow_allowed(
    protocol: str, network: str, security: str, encryption: str, inbound: Inbound
) -> bool:
    # Vision needs raw TCP under TLS/REALITY (v3 also allows xhttp with VLESS
    # encryption). Trojan links never carry flow: Xray dropped Trojan flows.
    if protocol != "vless" or inbound.settings.get("disableFlow") is True:
        return False
    if network == "tcp" and security in {"tls", "reality"}:
        return True
    return network == "xhttp" and encryption not in {"", "none"}


def _mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, Sequence):
        return ",".join(str(v) for v in value)
    return str(value)


def _first(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, Sequence) and value:
        return _text(value[0])
    return ""


def _header(headers: Any, name: str) -> str:
    """A header value from Xray's ``headers`` map (string or list), case-insensitive."""
    for key, value in _mapping(headers).items():
        if isinstance(key, str) and key.lower() == name.lower():
            return _text(value)
    return ""


def _transport_params(network: str, stream: Mapping[str, Any]) -> dict[str, str]:
    if network == "tcp":
        header = _mapping(_mapping(stream.get("tcpSettings")).get("header"))
        if header.get("type") != "http":
            return {}
        request = _mapping(header.get("request"))
        return {
            "headerType": "http",
            "path": _first(request.get("path")) or "/",
            "host": _header(request.get("headers"), "Host"),
        }
    if network == "grpc":
        grpc = _mapping(stream.get("grpcSettings"))
        params = {
            "serviceName": _text(grpc.get("serviceName")),
            "authority": _text(grpc.get("authority")),
        }
        if grpc.get("multiMode") is True:
            params["mode"] = "multi"
        return params
    # ws, httpupgrade, xhttp: path + host (host= is emitted even when empty)
    settings = _mapping(stream.get(f"{network}Settings"))
    params = {
        "path": _text(settings.get("path")) or "/",
        "host": _text(settings.get("host")) or _header(settings.get("headers"), "Host"),
    }
    if network == "xhttp":
        mode = _text(settings.get("mode"))
        if mode:
            params["mode"] = mode
    return params


def _tls_params(tls: Mapping[str, Any]) -> dict[str, str]:
    client_side = _mapping(tls.get("settings"))
    candidates = {
        "fp": _text(client_side.get("fingerprint")),
        "alpn": _text(tls.get("alpn")),
        "sni": _text(tls.get("serverName")),
        "ech": _text(client_side.get("echConfigList")),
    }
    return {k: v for k, v in candidates.items() if v}


def _reality_params(reality: Mapping[str, Any]) -> dict[str, str]:
    # The public key lives in the client-side `settings`; `privateKey` is the server's
    # secret and must never reach a link.
    client_side = _mapping(reality.get("settings"))
    params = {"pbk": _text(client_side.get("publicKey"))}
    fingerprint = _text(client_side.get("fingerprint"))
    if fingerprint:
        params["fp"] = fingerprint
    server_name = _first(reality.get("serverNames"))
    if server_name:
        params["sni"] = server_name
    params["sid"] = _first(reality.get("shortIds"))  # "" is a valid short id
    for key, source in (("spx", "spiderX"), ("pqv", "mldsa65Verify")):
        value = _text(client_side.get(source))
        if value:
            params[key] = value
    return params


_LINK_RE = re.compile(
    r"^(?P<protocol>[a-zA-Z][a-zA-Z0-9+.-]*)://"
    r"(?P<credential>[^@/?#]*)@"
    r"(?P<host>\[[^\]]*\]|[^:/?#\[\]]+)"
    r":(?P<port>\d{1,5})/?"
    r"(?:\?(?P<query>[^#]*))?"
    r"(?:#(?P<remark>.*))?$",
    re.DOTALL,
)


def parse_link(link: str) -> ShareLink:
    """Parse a ``vless://`` or ``trojan://`` link into its parts.

    Query values are decoded with ``+`` as space (Go's and ``URLSearchParams``'
    encoding); a repeated key keeps its last value. Raises ValueError on anything that
    is not such a link.
    """
    match = _LINK_RE.match(link.strip())
    if match is None:
        raise ValueError("not a share link of the form proto://credential@host:port?...#...")
    protocol = match["protocol"].lower()
    if protocol not in SUPPORTED_PROTOCOLS:
        raise ValueError(f"unsupported share-link protocol {protocol!r}")
    port = int(match["port"])
    if not 0 < port < 65536:
        raise ValueError(f"port out of range: {port}")
    params: dict[str, str] = {}
    for pair in (match["query"] or "").split("&"):
        if not pair:
            continue
        key, _, value = pair.partition("=")
        params[unquote_plus(key)] = unquote_plus(value)
    return ShareLink(
        protocol=protocol,
        credential=unquote(match["credential"]),
        host=match["host"].removeprefix("[").removesuffix("]"),
        port=port,
        params=params,
        remark=unquote(match["remark"] or ""),
    )
