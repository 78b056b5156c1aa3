"""The emulator speaks the panel's protocol byte for byte where the CONTRACT samples say
how (error bodies, status codes, cookies, JSON-in-strings), so the client tests above
exercise the real quirks. Raw httpx here, no XuiClient."""

from __future__ import annotations

import json
import os
import select
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.fixtures.xui_emulator import XuiEmulator
from tests.xui.conftest import LEGACY_ERAS, V3_ERAS, load_sample

ERRORS = load_sample("error_responses.json")
XHR = {"X-Requested-With": "XMLHttpRequest"}
REPO = Path(__file__).resolve().parents[2]


def body_of(response: httpx.Response) -> Any:
    return response.json() if response.content else None


def expect(response: httpx.Response, name: str) -> None:
    """The response is exactly the catalogued failure ``name``."""
    assert (response.status_code, body_of(response)) == (
        ERRORS[name]["status"],
        ERRORS[name]["body"],
    )


@pytest.fixture
async def http(emu: XuiEmulator) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=emu.url, follow_redirects=False) as client:
        yield client


async def log_in(emu: XuiEmulator, http: httpx.AsyncClient) -> dict[str, str]:
    """Log in the way the panel UI does; returns headers for later unsafe requests."""
    headers: dict[str, str] = {}
    if emu.profile.v3:
        token = (await http.get("csrf-token")).json()["obj"]
        headers["X-CSRF-Token"] = token
    form = {"username": emu.username, "password": emu.password}
    response = await http.post("login", data=form, headers=headers)
    assert response.json()["success"] is True
    cookie = response.headers["set-cookie"]
    assert cookie.startswith(f"{emu.profile.cookie_name}=")
    assert f"Path={emu.base_path}" in cookie and "HttpOnly" in cookie
    return headers


async def test_bad_credentials(emu: XuiEmulator, http: httpx.AsyncClient) -> None:
    headers = {}
    if emu.profile.v3:
        headers["X-CSRF-Token"] = (await http.get("csrf-token")).json()["obj"]

    response = await http.post(
        "login", json={"username": "admin", "password": "x"}, headers=headers
    )

    expect(response, "login_bad_credentials")


async def test_unauthenticated_answers_per_era(emu: XuiEmulator, http: httpx.AsyncClient) -> None:
    plain = await http.get("panel/api/inbounds/list")
    xhr = await http.get("panel/api/inbounds/list", headers=XHR)

    if emu.era in {"a", "b"}:
        assert (plain.status_code, plain.headers["location"]) == (307, emu.base_path)
        expect(xhr, "api_unauthenticated_xhr_v2_le_2_8_3")
    elif emu.era == "c":
        expect(plain, "api_unauthenticated_v2_8_4_plus")
        expect(xhr, "api_unauthenticated_v2_8_4_plus")
    else:
        expect(plain, "api_unauthenticated_v2_8_4_plus")
        expect(xhr, "api_unauthenticated_xhr_v3_0_2_plus")


@pytest.mark.parametrize("emu", V3_ERAS, indirect=True)
async def test_v3_needs_csrf_on_login_and_posts(emu: XuiEmulator, http: httpx.AsyncClient) -> None:
    form = {"username": emu.username, "password": emu.password}
    expect(await http.post("login", data=form), "csrf_missing_or_wrong")

    headers = await log_in(emu, http)
    route = "panel/api/clients/add" if emu.profile.clients_api else "panel/api/inbounds/addClient"

    expect(await http.post(route, json={}), "csrf_missing_or_wrong")
    assert (await http.post(route, json={}, headers=headers)).status_code != 403
    bearer = {"Authorization": f"Bearer {emu.api_token}"}
    async with httpx.AsyncClient(base_url=emu.url) as fresh:
        assert (await fresh.get("panel/api/inbounds/list", headers=bearer)).json()["success"]


@pytest.mark.parametrize("emu", LEGACY_ERAS, indirect=True)
async def test_legacy_error_catalogue(emu: XuiEmulator, http: httpx.AsyncClient) -> None:
    headers = await log_in(emu, http)
    api = "panel/api/inbounds/"
    alice = json.loads(load_sample("addClient_request.json")["settings"])["clients"][0]

    def body(inbound_id: int, *clients: dict[str, Any]) -> dict[str, Any]:
        return {"id": inbound_id, "settings": json.dumps({"clients": list(clients)})}

    added = await http.post(api + "addClient", json=body(1, alice), headers=headers)
    assert added.json() == {
        "success": True,
        "msg": "Inbound client(s) have been added.",
        "obj": None,
    }
    duplicate = {**alice, "id": "00000000-0000-4000-8000-000000000001"}
    expect(
        await http.post(api + "addClient", json=body(2, duplicate), headers=headers),
        "addClient_duplicate_email",
    )
    expect(
        await http.post(api + "addClient", json=body(9, {**alice, "email": "x"}), headers=headers),
        "addClient_unknown_inbound",
    )
    expect(
        await http.post(api + "addClient", json={"id": 1, "settings": "{}"}, headers=headers),
        "addClient_settings_without_clients",
    )
    expect(
        await http.post(
            api + "addClient", json={"id": 1, "settings": {"clients": []}}, headers=headers
        ),
        "addClient_settings_object_instead_of_string_json_body",
    )
    ghost_key = "00000000-0000-4000-8000-000000000000"
    expect(
        await http.post(api + f"updateClient/{ghost_key}", json=body(1, alice), headers=headers),
        "updateClient_unknown_client_key",
    )
    if not emu.profile.del_unknown_key_silent:
        expect(
            await http.post(api + f"1/delClient/{ghost_key}", headers=headers),
            "delClient_unknown_client_key",
        )
    placeholder = emu.state.inbounds[2].clients[0]["password"]
    expect(
        await http.post(api + f"2/delClient/{placeholder}", headers=headers),
        "delClient_last_client",
    )
    if emu.profile.del_by_email:
        expect(
            await http.post(api + "1/delClientByEmail/ghost", headers=headers),
            "delClientByEmail_unknown_email",
        )
    unknown = await http.get(api + "getClientTraffics/ghost")
    if emu.profile.traffic_unknown_is_null:
        assert unknown.json() == {"success": True, "msg": "", "obj": None}
    else:
        expect(unknown, "getClientTraffics_unknown_email")
    expect(await http.get(api + "get/99"), "get_inbound_unknown_id")


@pytest.mark.parametrize("emu", ["e"], indirect=True)
async def test_clients_api_error_catalogue(emu: XuiEmulator, http: httpx.AsyncClient) -> None:
    headers = await log_in(emu, http)
    api = "panel/api/clients/"
    alice = {"email": "alice", "subId": "0v1ffbysiq3s4qxz"}

    assert (
        await http.post(api + "add", json={"client": alice, "inboundIds": [1]}, headers=headers)
    ).json()["success"]
    taken = {"client": {**alice, "subId": "other"}, "inboundIds": [1]}
    expect(await http.post(api + "add", json=taken, headers=headers), "clients_add_email_taken_v3")
    expect(await http.post(api + "del/ghost", headers=headers), "clients_del_unknown_v3")
    expect(
        await http.post(api + "update/ghost", json=alice, headers=headers),
        "clients_update_unknown_v3",
    )
    expect(await http.get(api + "traffic/ghost"), "clients_traffic_unknown_v3")
    for legacy in ("inbounds/addClient", "inbounds/getClientTraffics/alice"):
        assert (await http.get(f"panel/api/{legacy}")).status_code == 404


async def test_inbound_json_fields_by_era(emu: XuiEmulator, http: httpx.AsyncClient) -> None:
    await log_in(emu, http)

    listed = (await http.get("panel/api/inbounds/list")).json()["obj"][0]
    got = (await http.get("panel/api/inbounds/get/1")).json()["obj"]

    if emu.profile.clients_api:
        assert isinstance(listed["settings"], dict) and isinstance(listed["streamSettings"], dict)
        assert listed["tag"] == "in-443-tcp" and isinstance(got["clientStats"], list)
    else:
        assert isinstance(listed["settings"], str) and isinstance(listed["streamSettings"], str)
        assert json.loads(listed["settings"])["clients"][0]["email"] == "placeholder-vless"
        assert listed["tag"] == "inbound-443" and got["clientStats"] is None
    assert [row["email"] for row in listed["clientStats"]] == ["placeholder-vless"]


async def test_fail_next_and_down_switches(emu: XuiEmulator, http: httpx.AsyncClient) -> None:
    emu.fail_next(1)
    failed = await http.get("login")

    assert (failed.status_code, failed.content) == (500, b"")
    with emu.outage(), pytest.raises(httpx.ConnectError):
        await http.get("csrf-token")
    after = await http.get("csrf-token")

    assert after.status_code == (200 if emu.profile.v3 else 404)
    assert [c.status for c in emu.calls] == [500, after.status_code]


def test_command_line_emulator_serves_the_panel() -> None:
    command = [
        sys.executable,
        "-m",
        "tests.fixtures.xui_emulator",
        "--port",
        "0",
        "--era",
        "d",
        "--seed-inbounds",
    ]
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    with subprocess.Popen(command, cwd=REPO, stdout=subprocess.PIPE, text=True, env=env) as process:
        try:
            assert process.stdout is not None
            ready, _, _ = select.select([process.stdout], [], [], 30)
            assert ready, "the emulator printed nothing within 30 s"
            first = process.stdout.readline().strip()
            assert first.startswith("XUI_URL=http://127.0.0.1:") and first.endswith("/xui-test/")
            with httpx.Client(base_url=first.removeprefix("XUI_URL=")) as client:
                token = client.get("csrf-token").json()["obj"]
                credentials = {"username": "admin", "password": "admin"}
                login = client.post("login", data=credentials, headers={"X-CSRF-Token": token})
                inbounds = client.get("panel/api/inbounds/list").json()["obj"]
        finally:
            process.terminate()
        assert process.wait(timeout=10) == 0  # SIGTERM is a clean stop

    assert login.json()["success"] is True
    assert [i["remark"] for i in inbounds] == ["vless", "trojan"]
