"""XuiClient inbound and client operations against the emulator in every era; each test
checks what the panel ends up storing, not what the client says it did."""

from __future__ import annotations

import dataclasses
import uuid
from datetime import UTC, datetime, timedelta

import pytest

from rayport.errors import XuiError, XuiUnavailable
from rayport.xui import Client, XuiClient, new_client
from tests.fixtures.xui_emulator import XuiEmulator
from tests.fixtures.xui_emulator.state import VLESS_REALITY_STREAM
from tests.xui.conftest import LEGACY_ERAS

GIB = 1024**3


def expiry_in(days: int) -> datetime:
    # Whole seconds: the panel stores milliseconds.
    return (datetime.now(UTC) + timedelta(days=days)).replace(microsecond=0)


def stored(emu: XuiEmulator, email: str) -> dict[str, object]:
    found = emu.state.find_client(email)
    assert found is not None, f"{email} is not on the panel"
    return found[1]


async def test_find_inbound_by_remark(xui: XuiClient) -> None:
    vless = await xui.find_inbound("vless")
    trojan = await xui.find_inbound("trojan")

    assert vless is not None and trojan is not None
    assert (vless.protocol, vless.port, vless.stream.network, vless.stream.security) == (
        "vless",
        443,
        "tcp",
        "reality",
    )
    assert (trojan.protocol, trojan.stream.network, trojan.stream.security) == (
        "trojan",
        "ws",
        "tls",
    )
    assert [c.email for c in vless.clients] == ["placeholder-vless"]
    assert (await xui.find_inbound("VLESS")) == vless
    assert await xui.find_inbound("vmess") is None


async def test_ambiguous_remark_is_refused(emu: XuiEmulator, xui: XuiClient) -> None:
    emu.state.add_inbound("vless", "vless", 4443, VLESS_REALITY_STREAM)

    with pytest.raises(XuiError, match="Several VPN panel inbounds"):
        await xui.find_inbound("vless")


async def test_unknown_inbound_is_panel_error(xui: XuiClient) -> None:
    with pytest.raises(XuiError) as caught:
        await xui.get_inbound(99)

    assert caught.value.message == "Obtain (record not found)"


async def test_add_client_stores_every_field(emu: XuiEmulator, xui: XuiClient) -> None:
    expiry = expiry_in(30)
    client = new_client(
        "vless",
        "bob-vless",
        flow="xtls-rprx-vision",
        total_bytes=50 * GIB,
        limit_ip=2,
        expiry_time=expiry,
        comment="rayport:bob",
    )

    returned = await xui.add_client(1, client)

    raw = stored(emu, "bob-vless")
    assert raw["id"] == client.id and raw["subId"] == client.sub_id
    assert raw["totalGB"] == 50 * GIB and raw["limitIp"] == 2
    assert raw["expiryTime"] == int(expiry.timestamp() * 1000)
    assert raw["enable"] is True and raw["flow"] == "xtls-rprx-vision"
    assert raw["comment"] == "rayport:bob"
    assert emu.state.inbounds_with("bob-vless") == [emu.state.inbounds[1]]
    usage = emu.state.traffic("bob-vless")
    assert usage is not None and usage["total"] == 50 * GIB
    # What add_client returns is the panel's copy, equal in every field we set.
    assert (returned.id, returned.sub_id, returned.expiry_time) == (
        client.id,
        client.sub_id,
        expiry,
    )
    assert (returned.total_bytes, returned.limit_ip, returned.flow) == (50 * GIB, 2, client.flow)


async def test_add_trojan_client(emu: XuiEmulator, xui: XuiClient) -> None:
    client = new_client("trojan", "bob-trojan", total_bytes=GIB)

    returned = await xui.add_client(2, client)

    assert stored(emu, "bob-trojan")["password"] == client.password
    assert returned.password == client.password and returned.key == client.password


async def test_added_disabled_client_stays_disabled(emu: XuiEmulator, xui: XuiClient) -> None:
    await xui.add_client(1, new_client("vless", "off-vless", enable=False))

    assert stored(emu, "off-vless")["enable"] is False


@pytest.mark.parametrize("taken", ["bob-vless", "BOB-Vless"])
async def test_email_must_be_unique_across_inbounds_case_insensitively(
    emu: XuiEmulator, xui: XuiClient, taken: str
) -> None:
    await xui.add_client(1, new_client("vless", "bob-vless"))
    before = emu.state.emails()

    with pytest.raises(XuiError) as caught:
        await xui.add_client(2, new_client("trojan", taken))

    message = caught.value.message
    assert taken in message and "\n" not in message
    assert message.startswith("Something went wrong (")
    assert ("Duplicate email" in message) or ("email already in use" in message)
    assert caught.value.status_code == 502
    assert emu.state.emails() == before


async def test_update_replaces_the_whole_client(emu: XuiEmulator, xui: XuiClient) -> None:
    await xui.add_client(1, new_client("vless", "bob-vless", total_bytes=GIB, limit_ip=1))
    found = await xui.get_client("bob-vless")
    assert found is not None
    renewed = dataclasses.replace(
        found.client,
        expiry_time=expiry_in(60),
        total_bytes=20 * GIB,
        limit_ip=3,
        comment="renewed",
    )

    await xui.update_client(1, renewed)

    raw = stored(emu, "bob-vless")
    assert (raw["totalGB"], raw["limitIp"], raw["comment"]) == (20 * GIB, 3, "renewed")
    assert raw["expiryTime"] == renewed.expiry_ms
    assert (raw["id"], raw["subId"], raw["enable"]) == (renewed.id, renewed.sub_id, True)
    after = await xui.get_client("bob-vless")
    assert after is not None and after.client.total_bytes == 20 * GIB


@pytest.mark.parametrize("emu", LEGACY_ERAS, indirect=True)
async def test_update_keeps_fields_rayport_does_not_model(emu: XuiEmulator, xui: XuiClient) -> None:
    emu.state.add_client(
        1, {"id": str(uuid.uuid4()), "email": "vip-vless", "group": "vip", "resetDay": 5}
    )
    found = await xui.get_client("vip-vless")
    assert found is not None

    await xui.update_client(1, dataclasses.replace(found.client, limit_ip=4))

    raw = stored(emu, "vip-vless")
    assert (raw["group"], raw["resetDay"], raw["limitIp"]) == ("vip", 5, 4)


async def test_more_quota_reenables_a_depleted_client(emu: XuiEmulator, xui: XuiClient) -> None:
    await xui.add_client(1, new_client("vless", "heavy-vless", total_bytes=GIB))
    emu.state.set_traffic("heavy-vless", up=GIB // 2, down=GIB)

    depleted = {r.email: r for r in await xui.list_client_traffic(1)}["heavy-vless"]
    assert depleted.enable is False and depleted.is_depleted()
    found = await xui.get_client("heavy-vless")
    assert found is not None and found.client.enable  # the admin switch is still on

    await xui.update_client(1, dataclasses.replace(found.client, total_bytes=10 * GIB))

    row = {r.email: r for r in await xui.list_client_traffic(1)}["heavy-vless"]
    assert row.enable is True and not row.is_depleted()
    assert row.used == GIB // 2 + GIB  # usage is kept


async def test_update_can_change_the_credential(emu: XuiEmulator, xui: XuiClient) -> None:
    original = await xui.add_client(1, new_client("vless", "rotate-vless"))
    rotated = dataclasses.replace(original, id=str(uuid.uuid4()))

    await xui.update_client(1, rotated, previous=original)

    assert stored(emu, "rotate-vless")["id"] == rotated.id
    assert len(emu.state.inbounds[1].clients) == 2


async def test_update_of_unknown_client_is_refused(emu: XuiEmulator, xui: XuiClient) -> None:
    ghost = new_client("vless", "ghost-vless")

    with pytest.raises(XuiError) as caught:
        await xui.update_client(1, ghost)

    assert caught.value.message in {
        "Something went wrong (empty client ID)",  # legacy: unknown key
        "Something went wrong (record not found)",  # era E: unknown email
    }
    assert "ghost-vless" not in emu.state.emails()


async def test_delete_removes_client_and_counters(emu: XuiEmulator, xui: XuiClient) -> None:
    client = await xui.add_client(2, new_client("trojan", "gone-trojan"))

    await xui.delete_client(2, client)

    assert "gone-trojan" not in emu.state.emails()
    assert emu.state.traffic("gone-trojan") is None
    assert await xui.get_client("gone-trojan") is None


async def test_deleting_the_last_client_of_an_inbound(emu: XuiEmulator, xui: XuiClient) -> None:
    inbound = await xui.get_inbound(2)
    (only,) = inbound.clients

    if emu.profile.clients_api:
        await xui.delete_client(2, only)
        assert emu.state.inbounds[2].clients == []
    else:
        with pytest.raises(XuiError) as caught:
            await xui.delete_client(2, only)
        assert caught.value.message == "Something went wrong (no client remained in Inbound)"
        assert [c["email"] for c in emu.state.inbounds[2].clients] == ["placeholder-trojan"]


async def test_get_client_and_traffic_by_email(emu: XuiEmulator, xui: XuiClient) -> None:
    emu.state.seed_samples()

    found = await xui.get_client("alice")
    traffic = await xui.get_client_traffic("alice")

    assert found is not None and found.inbound_ids == (1,)
    alice = found.client
    assert alice.id == "ed66b56a-a99c-41bc-a5bb-86179a01c58c"
    assert alice.sub_id == "0v1ffbysiq3s4qxz" and alice.limit_ip == 2
    assert alice.total_bytes == 50 * GIB
    assert alice.expiry_time == datetime(2026, 9, 1, tzinfo=UTC)
    assert traffic is not None
    assert (traffic.up, traffic.down, traffic.total) == (611823104, 12597067776, 50 * GIB)
    assert await xui.get_client("ghost") is None
    assert await xui.get_client_traffic("ghost") is None


async def test_first_use_expiry_is_exposed_as_a_delay(emu: XuiEmulator, xui: XuiClient) -> None:
    emu.state.seed_samples()

    found = await xui.get_client("carol")
    rows = {r.email: r for r in await xui.list_client_traffic(1)}

    assert found is not None
    assert found.client.expiry_time is None
    assert found.client.expires_after_first_use == timedelta(days=30)
    assert rows["carol"].expires_after_first_use == timedelta(days=30)
    assert found.client.tg_id is None  # stored as "" by the v2 UI


async def test_traffic_of_every_client_costs_one_call_per_inbound(
    emu: XuiEmulator, xui: XuiClient
) -> None:
    emu.state.seed_clients(1, 300, prefix="v")
    emu.state.seed_clients(2, 40, prefix="t")
    emu.state.set_traffic("v-7", up=123, down=456)
    await xui.list_inbounds()  # log in first; only the sync itself is counted
    emu.clear_calls()

    vless_rows = await xui.list_client_traffic(1)
    trojan_rows = await xui.list_client_traffic(2)

    assert len(emu.api_calls()) == 2
    assert len(vless_rows) == 301 and len(trojan_rows) == 41
    by_email = {r.email: r for r in vless_rows}
    assert (by_email["v-7"].up, by_email["v-7"].down) == (123, 456)
    for row in vless_rows:
        state_row = emu.state.traffic(row.email)
        assert state_row is not None
        assert (row.total, row.enable) == (state_row["total"], state_row["enable"])
        assert (
            row.expiry_time is None
            or int(row.expiry_time.timestamp() * 1000) == (state_row["expiryTime"])
        )


async def test_reset_client_traffic(emu: XuiEmulator, xui: XuiClient) -> None:
    await xui.add_client(1, new_client("vless", "reset-vless", total_bytes=GIB))
    emu.state.set_traffic("reset-vless", up=GIB, down=GIB)

    await xui.reset_client_traffic(1, "reset-vless")

    usage = emu.state.traffic("reset-vless")
    assert usage is not None
    assert (usage["up"], usage["down"], usage["enable"]) == (0, 0, True)


async def test_reset_traffic_of_unknown_email_is_refused(emu: XuiEmulator, xui: XuiClient) -> None:
    # Panels before v2.8.1 crash on it (HTTP 500): unavailable rather than refused.
    expected = XuiUnavailable if emu.era == "a" else XuiError

    with pytest.raises(expected):
        await xui.reset_client_traffic(1, "ghost")


async def test_new_client_has_fresh_credentials() -> None:
    vless = new_client("vless", "a-vless")
    trojan = new_client("trojan", "a-trojan")

    assert uuid.UUID(vless.id).version == 4 and vless.password == ""
    assert len(trojan.password) == 24 and trojan.password.isalnum() and trojan.id == ""
    assert len(vless.sub_id) == 16 and vless.sub_id != trojan.sub_id
    assert isinstance(vless, Client)
    with pytest.raises(ValueError, match="protocol"):
        new_client("wireguard", "x")
