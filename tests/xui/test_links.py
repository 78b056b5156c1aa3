"""Share links: golden links from CONTRACT §10 and a build → parse round trip over every
supported protocol x network x security combination."""

from __future__ import annotations

import copy
import itertools
from typing import Any

import pytest

from rayport.xui import (
    Client,
    Inbound,
    ShareLink,
    UnsupportedInbound,
    build_link,
    build_share_link,
    parse_link,
)
from tests.fixtures.xui_emulator.state import TROJAN_WS_TLS_STREAM, VLESS_REALITY_STREAM
from tests.xui.conftest import load_sample

# Known-good links, verbatim from CONTRACT §10.2 / §10.3.
GOLDEN_VLESS_REALITY = (
    "vless://ed66b56a-a99c-41bc-a5bb-86179a01c58c@vpn.example.com:443?type=tcp&encryption=none"
    "&security=reality&pbk=xHG5Dr4zfX4P6iBxmDW-hQM_DVp_pJoOdgh4a455TQA&fp=chrome"
    "&sni=www.microsoft.com&sid=ab0c2a3f&spx=%2F&flow=xtls-rprx-vision#VLESS-Reality-alice"
)
GOLDEN_TROJAN_WS_TLS = (
    "trojan://EB6qVcEeE4@edge.example.net:8443?type=ws&path=%2Ftr-ws-7f3a"
    "&host=edge.example.net&security=tls&fp=chrome&alpn=http%2F1.1&sni=edge.example.net"
    "#TR-WS-TLS-alice-tr"
)
UUID = "ed66b56a-a99c-41bc-a5bb-86179a01c58c"
REALITY_PARAMS = (
    "security=reality&pbk=xHG5Dr4zfX4P6iBxmDW-hQM_DVp_pJoOdgh4a455TQA&fp=chrome"
    "&sni=www.microsoft.com&sid=ab0c2a3f&spx=%2F"
)
VISION = "xtls-rprx-vision"


def sample_inbound(name: str) -> Inbound:
    obj = load_sample(name)["obj"]
    return Inbound.from_panel(obj[0] if isinstance(obj, list) else obj)


def inbound(
    protocol: str, stream: dict[str, Any], *, remark: str = "in", port: int = 443
) -> Inbound:
    settings: dict[str, Any] = {"clients": []}
    if protocol == "vless":
        settings.update(decryption="none", encryption="none")
    return Inbound.from_panel(
        {
            "id": 1,
            "remark": remark,
            "protocol": protocol,
            "port": port,
            "settings": settings,
            "streamSettings": stream,
        }
    )


def with_network(stream: dict[str, Any], network: str, **settings: Any) -> dict[str, Any]:
    result = copy.deepcopy(stream)
    result["network"] = network
    if settings:
        result[f"{network}Settings"] = settings
    return result


@pytest.mark.parametrize("sample", ["inbounds_list_legacy.json", "inbounds_list_v3.json"])
def test_golden_vless_reality(sample: str) -> None:
    source = sample_inbound(sample)
    alice = source.find_client("alice")
    assert alice is not None

    link = build_link(source, alice, "vpn.example.com")

    assert link == GOLDEN_VLESS_REALITY
    assert parse_link(link) == parse_link(GOLDEN_VLESS_REALITY)
    assert "gFRZM93S4" not in link  # the REALITY private key never leaves the panel


def test_golden_trojan_ws_tls() -> None:
    source = sample_inbound("inbound_get_trojan_ws_tls_legacy.json")
    (alice_tr,) = source.clients

    link = build_link(source, alice_tr, "edge.example.net")

    assert link == GOLDEN_TROJAN_WS_TLS
    assert parse_link(link).params == {
        "type": "ws",
        "path": "/tr-ws-7f3a",
        "host": "edge.example.net",
        "security": "tls",
        "fp": "chrome",
        "alpn": "http/1.1",
        "sni": "edge.example.net",
    }


def test_emulator_default_inbounds_give_the_golden_links() -> None:
    alice = Client(email="alice", id=UUID, flow=VISION)
    vless = inbound("vless", VLESS_REALITY_STREAM, remark="VLESS-Reality")
    trojan = inbound("trojan", TROJAN_WS_TLS_STREAM, remark="TR-WS-TLS", port=8443)

    assert build_link(vless, alice, "vpn.example.com") == GOLDEN_VLESS_REALITY
    assert (
        build_link(trojan, Client(email="alice-tr", password="EB6qVcEeE4"), "edge.example.net")
        == GOLDEN_TROJAN_WS_TLS
    )


# The variant shapes of CONTRACT §10.2 with their elisions filled in.
VARIANTS = [
    pytest.param(
        {
            "network": "ws",
            "security": "tls",
            "tlsSettings": {
                "serverName": "cdn.example.com",
                "alpn": ["http/1.1"],
                "settings": {"fingerprint": "chrome"},
            },
            "wsSettings": {"path": "/vl-ws", "host": "cdn.example.com"},
        },
        "cdn.example.com",
        "type=ws&encryption=none&path=%2Fvl-ws&host=cdn.example.com&security=tls&fp=chrome"
        "&alpn=http%2F1.1&sni=cdn.example.com",
        id="ws-tls",
    ),
    pytest.param(
        with_network(VLESS_REALITY_STREAM, "grpc", serviceName="grpc-svc", multiMode=False),
        "vpn.example.com",
        f"type=grpc&encryption=none&serviceName=grpc-svc&authority=&{REALITY_PARAMS}",
        id="grpc-reality",
    ),
    pytest.param(
        with_network(VLESS_REALITY_STREAM, "xhttp", path="/xh-9c1", host="", mode="auto"),
        "vpn.example.com",
        f"type=xhttp&encryption=none&path=%2Fxh-9c1&host=&mode=auto&{REALITY_PARAMS}",
        id="xhttp-reality",
    ),
]


@pytest.mark.parametrize(("stream", "host", "query"), VARIANTS)
def test_contract_variant_shapes(stream: dict[str, Any], host: str, query: str) -> None:
    # A Vision client: flow must only appear on raw TCP, never on these transports.
    client = Client(email="alice", id=UUID, flow=VISION)

    link = build_share_link(inbound("vless", stream, remark="VLESS"), client, host)

    expected = parse_link(f"vless://{UUID}@{host}:443?{query}#VLESS-alice")
    assert link == expected
    assert link.to_url() == f"vless://{UUID}@{host}:443?{query}#VLESS-alice"


def test_tcp_http_header_and_grpc_multi_mode() -> None:
    http_tcp = with_network(VLESS_REALITY_STREAM, "tcp")
    http_tcp["security"] = "none"
    http_tcp["tcpSettings"] = {
        "header": {
            "type": "http",
            "request": {"path": ["/a", "/b"], "headers": {"Host": ["h1.example", "h2.example"]}},
        }
    }
    multi = with_network(VLESS_REALITY_STREAM, "grpc", serviceName="svc", multiMode=True)
    client = Client(email="c", id=UUID, flow=VISION)

    tcp_params = build_share_link(inbound("vless", http_tcp), client, "h").params
    grpc_params = build_share_link(inbound("vless", multi), client, "h").params

    assert tcp_params == {
        "type": "tcp",
        "encryption": "none",
        "headerType": "http",
        "path": "/a",
        "host": "h1.example,h2.example",
        "security": "none",
    }
    assert grpc_params["mode"] == "multi" and "flow" not in grpc_params


# --- round trip over the whole matrix ---------------------------------------------------

TLS = {
    "serverName": "sni.example.com",
    "alpn": ["h2", "http/1.1"],
    "settings": {"fingerprint": "firefox", "echConfigList": ""},
}
REALITY = copy.deepcopy(VLESS_REALITY_STREAM["realitySettings"])
TRANSPORTS: dict[str, dict[str, Any]] = {
    "tcp": {"tcpSettings": {"header": {"type": "none"}}},
    "tcp-http": {
        "tcpSettings": {
            "header": {"type": "http", "request": {"path": ["/p q"], "headers": {"Host": "x"}}}
        }
    },
    "ws": {"wsSettings": {"path": "/ws path?&=#", "headers": {"Host": "ws.example.com"}}},
    "httpupgrade": {"httpupgradeSettings": {"path": "/hu", "host": "hu.example.com"}},
    "grpc": {"grpcSettings": {"serviceName": "svc/ü", "authority": "auth.example"}},
    "xhttp": {"xhttpSettings": {"path": "/xh", "host": "", "mode": "stream-one"}},
}
HOSTS = ["vpn.example.com", "203.0.113.7", "2001:db8::1"]
MATRIX = list(itertools.product(["vless", "trojan"], TRANSPORTS, ["none", "tls", "reality"], HOSTS))


@pytest.mark.parametrize(("protocol", "transport", "security", "host"), MATRIX)
def test_every_built_link_parses_back_to_its_parameters(
    protocol: str, transport: str, security: str, host: str
) -> None:
    network = transport.split("-")[0]
    stream: dict[str, Any] = {"network": network, "security": security, **TRANSPORTS[transport]}
    if security == "tls":
        stream["tlsSettings"] = TLS
    if security == "reality":
        stream["realitySettings"] = REALITY
    client = Client(
        email="üser+1@mail",
        id=UUID if protocol == "vless" else "",
        password="p@ss/w?rd#%+ 1" if protocol == "trojan" else "",
        flow=VISION,
    )
    source = inbound(protocol, stream, remark="My VPN #1 🚀")

    built = build_share_link(source, client, host)
    url = built.to_url()
    parsed = parse_link(url)

    assert parsed == built
    assert url.startswith(f"{protocol}://")
    assert (f"[{host}]" if ":" in host else host) in url
    assert parsed.remark == "My VPN #1 🚀-üser+1@mail"
    assert parsed.credential == (UUID if protocol == "vless" else "p@ss/w?rd#%+ 1")
    assert (parsed.params["type"], parsed.params["security"]) == (network, security)
    vision_allowed = protocol == "vless" and network == "tcp" and security != "none"
    assert ("flow" in parsed.params) == vision_allowed
    assert ("encryption" in parsed.params) == (protocol == "vless")
    if security == "reality":
        assert parsed.params["pbk"] == REALITY["settings"]["publicKey"]
        assert REALITY["privateKey"] not in url
    if security == "tls":
        assert (parsed.params["sni"], parsed.params["alpn"]) == ("sni.example.com", "h2,http/1.1")


def test_port_and_remark_overrides() -> None:
    source = inbound("vless", VLESS_REALITY_STREAM, remark="VLESS")
    client = Client(email="a", id=UUID)

    link = parse_link(build_link(source, client, "cdn.example.com", port=8443, remark="Home"))

    assert (link.host, link.port, link.remark) == ("cdn.example.com", 8443, "Home")


@pytest.mark.parametrize(
    ("protocol", "network", "security"),
    [("vmess", "tcp", "none"), ("vless", "kcp", "none"), ("vless", "tcp", "xtls")],
)
def test_unsupported_inbounds_are_refused(protocol: str, network: str, security: str) -> None:
    source = inbound(protocol, {"network": network, "security": security})

    with pytest.raises(UnsupportedInbound) as caught:
        build_link(source, Client(email="a", id=UUID, password="x"), "h")
    assert caught.value.status_code == 502


def test_missing_credential_or_host_is_a_programming_error() -> None:
    source = inbound("trojan", TROJAN_WS_TLS_STREAM)

    with pytest.raises(ValueError, match="password"):
        build_link(source, Client(email="a", id=UUID), "h")
    with pytest.raises(ValueError, match="host"):
        build_link(source, Client(email="a", password="x"), "bad/host")


def test_parse_accepts_go_style_plus_and_repeated_keys() -> None:
    link = parse_link("trojan://pw@h:443?type=ws&path=%2Fa+b&type=grpc&flag#r%20x")

    assert link == ShareLink(
        "trojan", "pw", "h", 443, {"type": "grpc", "path": "/a b", "flag": ""}, "r x"
    )


@pytest.mark.parametrize(
    "text",
    ["https://example.com", "vless://no-host", "vless://id@h:99999?type=tcp", "vmess://id@h:1"],
)
def test_parse_rejects_other_urls(text: str) -> None:
    with pytest.raises(ValueError):
        parse_link(text)
