"""A user and an admin, each in their own browser context, through the main workflow:
register → request verification → the admin verifies → the user's VLESS config (QR code and
share link) → a renewal request → the admin applies it → the new expiry date; the admin
publishes news the user then reads. Screenshots of the main screens are taken on the way.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from datetime import datetime, timedelta

import pytest

from tests.e2e.harness import (
    DESKTOP,
    PHONE,
    SUPERUSER,
    Api,
    RayPortServer,
    log_in,
    medium_date,
    open_page,
    screenshot,
    screenshot_both,
)

pytest.importorskip("playwright.async_api", reason="the playwright Python package is missing")
from playwright.async_api import Browser, Page, expect

pytestmark = pytest.mark.e2e
expect.set_options(timeout=15_000)


@pytest.fixture
async def contexts(browser: Browser, rayport: RayPortServer) -> AsyncIterator[tuple[Page, Page]]:
    user_context, user = await open_page(browser, rayport, PHONE)
    admin_context, admin = await open_page(browser, rayport, DESKTOP)
    yield user, admin
    await user_context.close()
    await admin_context.close()


async def config_valid_to(api: Api, admin_token: str, login: str) -> datetime:
    page = (
        await api.call(admin_token, "GET", "/api/admin/v1/configs", params={"login": login})
    ).json()
    (config,) = [c for c in page["items"] if c["type"] == "vless"]
    return datetime.fromisoformat(config["valid_to"])


async def test_register_verify_open_config_renew(contexts: tuple[Page, Page], api: Api) -> None:
    user, admin = contexts
    admin_token = await api.login(*SUPERUSER)

    # The user signs up on a phone and lands on the configs screen, not verified yet.
    await user.goto("/register")
    await screenshot_both(user, "register")
    await user.get_by_label("Login").fill("alice_e2e")
    await user.get_by_label("Password", exact=True).fill("secret-pass-1")
    await user.get_by_label("Repeat password").fill("secret-pass-1")
    await user.get_by_role("button", name="Create account").click()
    await expect(user).to_have_url(re.compile(r"/configs$"))
    await expect(user.get_by_role("heading", name="Verify your account")).to_be_visible()
    await user.get_by_role("button", name="Request verification").click()
    await expect(user.get_by_role("heading", name="Waiting for verification")).to_be_visible()
    await screenshot_both(user, "configs-waiting-for-verification")

    # The admin, on a laptop, applies the verification request from the queue.
    await log_in(admin, *SUPERUSER, next_path="/admin/requests")
    request = admin.get_by_test_id("request-card").filter(has_text="alice_e2e")
    await expect(request).to_contain_text("Verification")
    await screenshot_both(admin, "admin-requests")
    await request.get_by_role("button", name="Apply").click()
    await expect(admin.get_by_text("No new requests. All done!")).to_be_visible()

    # The user checks again: the VLESS config is created on the panel and shown.
    await user.get_by_role("button", name="Check again").click()
    card = user.get_by_role("region", name="VLESS")
    await expect(card.get_by_test_id("config-qr").locator("svg")).to_be_visible()
    await expect(card.get_by_test_id("share-link")).to_contain_text(
        re.compile(r"^vless://[0-9a-f-]{36}@vpn\.example\.com:\d+\?")
    )
    await expect(card.get_by_test_id("subscription-url")).to_contain_text(f"{api.url}/sub/")
    first_valid_to = await config_valid_to(api, admin_token, "alice_e2e")
    await expect(card.get_by_test_id("valid-to")).to_have_text(
        f"Valid until {medium_date(first_valid_to)}"
    )
    await expect(card.get_by_test_id("days-left")).to_have_text(re.compile(r"^[67] days left$"))
    await screenshot_both(user, "configs")
    await screenshot(user, "configs-full", full_page=True)

    # A renewal request: pending on the user's side…
    await card.get_by_role("button", name="Request renewal (+30 days)").click()
    await expect(card.get_by_text("Renewal requested", exact=True)).to_be_visible()
    await expect(card.get_by_role("button", name="Request renewal (+30 days)")).to_be_disabled()
    await expect(card.get_by_text("Request pending")).to_be_visible()

    # …applied by the admin with a comment…
    await admin.reload()
    renewal = admin.get_by_test_id("request-card").filter(has_text="Renewal")
    await renewal.get_by_label("Comment for the user").fill("Enjoy another month")
    await renewal.get_by_role("button", name="Apply").click()
    await expect(admin.get_by_text("No new requests. All done!")).to_be_visible()

    # …and the user sees the new date (30 days later) and an active config again.
    renewed = await config_valid_to(api, admin_token, "alice_e2e")
    assert renewed - first_valid_to == timedelta(days=30)
    await user.reload()
    card = user.get_by_role("region", name="VLESS")
    await expect(card.get_by_test_id("valid-to")).to_have_text(
        f"Valid until {medium_date(renewed)}"
    )
    await expect(card.get_by_text("Active", exact=True)).to_be_visible()

    # The admin publishes news in both languages; the user reads it in theirs.
    await admin.goto("/admin/news/new")
    russian = admin.get_by_role("region", name="Русский")
    await russian.get_by_label("Title").fill("Плановые работы")
    await russian.get_by_label("Text").fill("Сервер перезагрузится воскресной ночью.")
    english = admin.get_by_role("region", name="English")
    await english.get_by_label("Title").fill("Planned maintenance")
    await english.get_by_label("Text").fill(
        "The server restarts on Sunday night.\nIt takes a minute."
    )
    await screenshot_both(admin, "admin-news-editor")
    await admin.get_by_role("button", name="Publish").click()
    await expect(admin.get_by_role("button", name="Unpublish")).to_be_visible()
    await (
        user.get_by_role("navigation", name="Main navigation")
        .get_by_role("link", name="News")
        .click()
    )
    await expect(user.get_by_role("heading", name="Planned maintenance")).to_be_visible()
    await screenshot_both(user, "news")

    # The account: the verification and renewal notices arrived in-app.
    await (
        user.get_by_role("navigation", name="Main navigation")
        .get_by_role("link", name="Account")
        .click()
    )
    notifications = user.get_by_role("list", name="Notifications")
    await expect(notifications.get_by_text("Account verified")).to_be_visible()
    await screenshot_both(user, "account")
    await screenshot(user, "account-full", full_page=True)

    # The rest of the admin area, for the record.
    for path, name in [
        ("/admin", "admin-home"),
        ("/admin/users", "admin-users"),
        ("/admin/configs", "admin-configs"),
        ("/admin/requests?status=all", "admin-requests-all"),
        ("/admin/settings", "admin-settings"),
        ("/admin/audit", "admin-audit"),
        ("/admin/notifications", "admin-notifications"),
        ("/admin/sessions", "admin-sessions"),
        ("/admin/xui", "admin-xui"),
    ]:
        await admin.goto(path)
        await expect(admin.get_by_role("heading", level=1)).to_be_visible()
        await admin.wait_for_load_state("networkidle")
        await screenshot_both(admin, name)
    await admin.goto("/admin/users")
    await admin.get_by_role("link", name="alice_e2e").click()
    await expect(admin.get_by_role("heading", name="alice_e2e")).to_be_visible()
    await screenshot_both(admin, "admin-user-detail")
    await admin.get_by_role("link", name="VLESS").click()
    await expect(admin.get_by_role("button", name="Add time")).to_be_visible()
    await screenshot_both(admin, "admin-config-detail")
