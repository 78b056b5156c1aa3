"""Account enumeration: what the login, forgot-password and register answers give away
(ASVS 5.0 V6.3 general authentication security — valid users cannot be deduced from
error messages, status codes or response times, including on registration and password
recovery; V6.1.1 the decisions behind it are documented in tests/security/README.md).

Already covered in tests/api/test_auth_flow.py: unknown login vs wrong password give the
same status and JSON body; forgot-password answers a known, a repeated and an unknown
login alike; register with a taken login (any case) is a 409.
"""

from __future__ import annotations

import httpx

from rayport.models import Session, User
from tests.api.factories import fetch, headers_for, make_user, superuser_id
from tests.helpers import PASSWORD, error_code, login, register
from tests.security.support import CountingHasher, assert_indistinguishable

LOGIN = "/api/auth/v1/login"
FORGOT = "/api/auth/v1/forgot-password"
REGISTER = "/api/auth/v1/register"


async def _accounts(api: httpx.AsyncClient) -> None:
    """A live account with a password, a deactivated one, and a Telegram-only one."""
    await make_user(api, "mira_known", password=PASSWORD)
    await make_user(api, "otto_inactive", password=PASSWORD, is_active=False)
    await make_user(api, "tg_only_user", password=None, telegram="tg_only")


async def test_v6_3_failed_logins_are_byte_identical_whatever_the_account(
    api: httpx.AsyncClient,
) -> None:
    """Unknown login, wrong password, a deactivated account and a Telegram-only account
    (no password): same status, same headers (but the request id), same body bytes."""
    await _accounts(api)
    attempts = {
        "unknown login": ("nobody_home", "Wrong-Pass-1"),
        "wrong password": ("mira_known", "Wrong-Pass-1"),
        "deactivated, wrong password": ("otto_inactive", "Wrong-Pass-1"),
        "telegram-only account": ("tg_only_user", "Wrong-Pass-1"),
        "known login in capitals": ("MIRA_KNOWN", "Wrong-Pass-1"),
    }
    responses = {
        name: await api.post(LOGIN, json={"login": who, "password": password})
        for name, (who, password) in attempts.items()
    }
    assert_indistinguishable(responses)
    assert responses["unknown login"].status_code == 401


async def test_v6_3_the_password_hasher_runs_exactly_once_on_every_login_path(
    api: httpx.AsyncClient, counting_hasher: CountingHasher
) -> None:
    """Timing, structurally: every login answer costs one argon2 verification — no more
    (no hashing on the side, e.g. of a dummy hash made on first use), no less (no early
    return for an unknown, deactivated or password-less account). No clock is read here;
    a timing benchmark belongs to bench/.

    Weakness found and fixed: the dummy hash of unknown logins was computed on the first
    unknown login of each process, so that one answer cost two argon2 runs.
    """
    await _accounts(api)
    paths = {
        "unknown login": ("nobody_home", "Wrong-Pass-1", 401),
        "wrong password": ("mira_known", "Wrong-Pass-1", 401),
        "deactivated, wrong password": ("otto_inactive", "Wrong-Pass-1", 401),
        "deactivated, right password": ("otto_inactive", PASSWORD, 403),
        "telegram-only account": ("tg_only_user", PASSWORD, 401),
        "right password": ("mira_known", PASSWORD, 200),
    }
    for name, (who, password, status) in paths.items():
        counting_hasher.calls.clear()
        response = await api.post(LOGIN, json={"login": who, "password": password})
        assert response.status_code == status, (name, response.text)
        assert counting_hasher.calls == ["verify"], name


async def test_v6_3_a_deactivated_account_is_only_named_to_whoever_knows_its_password(
    api: httpx.AsyncClient,
) -> None:
    """The 403 "deactivated" answer needs the right password; without it the account looks
    like any other failure (decision in tests/security/README.md)."""
    await _accounts(api)
    right = await api.post(LOGIN, json={"login": "otto_inactive", "password": PASSWORD})
    assert right.status_code == 403 and error_code(right) == "permission_denied"
    wrong = await api.post(LOGIN, json={"login": "otto_inactive", "password": "Wrong-Pass-1"})
    unknown = await api.post(LOGIN, json={"login": "nobody_home", "password": "Wrong-Pass-1"})
    assert_indistinguishable({"wrong": wrong, "unknown": unknown})


async def test_v6_3_forgot_password_answers_every_kind_of_account_alike(
    api: httpx.AsyncClient,
) -> None:
    """Known, unknown, deactivated, Telegram-only, and a second request while one waits:
    same status, headers (but the request id) and bytes."""
    await _accounts(api)
    responses = {
        name: await api.post(FORGOT, json={"login": who})
        for name, who in {
            "unknown": "nobody_home",
            "known": "mira_known",
            "known again (a request is already open)": "mira_known",
            "deactivated": "otto_inactive",
            "telegram-only": "tg_only_user",
            "known in capitals": "MIRA_KNOWN",
        }.items()
    }
    assert_indistinguishable(responses)
    assert responses["unknown"].status_code == 202


async def test_v6_3_register_with_a_taken_login_says_only_that_and_changes_nothing(
    api: httpx.AsyncClient,
) -> None:
    """Register reveals a taken login (409, allowed by docs/decisions/0001 §6: a login-based
    sign-up cannot hide it without e-mail verification; the per-IP auth limit bounds the
    probing). The answer names the field and nothing else, issues no tokens, opens no
    session, and leaves the existing account's password alone."""
    victim = await register(api, "nora_owner")
    taken = await api.post(REGISTER, json={"login": "Nora_Owner", "password": "Attacker-Pass-1"})
    assert taken.status_code == 409 and error_code(taken) == "conflict"
    assert taken.json()["error"]["details"] == {"field": "login"}
    assert "token" not in taken.text
    sessions = await fetch(api, Session)
    assert len(sessions) == 1  # the owner's registration only
    refused = await api.post(LOGIN, json={"login": "nora_owner", "password": "Attacker-Pass-1"})
    assert refused.status_code == 401
    await login(api, "nora_owner")
    assert victim["access_token"]


async def test_v6_3_with_registration_disabled_register_reveals_no_login(
    api: httpx.AsyncClient,
) -> None:
    """When the superuser turns registration off, taken and free logins get the same 403."""
    await make_user(api, "paula_taken", password=PASSWORD)
    root = await headers_for(api, await superuser_id(api))
    switched = await api.patch(
        "/api/app/v1/settings", headers=root, json={"basic": {"registration_enabled": False}}
    )
    assert switched.status_code == 200, switched.text
    responses = {
        name: await api.post(REGISTER, json={"login": who, "password": "Long-enough-1"})
        for name, who in {"taken": "paula_taken", "free": "quinn_free"}.items()
    }
    assert_indistinguishable(responses)
    assert error_code(responses["free"]) == "registration_disabled"
    assert await fetch(api, User, User.login.in_(["quinn_free"])) == []
