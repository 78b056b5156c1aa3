"""Typed models parsed from the CONTRACT samples (legacy strings and v3 objects alike)."""

from __future__ import annotations

import dataclasses
import json
from datetime import UTC, datetime, timedelta, timezone

import pytest

from rayport.xui import Client, ClientTraffic, Inbound, datetime_to_ms, ms_to_datetime
from rayport.xui.transport import clean_panel_message
from tests.xui.conftest import load_sample

GIB = 1024**3


def sample_inbound(name: str) -> Inbound:
    obj = load_sample(name)["obj"]
    return Inbound.from_panel(obj[0] if isinstance(obj, list) else obj)


def test_legacy_list_sample_parses_settings_string() -> None:
    inbound = sample_inbound("inbounds_list_legacy.json")

    assert (inbound.id, inbound.remark, inbound.protocol, inbound.port) == (
        1,
        "VLESS-Reality",
        "vless",
        443,
    )
    assert (inbound.stream.network, inbound.stream.security) == ("tcp", "reality")
    assert [c.email for c in inbound.clients] == ["j4gdxkf9", "alice", "carol"]
    assert inbound.client_stats is not None and len(inbound.client_stats) == 3
    alice = inbound.find_client("ALICE")
    assert alice is not None
    assert alice.id == "ed66b56a-a99c-41bc-a5bb-86179a01c58c" and alice.key == alice.id
    assert alice.expiry_time == datetime(2026, 9, 1, tzinfo=UTC)
    assert (alice.total_bytes, alice.limit_ip, alice.comment) == (50 * GIB, 2, "rayport:alice")


def test_v3_list_sample_gives_the_same_clients_as_legacy() -> None:
    legacy = sample_inbound("inbounds_list_legacy.json")
    v3 = sample_inbound("inbounds_list_v3.json")

    def modelled(c: Client) -> Client:
        return dataclasses.replace(c, extra={})  # the panels differ in extra keys only

    assert [modelled(c) for c in v3.clients] == [modelled(c) for c in legacy.clients]
    assert v3.client_stats is not None and legacy.client_stats is not None
    assert [(s.email, s.used, s.total) for s in v3.client_stats] == [
        (s.email, s.used, s.total) for s in legacy.client_stats
    ]
    assert v3.stream.raw == legacy.stream.raw
    assert v3.tag == "in-443-tcp"


def test_tolerated_quirks_in_the_samples() -> None:
    carol = sample_inbound("inbounds_list_legacy.json").find_client("carol")

    assert carol is not None
    assert carol.tg_id is None  # tgId: "" (v2 UI)
    assert carol.expiry_time is None
    assert carol.expires_after_first_use == timedelta(days=30)  # expiryTime: -2592000000
    assert carol.to_panel()["expiryTime"] == -2592000000


def test_get_sample_has_no_client_stats() -> None:
    inbound = sample_inbound("inbound_get_trojan_ws_tls_legacy.json")

    assert inbound.client_stats is None
    (client,) = inbound.clients
    assert (client.email, client.password, client.key, client.reset) == (
        "alice-tr",
        "EB6qVcEeE4",
        "EB6qVcEeE4",
        30,
    )


def test_client_traffic_sample() -> None:
    row = ClientTraffic.from_panel(load_sample("getClientTraffics_response.json")["obj"])

    assert row.used == 611823104 + 12597067776
    assert row.total == 50 * GIB and row.enable
    assert row.last_online == datetime.fromtimestamp(1787432990, UTC)
    assert not row.is_depleted(now=datetime(2026, 8, 1, tzinfo=UTC))
    assert row.is_depleted(now=datetime(2026, 9, 1, tzinfo=UTC))  # expiry reached


def test_add_client_body_matches_the_sample_request() -> None:
    sample = load_sample("addClient_request.json")
    sent = json.loads(sample["settings"])["clients"][0]

    assert Client.from_panel(sent).to_panel() == sent


def test_unknown_client_keys_survive_a_round_trip() -> None:
    raw = {"id": "u", "email": "x", "group": "vip", "created_at": 5, "auth": ""}

    assert Client.from_panel(raw).to_panel() | raw == Client.from_panel(raw).to_panel()
    assert Client.from_panel(raw).extra == {"group": "vip", "created_at": 5, "auth": ""}


def test_era_e_client_record_uses_uuid_for_the_credential() -> None:
    record = {
        "id": 7,
        "email": "alice",
        "uuid": "ed66b56a-a99c-41bc-a5bb-86179a01c58c",
        "password": "",
        "createdAt": 1,
        "updatedAt": 2,
        "inboundIds": [1],
        "tgId": 0,
    }

    client = Client.from_panel(record)

    assert client.id == "ed66b56a-a99c-41bc-a5bb-86179a01c58c"
    assert "createdAt" not in client.to_panel() and "inboundIds" not in client.to_panel()


def test_times_are_aware_utc() -> None:
    assert ms_to_datetime(0) is None
    assert ms_to_datetime(-5) is None
    moment = datetime(2026, 9, 1, 3, 0, tzinfo=timezone(timedelta(hours=3)))
    assert datetime_to_ms(moment) == 1788220800000
    assert datetime_to_ms(None) == 0
    with pytest.raises(ValueError, match="timezone-aware"):
        datetime_to_ms(datetime(2026, 9, 1))
    with pytest.raises(ValueError, match="either"):
        Client(email="x", expiry_time=moment, expires_after_first_use=timedelta(days=1))


WENT_WRONG = "Something went wrong"
LOGGED_IN = "You have successfully logged into your account."


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        (f"{WENT_WRONG} (Duplicate email: alice\n)", f"{WENT_WRONG} (Duplicate email: alice)"),
        (f"{WENT_WRONG} (record not found)", f"{WENT_WRONG} (record not found)"),
        (f" {LOGGED_IN}", LOGGED_IN),
        ("a\nb", "a b"),
        (None, ""),
    ],
)
def test_panel_messages_lose_their_newline_quirks(raw: object, clean: str) -> None:
    assert clean_panel_message(raw) == clean
