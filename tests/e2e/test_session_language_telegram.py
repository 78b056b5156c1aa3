"""Language switch, the Telegram Mini App login, and the session's token handling (silent
refresh on a 401, proactive refresh before expiry, a revoked session ending cleanly) in a
real browser against a running RayPort."""

from __future__ import annotations

import base64
import json
import re
import time

import httpx
import pytest

from tests.e2e.harness import (
    PHONE,
    SUPERUSER,
    Api,
    RayPortServer,
    log_in,
    open_page,
    screenshot,
    screenshot_both,
    wait_until,
)
from tests.fixtures.telegram import TEST_BOT_TOKEN, make_user, sign_init_data

pytest.importorskip("playwright.async_api", reason="the playwright Python package is missing")
from playwright.async_api import Browser, Page, Request, expect

pytestmark = pytest.mark.e2e
expect.set_options(timeout=15_000)


async def register(api: Api, login: str, password: str) -> None:
    async with httpx.AsyncClient(base_url=api.url) as client:
        response = await client.post(
            "/api/auth/v1/register", json={"login": login, "password": password, "lang_code": "en"}
        )
        response.raise_for_status()


async def test_language_switch_ru_en(browser: Browser, rayport: RayPortServer, api: Api) -> None:
    await register(api, "lang_user", "secret-pass-1")
    context, page = await open_page(browser, rayport, PHONE)
    try:
        await log_in(page, "lang_user", "secret-pass-1", next_path="/account")
        await expect(page.get_by_role("heading", name="Account", exact=True)).to_be_visible()

        await page.get_by_role("radio", name="Русский").click()
        await expect(page.get_by_role("heading", name="Аккаунт", exact=True)).to_be_visible()
        await expect(page.locator("html")).to_have_attribute("lang", "ru")
        await expect(page.get_by_role("navigation", name="Основная навигация")).to_contain_text(
            "Конфиги"
        )
        await screenshot_both(page, "account-ru")
        # Saved to the profile (the notifier writes in it): a reload stays in Russian.
        await page.reload()
        await expect(page.get_by_role("heading", name="Аккаунт", exact=True)).to_be_visible()
        await expect(page.get_by_role("combobox", name="Язык")).to_have_value("ru")
        await (
            page.get_by_role("navigation", name="Основная навигация")
            .get_by_role("link", name="Конфиги")
            .click()
        )
        await expect(page.get_by_role("heading", name="Подтвердите аккаунт")).to_be_visible()
        await screenshot(page, "configs-verification-ru")

        await page.get_by_role("radio", name="English").click()
        await expect(page.get_by_role("heading", name="Verify your account")).to_be_visible()
        await expect(page.locator("html")).to_have_attribute("lang", "en")
        token = await api.login("lang_user", "secret-pass-1")
        me = (await api.call(token, "GET", "/api/auth/v1/me")).json()
        assert me["profile"]["lang_code"] == "en"
    finally:
        await context.close()


TELEGRAM_THEME = {
    "bg_color": "#17212b",
    "secondary_bg_color": "#232e3c",
    "section_bg_color": "#17212b",
    "header_bg_color": "#17212b",
    "text_color": "#f5f5f5",
    "hint_color": "#708499",
    "link_color": "#6ab3f3",
    "accent_text_color": "#6ab2f2",
    "button_color": "#5288c1",
    "button_text_color": "#ffffff",
    "destructive_text_color": "#ec3942",
    "section_separator_color": "#111921",
    "subtitle_text_color": "#708499",
}


def telegram_stub(init_data: str, user: dict[str, object]) -> str:
    """`window.Telegram.WebApp` as Telegram's script would set it up, recording calls."""
    web_app = {
        "initData": init_data,
        "initDataUnsafe": {"user": user},
        "colorScheme": "dark",
        "themeParams": TELEGRAM_THEME,
        "version": "8.0",
        "platform": "android",
    }
    methods = (
        "{ready() { window.__tg.ready += 1; }, expand() { window.__tg.expand += 1; },"
        " onEvent() {}, offEvent() {}}"
    )
    return (
        "window.__tg = {ready: 0, expand: 0};"
        f"window.Telegram = {{WebApp: Object.assign({json.dumps(web_app)}, {methods})}};"
    )


async def test_mini_app_login_with_signed_init_data(
    browser: Browser, rayport: RayPortServer, api: Api
) -> None:
    # The superuser lets Telegram users in without a manual verification.
    admin_token = await api.login(*SUPERUSER)
    await api.call(
        admin_token, "PATCH", "/api/app/v1/settings", json={"basic": {"auto_verify_telegram": True}}
    )

    user = make_user(424242, first_name="Ivan", username="ivan_p", language_code="ru")
    context, page = await open_page(browser, rayport, PHONE)
    try:
        await page.add_init_script(telegram_stub(sign_init_data(TEST_BOT_TOKEN, user=user), user))
        logins: list[Request] = []
        page.on(
            "request",
            lambda r: logins.append(r) if r.url.endswith("/login/social/telegram") else None,
        )
        # The bot's Web App button opens the root; the app signs in and goes to the configs.
        await page.goto("/")
        await expect(page).to_have_url(re.compile(r"/configs$"))
        # A new account from Telegram: Russian (the Telegram client's language), verified.
        card = page.get_by_role("region", name="VLESS")
        await expect(page.get_by_role("heading", name="Мои конфиги")).to_be_visible()
        await expect(card.get_by_test_id("config-qr").locator("svg")).to_be_visible()
        await expect(card.get_by_test_id("share-link")).to_contain_text("vless://")
        assert len(logins) == 1 and json.loads(logins[0].post_data or "{}").keys() == {"init_data"}
        # Telegram's theme is followed and the client is told the app is ready.
        assert await page.evaluate("window.__tg") == {"ready": 1, "expand": 1}
        html = page.locator("html")
        await expect(html).to_have_attribute("data-color-scheme", "dark")
        bg = await page.evaluate("getComputedStyle(document.body).backgroundColor")
        assert bg == "rgb(35, 46, 60)"  # secondary_bg_color
        await screenshot(page, "mini-app-configs")
        await screenshot(page, "mini-app-configs-full", full_page=True)

        await (
            page.get_by_role("navigation", name="Основная навигация")
            .get_by_role("link", name="Аккаунт")
            .click()
        )
        await expect(page.get_by_test_id("telegram-account")).to_have_text("@ivan_p")
        await screenshot(page, "mini-app-account")
    finally:
        await context.close()


def forged_access_token() -> str:
    """JWT-shaped, valid for an hour by its `exp`, but with a signature the server rejects."""

    def part(value: dict[str, object]) -> str:
        return base64.urlsafe_b64encode(json.dumps(value).encode()).rstrip(b"=").decode()

    now = int(time.time())
    header = part({"alg": "HS256", "typ": "JWT"})
    return f"{header}.{part({'sub': 'x', 'iat': now, 'exp': now + 3600})}.bad"


async def stored_tokens(page: Page) -> tuple[str | None, str | None]:
    access, refresh = await page.evaluate(
        "[sessionStorage.getItem('rayport.access_token'),"
        " localStorage.getItem('rayport.refresh_token')]"
    )
    return access, refresh


async def test_silent_refresh_and_session_expiry(
    browser: Browser, rayport: RayPortServer, api: Api
) -> None:
    await register(api, "token_user", "secret-pass-1")
    context, page = await open_page(browser, rayport, PHONE)
    try:
        await page.clock.install()  # page timers and Date under the test's control
        refreshes: list[int] = []
        page.on(
            "response",
            lambda r: (
                refreshes.append(r.status) if r.url.endswith("/api/auth/v1/refresh") else None
            ),
        )
        await log_in(page, "token_user", "secret-pass-1", next_path="/account")
        await expect(page.get_by_role("heading", name="Account", exact=True)).to_be_visible()

        # 1. The access token is rejected (401): one silent refresh, the call is retried.
        await page.evaluate(
            f"sessionStorage.setItem('rayport.access_token', '{forged_access_token()}')"
        )
        _, refresh_before = await stored_tokens(page)
        await page.reload()
        await expect(page.get_by_role("heading", name="Account", exact=True)).to_be_visible()
        access, refresh = await stored_tokens(page)
        assert refreshes == [200]
        assert access and access.count(".") == 2 and not access.endswith(".bad")
        assert refresh and refresh != refresh_before  # rotated

        # 2. Shortly before the 15-minute access token expires, it is refreshed ahead of time.
        await page.clock.fast_forward("14:30")
        await wait_until(lambda: len(refreshes) == 2)
        assert refreshes == [200, 200]
        assert (await stored_tokens(page))[0] != access
        await (
            page.get_by_role("navigation", name="Main navigation")
            .get_by_role("link", name="News")
            .click()
        )
        await expect(page.get_by_role("heading", name="News", exact=True)).to_be_visible()

        # 3. An admin ends the session: the next refresh is refused and the app logs out cleanly,
        #    back to the login page with `next` and the reason.
        admin_token = await api.login(*SUPERUSER)
        sessions = (
            await api.call(admin_token, "GET", "/api/admin/v1/sessions", params={"active": "true"})
        ).json()["items"]
        for session in sessions:
            if session["user_login"] == "token_user":
                await api.call(admin_token, "DELETE", f"/api/admin/v1/sessions/{session['id']}")
        await page.clock.fast_forward("15:00")
        await expect(page).to_have_url(re.compile(r"/login\?next=%2Fnews$"))
        await expect(
            page.get_by_text("Your session has ended. Please log in again.")
        ).to_be_visible()
        assert refreshes[-1] == 401
        assert await stored_tokens(page) == (None, None)
        await screenshot(page, "login-session-ended")
    finally:
        await context.close()
