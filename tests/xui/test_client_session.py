"""XuiClient sessions against the emulator in every era: login, era detection, expiry,
CSRF, API tokens, refused credentials."""

from __future__ import annotations

import asyncio

import pytest

from rayport.errors import XuiError
from rayport.xui import Era, XuiClient, new_client
from tests.fixtures.xui_emulator import XuiEmulator
from tests.xui.conftest import EXPECTED_ERA, V2_ERAS, V3_ERAS, MakeClient


def logins(emu: XuiEmulator) -> int:
    return len(emu.calls_to("login", "POST"))


async def test_status_reports_detected_era_and_versions(emu: XuiEmulator, xui: XuiClient) -> None:
    status = await xui.status()

    assert status.ok, status.error
    assert status.era is EXPECTED_ERA[emu.era]
    assert xui.era is EXPECTED_ERA[emu.era]
    # Only v3 reports its own version; v2.7+ reports Xray's.
    assert status.panel_version == (emu.profile.version if emu.profile.v3 else None)
    assert (status.xray_version is not None) == emu.profile.server_status


async def test_session_is_reused_across_calls(emu: XuiEmulator, xui: XuiClient) -> None:
    for _ in range(3):
        await xui.list_inbounds()

    assert logins(emu) == 1
    assert all(call.auth == "cookie" for call in emu.calls_to("panel/api/inbounds/list"))


async def test_expired_session_is_renewed_transparently(emu: XuiEmulator, xui: XuiClient) -> None:
    before = await xui.list_inbounds()
    emu.expire_sessions()
    emu.clear_calls()

    after = await xui.list_inbounds()

    assert [i.remark for i in after] == [i.remark for i in before]
    lists = emu.calls_to("panel/api/inbounds/list")
    # The era's own "not logged in" answer, then the same call after one new login.
    assert [c.status for c in lists] == [{"a": 401, "b": 401, "c": 404}.get(emu.era, 401), 200]
    assert logins(emu) == 1


@pytest.mark.parametrize("emu", ["a", "b"], indirect=True)
async def test_redirect_to_login_page_is_an_expired_session(
    emu: XuiEmulator, xui: XuiClient
) -> None:
    await xui.list_inbounds()
    emu.drop_xhr_header = True  # a proxy in between: v2 panels then redirect with 307
    emu.expire_sessions()
    emu.clear_calls()

    assert len(await xui.list_inbounds()) == 2
    assert [c.status for c in emu.calls_to("panel/api/inbounds/list")] == [307, 200]
    assert logins(emu) == 1


async def test_write_after_session_expiry_is_applied_once(emu: XuiEmulator, xui: XuiClient) -> None:
    inbound = await xui.find_inbound("vless")
    assert inbound is not None
    emu.expire_sessions()

    await xui.add_client(inbound.id, new_client("vless", "late-vless"))

    assert emu.state.emails().count("late-vless") == 1
    assert logins(emu) == 2


async def test_concurrent_calls_after_expiry_log_in_once(emu: XuiEmulator, xui: XuiClient) -> None:
    await xui.list_inbounds()
    emu.expire_sessions()
    emu.clear_calls()

    results = await asyncio.gather(*(xui.list_inbounds() for _ in range(10)))

    assert all(len(r) == 2 for r in results)
    assert logins(emu) == 1


@pytest.mark.parametrize("emu", V3_ERAS, indirect=True)
async def test_stale_csrf_token_is_refreshed_once(emu: XuiEmulator, xui: XuiClient) -> None:
    await xui.list_inbounds()
    emu.rotate_csrf()
    emu.clear_calls()

    await xui.add_client(1, new_client("vless", "csrf-vless"))

    assert emu.state.emails().count("csrf-vless") == 1
    sequence = [(c.method, c.route.split("/")[-1], c.status) for c in emu.calls][:3]
    add = "add" if emu.era == "e" else "addClient"
    assert sequence == [("POST", add, 403), ("GET", "csrf-token", 200), ("POST", add, 200)]
    assert logins(emu) == 0


@pytest.mark.parametrize("emu", V3_ERAS, indirect=True)
async def test_api_token_needs_no_login(emu: XuiEmulator, make_xui: MakeClient) -> None:
    xui = await make_xui(api_token=emu.api_token, username="", password="")

    await xui.add_client(1, new_client("vless", "token-vless"))
    found = await xui.get_client("token-vless")

    assert found is not None
    assert logins(emu) == 0
    assert {c.auth for c in emu.api_calls() if c.status == 200} == {"bearer"}


@pytest.mark.parametrize("emu", V3_ERAS, indirect=True)
async def test_api_token_wins_over_password(emu: XuiEmulator, make_xui: MakeClient) -> None:
    xui = await make_xui(api_token=emu.api_token)

    await xui.list_inbounds()

    assert logins(emu) == 0


@pytest.mark.parametrize("emu", V3_ERAS, indirect=True)
async def test_rejected_api_token_falls_back_to_password(
    emu: XuiEmulator, make_xui: MakeClient
) -> None:
    xui = await make_xui(api_token="revoked-token")

    inbounds = await xui.list_inbounds()

    assert len(inbounds) == 2
    assert logins(emu) == 1
    assert emu.calls_to("panel/api/inbounds/list")[-1].auth == "cookie"


@pytest.mark.parametrize("emu", V3_ERAS, indirect=True)
async def test_rejected_api_token_without_password_is_reported(
    emu: XuiEmulator, make_xui: MakeClient
) -> None:
    xui = await make_xui(api_token="revoked-token", username="", password="")

    with pytest.raises(XuiError, match="token"):
        await xui.list_inbounds()
    status = await xui.status()

    assert status.reachable and not status.ok


@pytest.mark.parametrize("emu", V2_ERAS, indirect=True)
async def test_api_token_on_v2_panel_uses_password(emu: XuiEmulator, make_xui: MakeClient) -> None:
    xui = await make_xui(api_token="token-from-a-v3-panel")

    assert len(await xui.list_inbounds()) == 2
    assert logins(emu) == 1


async def test_wrong_password_is_panel_message_and_not_hammered(
    emu: XuiEmulator, make_xui: MakeClient
) -> None:
    xui = await make_xui(password="wrong")

    panel_says = "Invalid username or password or two-factor code."
    for _ in range(3):
        with pytest.raises(XuiError) as caught:
            await xui.list_inbounds()
        assert caught.value.message == f"The VPN panel refused RayPort's login: {panel_says}"
    status = await xui.status()

    # One attempt only: v3 panels lock the user out after 5 failures in 5 minutes.
    assert logins(emu) == 1
    assert status.reachable and not status.authenticated
    assert status.error is not None and status.error.endswith(panel_says)


async def test_url_without_web_base_path_is_explained(
    emu: XuiEmulator, make_xui: MakeClient
) -> None:
    xui = await make_xui(base_url=f"http://{emu.host}:{emu.port}/")

    with pytest.raises(XuiError, match="web base path") as caught:
        await xui.list_inbounds()

    assert str(emu.port) not in caught.value.message  # never leak the panel URL
    assert (await xui.status()).reachable


async def test_base_url_without_trailing_slash_works(
    emu: XuiEmulator, make_xui: MakeClient
) -> None:
    xui = await make_xui(base_url=emu.url.rstrip("/"))

    assert (await xui.status()).ok


async def test_concurrent_first_calls_log_in_once(emu: XuiEmulator, xui: XuiClient) -> None:
    results = await asyncio.gather(*(xui.list_inbounds() for _ in range(10)))

    assert all(len(r) == 2 for r in results)
    assert logins(emu) == 1


@pytest.mark.parametrize("emu", ["d"], indirect=True)
async def test_panel_upgrade_to_clients_api_is_followed(emu: XuiEmulator, xui: XuiClient) -> None:
    await xui.add_client(1, new_client("vless", "before-vless"))
    emu.upgrade_to("e")  # v3.0 -> v3.6: the legacy client routes are gone

    added = await xui.add_client(1, new_client("vless", "after-vless"))

    assert xui.era is Era.V3_1
    assert added.email == "after-vless"
    assert emu.state.emails().count("after-vless") == 1
    assert emu.calls_to("panel/api/clients/add")[-1].status == 200
