"""Password guessing: limited per IP and per account, never a permanent lock-out (ASVS 5.0
V6.3 general authentication security — brute force and credential stuffing; V6.1.1 how
the limits work and how they avoid malicious lock-out is documented in
tests/security/README.md).

The windows pass by moving the rate limiter's clock (`limiter_clock`), not by sleeping.

Already covered in tests/api/test_rate_limits.py: per-IP limit with Retry-After, spraying
many logins from one IP (test_login_is_limited_per_ip_with_retry_after), per-login limit
across IPs, spoofed X-Forwarded-For ignored, refresh and forgot-password limited.
"""

from __future__ import annotations

import httpx

from tests.api.factories import make_user, tokens_for
from tests.helpers import PASSWORD, bearer, error_code
from tests.security.conftest import LimitedApp
from tests.security.support import ShiftedClock

LOGIN = "/api/auth/v1/login"
CHANGE = "/api/auth/v1/change-password"
ATTACKER_IP = "198.51.100.66"
VICTIM_IP = "192.0.2.10"


async def _login(
    api: httpx.AsyncClient, who: str, password: str, ip: str = ATTACKER_IP
) -> httpx.Response:
    return await api.post(
        LOGIN, json={"login": who, "password": password}, headers={"X-Forwarded-For": ip}
    )


def _retry_after(response: httpx.Response) -> int:
    assert response.status_code == 429, response.text
    assert error_code(response) == "rate_limited"
    seconds = int(response.headers["Retry-After"])
    assert response.json()["error"]["details"] == {"retry_after": seconds}
    return seconds


async def test_v6_3_per_account_limit_locks_the_victim_out_only_until_the_window_passes(
    limited_app: LimitedApp, limiter_clock: ShiftedClock
) -> None:
    """An attacker hammering one account from one address also stops the real user, from
    another address, from signing in (the per-login limit counts across IPs) — but only for
    the rest of the window, which Retry-After announces; then the real user gets in."""
    async with limited_app(auth="3/minute") as api:
        await make_user(api, "vera_victim", password=PASSWORD)
        codes = [(await _login(api, "vera_victim", f"guess-{i}")).status_code for i in range(4)]
        assert codes == [401, 401, 401, 429]

        locked = await _login(api, "vera_victim", PASSWORD, ip=VICTIM_IP)
        assert 1 <= _retry_after(locked) <= 60

        limiter_clock.advance(61)
        back = await _login(api, "vera_victim", PASSWORD, ip=VICTIM_IP)
        assert back.status_code == 200, back.text


async def test_v6_3_once_limited_the_right_password_is_refused_like_a_wrong_one(
    limited_app: LimitedApp, limiter_clock: ShiftedClock
) -> None:
    """No oracle past the limit: the limit is checked before the password, so the attacker's
    correct guess gets the same 429 as a wrong one and learns nothing."""
    async with limited_app(auth="3/minute") as api:
        await make_user(api, "walt_target", password=PASSWORD)
        for i in range(3):
            assert (await _login(api, "walt_target", f"guess-{i}")).status_code == 401
        wrong = await _login(api, "walt_target", "guess-3")
        right = await _login(api, "walt_target", PASSWORD)
        assert wrong.status_code == right.status_code == 429
        assert error_code(wrong) == error_code(right) == "rate_limited"
        assert "access_token" not in right.text


async def test_v6_3_password_spraying_from_one_address_is_stopped_by_the_ip_limit(
    limited_app: LimitedApp, limiter_clock: ShiftedClock
) -> None:
    """One password tried against many accounts from one address: the per-IP limit stops it
    before the account that really has that password is reached; the address is not banned
    for good (a shared NAT's real user signs in after the window)."""
    async with limited_app(auth="3/minute") as api:
        sprayed = "Spring-2024-Pass"
        for name in ("amy_spray1", "ben_spray1", "cid_spray1"):
            await make_user(api, name, password=PASSWORD)
        await make_user(api, "dora_spray", password=sprayed)
        codes = [
            (await _login(api, name, sprayed)).status_code
            for name in ("amy_spray1", "ben_spray1", "cid_spray1", "dora_spray")
        ]
        assert codes == [401, 401, 401, 429]

        limiter_clock.advance(61)
        assert (await _login(api, "amy_spray1", PASSWORD)).status_code == 200


async def test_v6_3_the_limit_does_not_tell_known_accounts_from_unknown_ones(
    limited_app: LimitedApp, limiter_clock: ShiftedClock
) -> None:
    """The per-login limit counts any login string, existing or not: a known and an unknown
    login are limited after the same number of attempts, with the same answer."""
    async with limited_app(auth="3/minute") as api:
        await make_user(api, "xavier_real", password=PASSWORD)
        sequences = {}
        for who, subnet in (("xavier_real", 1), ("xavier_fake", 2)):
            responses = [
                await _login(api, who, "Wrong-Pass-1", ip=f"198.51.{subnet}.{i + 1}")
                for i in range(4)
            ]
            sequences[who] = [(r.status_code, r.json()["error"]["code"]) for r in responses]
        assert sequences["xavier_real"] == sequences["xavier_fake"]
        assert sequences["xavier_real"][-1] == (429, "rate_limited")


async def test_v6_3_current_password_guesses_on_change_password_are_limited_per_account(
    limited_app: LimitedApp, limiter_clock: ShiftedClock
) -> None:
    """Whoever holds an access token cannot use change-password as a faster password oracle
    than the login: wrong current passwords count against the auth limit per account (from
    any address) and per IP, and the limit passes with its window.

    Weakness found and fixed: change-password was only under the global per-IP limit
    (120/minute by default, twelve times the login's), so a stolen access token allowed
    guessing the current password much faster than the login does.
    """
    async with limited_app(auth="3/minute") as api:
        user_id = await make_user(api, "yvonne_chg", password=PASSWORD)
        headers = bearer(await tokens_for(api, user_id))

        async def change(current: str, ip: str = ATTACKER_IP) -> httpx.Response:
            return await api.post(
                CHANGE,
                headers={**headers, "X-Forwarded-For": ip},
                json={"current_password": current, "new_password": "Brand-New-Pass-1"},
            )

        codes = [(await change(f"guess-{i}")).status_code for i in range(3)]
        assert codes == [403, 403, 403]
        _retry_after(await change("guess-3"))
        # Per account: another address does not get a fresh allowance.
        _retry_after(await change(PASSWORD, ip=VICTIM_IP))

        limiter_clock.advance(61)
        assert (await change(PASSWORD, ip=VICTIM_IP)).status_code == 204
