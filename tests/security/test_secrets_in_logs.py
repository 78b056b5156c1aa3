"""No credential reaches the logs (ASVS 5.0 V16.2.5: credentials are never logged, session
tokens at most hashed or masked).

Already covered in tests/api/test_logs.py: register, me, a wrong login, refresh and
change-password leave no password or token in the JSON logs. This module adds the paths
that one leaves out: admin password reset (the temporary password), refresh reuse, logout,
forgot-password, a password typed into the login field, a request that used to fail inside
the database, and Telegram login (initData and its hash, Login Widget hash, bot token).
"""

from __future__ import annotations

import io
import json
from urllib.parse import parse_qsl

import httpx

from rayport.models import User
from tests.api.factories import fetch, headers_for, superuser_id
from tests.fixtures.telegram import TEST_BOT_TOKEN, make_user, sign_init_data, sign_login_widget
from tests.helpers import PASSWORD, bearer, login, register
from tests.security.support import contains_any


def _lines(stream: io.StringIO) -> list[dict[str, object]]:
    output = stream.getvalue()
    assert output, "the flow should have produced logs"
    return [json.loads(line) for line in output.splitlines()]


async def test_v16_2_5_no_password_or_token_in_logs_across_the_account_lifecycle(
    api: httpx.AsyncClient, captured_logs: io.StringIO
) -> None:
    secrets: list[str] = [PASSWORD, "Wrong-Pass-123", "Second-Pass-456", "Mistyped-In-Login-9"]
    tokens = await register(api, "gina_logs1")
    logged_in = await login(api, "gina_logs1")
    secrets += [tokens["access_token"], tokens["refresh_token"]]
    secrets += [logged_in["access_token"], logged_in["refresh_token"]]

    # A password typed into the login field, and a failed login.
    await api.post("/api/auth/v1/login", json={"login": "Mistyped-In-Login-9", "password": "x"})
    await api.post("/api/auth/v1/login", json={"login": "gina_logs1", "password": "Wrong-Pass-123"})
    # A NUL byte in the login used to fail inside PostgreSQL and log the SQL with it.
    nul = await api.post(
        "/api/auth/v1/login", json={"login": "gina\x00" + PASSWORD, "password": PASSWORD}
    )
    assert nul.status_code == 422

    rotated = (
        await api.post("/api/auth/v1/refresh", json={"refresh_token": tokens["refresh_token"]})
    ).json()
    secrets += [rotated["access_token"], rotated["refresh_token"]]
    # Reuse of the spent token: the session is revoked (and that is logged, if at all,
    # without the token).
    replay = await api.post("/api/auth/v1/refresh", json={"refresh_token": tokens["refresh_token"]})
    assert replay.status_code == 401

    await api.post(
        "/api/auth/v1/change-password",
        headers=bearer(logged_in),
        json={"current_password": "Wrong-Pass-123", "new_password": "Second-Pass-456"},
    )
    changed = await api.post(
        "/api/auth/v1/change-password",
        headers=bearer(logged_in),
        json={"current_password": PASSWORD, "new_password": "Second-Pass-456"},
    )
    assert changed.status_code == 204
    await api.post("/api/auth/v1/forgot-password", json={"login": "gina_logs1"})

    [user] = await fetch(api, User, User.login == "gina_logs1")
    root = await headers_for(api, await superuser_id(api))
    secrets.append(root["Authorization"].removeprefix("Bearer "))
    reset = await api.post(f"/api/admin/v1/users/{user.id}/password-reset", headers=root)
    temporary = reset.json()["temporary_password"]
    assert temporary
    secrets.append(temporary)
    after_reset = await login(api, "gina_logs1", temporary)
    secrets += [after_reset["access_token"], after_reset["refresh_token"]]
    assert (await api.post("/api/auth/v1/logout", headers=bearer(after_reset))).status_code == 204

    output = captured_logs.getvalue()
    assert contains_any(output, secrets) == []
    routes = {line.get("route") for line in _lines(captured_logs)}
    assert {
        "/api/auth/v1/refresh",
        "/api/auth/v1/change-password",
        "/api/admin/v1/users/{user_id}/password-reset",
        "/api/auth/v1/logout",
    } <= routes


async def test_v16_2_5_no_telegram_secret_in_logs(
    tg_api: httpx.AsyncClient, captured_logs: io.StringIO
) -> None:
    """Neither the bot token, nor initData, nor its hash or signature, nor the Login Widget
    hash, nor the tokens issued for them appear in the logs — on success or refusal."""
    url = "/api/auth/v1/login/social/telegram"
    init_data = sign_init_data(user=make_user(70007001, username="hanna_tg"))
    fields = dict(parse_qsl(init_data))
    widget = sign_login_widget(data={"id": 70007002, "first_name": "Ida", "username": "ida_tg"})
    tampered = init_data.replace("Ivan", "Evil")

    mini_app = await tg_api.post(url, json={"init_data": init_data})
    assert mini_app.status_code == 200
    by_widget = await tg_api.post(url, json=widget)
    assert by_widget.status_code == 200
    refused = await tg_api.post(url, json={"init_data": tampered})
    assert refused.status_code == 401
    linked = await register(tg_api, "jonas_link")
    link = await tg_api.post(
        "/api/auth/v1/account/socials/telegram",
        headers=bearer(linked),
        json={"init_data": sign_init_data(user=make_user(70007003))},
    )
    assert link.status_code == 200

    secrets = [
        TEST_BOT_TOKEN,
        init_data,
        tampered,
        fields["hash"],
        str(widget["hash"]),
        *(mini_app.json().values()),
        *(by_widget.json().values()),
        linked["access_token"],
        linked["refresh_token"],
    ]
    secrets = [s for s in secrets if isinstance(s, str) and len(s) > 8]  # not "bearer", 900
    assert contains_any(captured_logs.getvalue(), secrets) == []
    assert any(line.get("route") == url for line in _lines(captured_logs))
