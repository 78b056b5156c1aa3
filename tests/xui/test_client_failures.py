"""XuiClient when the panel is down, slow or failing: XuiUnavailable, bounded retries on
reads, never a repeated write."""

from __future__ import annotations

import pytest

from rayport.errors import XuiUnavailable
from rayport.xui import XuiClient, new_client
from tests.fixtures.xui_emulator import XuiEmulator
from tests.xui.conftest import MakeClient

LIST = "panel/api/inbounds/list"


def add_route(emu: XuiEmulator) -> str:
    return "panel/api/clients/add" if emu.profile.clients_api else "panel/api/inbounds/addClient"


async def test_panel_down_is_unavailable_then_recovers(emu: XuiEmulator, xui: XuiClient) -> None:
    await xui.list_inbounds()

    with emu.outage():
        with pytest.raises(XuiUnavailable) as read_error:
            await xui.list_inbounds()
        with pytest.raises(XuiUnavailable):
            await xui.add_client(1, new_client("vless", "down-vless"))
        status = await xui.status()

    assert read_error.value.status_code == 503
    assert read_error.value.headers["Retry-After"]
    assert not status.reachable and status.error
    assert len(await xui.list_inbounds()) == 2
    assert "down-vless" not in emu.state.emails()


async def test_panel_down_before_first_call(emu: XuiEmulator, make_xui: MakeClient) -> None:
    emu.down = True
    xui = await make_xui()

    with pytest.raises(XuiUnavailable):
        await xui.find_inbound("vless")

    emu.down = False
    assert await xui.find_inbound("vless") is not None


async def test_slow_panel_times_out_after_bounded_retries(
    emu: XuiEmulator, make_xui: MakeClient
) -> None:
    xui = await make_xui(timeout=0.2, read_retries=1)
    await xui.list_inbounds()
    emu.clear_calls()
    emu.slow = 0.5

    with pytest.raises(XuiUnavailable) as caught:
        await xui.list_inbounds()

    assert caught.value.details == {"reason": "timeout"}
    assert len(emu.calls_to(LIST)) == 2  # the call and one retry


async def test_timed_out_write_is_not_repeated(emu: XuiEmulator, make_xui: MakeClient) -> None:
    xui = await make_xui(timeout=0.2)
    await xui.list_inbounds()
    emu.clear_calls()
    emu.slow = 0.5

    with pytest.raises(XuiUnavailable):
        await xui.add_client(1, new_client("vless", "slow-vless"))
    emu.wait_idle()
    emu.slow = 0

    # The panel applied it late; a retry would have hit "Duplicate email".
    assert len(emu.calls_to(add_route(emu))) == 1
    assert emu.state.emails().count("slow-vless") == 1
    assert await xui.get_client("slow-vless") is not None


async def test_server_errors_on_a_read_are_retried_within_the_bound(
    emu: XuiEmulator, xui: XuiClient
) -> None:
    await xui.list_inbounds()
    emu.clear_calls()
    emu.fail_next(2, route=LIST)

    inbounds = await xui.list_inbounds()

    assert len(inbounds) == 2
    assert [c.status for c in emu.calls_to(LIST)] == [500, 500, 200]


async def test_server_errors_beyond_the_bound_are_unavailable(
    emu: XuiEmulator, xui: XuiClient
) -> None:
    await xui.list_inbounds()
    emu.clear_calls()
    emu.fail_next(5, route=LIST)

    with pytest.raises(XuiUnavailable) as caught:
        await xui.list_inbounds()

    assert caught.value.details == {"reason": "server_error", "status": 500}
    assert len(emu.calls_to(LIST)) == 3  # 1 + read_retries


async def test_server_error_on_a_write_is_not_retried(emu: XuiEmulator, xui: XuiClient) -> None:
    await xui.list_inbounds()
    emu.clear_calls()
    emu.fail_next(1, route=add_route(emu))

    with pytest.raises(XuiUnavailable):
        await xui.add_client(1, new_client("vless", "fail-vless"))

    assert len(emu.calls_to(add_route(emu))) == 1
    assert "fail-vless" not in emu.state.emails()


async def test_server_error_during_login_is_retried_for_reads(
    emu: XuiEmulator, xui: XuiClient
) -> None:
    emu.fail_next(1, route="login")

    assert len(await xui.list_inbounds()) == 2
    assert [c.status for c in emu.calls_to("login")] == [500, 200]
