"""Every notice exists in Russian and English, and secrets appear only where meant."""

from __future__ import annotations

from rayport.models.enums import RequestKind, RoleName
from rayport.notifications import texts
from rayport.notifications.texts import Notice


def all_notices() -> list[Notice]:
    notices = [
        texts.account_verified(),
        texts.account_verified("ok"),
        texts.account_unverified(),
        texts.account_deactivated(),
        texts.account_reactivated(),
        texts.password_reset(None),
        texts.password_reset("Secret123", "call me"),
    ]
    for kind in RequestKind:
        notices += [
            texts.request_new(kind, "alice_01"),
            texts.request_applied(kind, None),
            texts.request_denied(kind, "sorry"),
        ]
    notices += [texts.role_changed(role) for role in RoleName]
    return notices


def test_every_notice_has_both_languages_and_a_known_kind() -> None:
    kinds = {kind.value for kind in texts.NoticeKind}
    for notice in all_notices():
        assert notice.kind in kinds
        for text in (notice.title, notice.content):
            assert set(text) == {"ru", "en"}
            assert text["ru"].strip() and text["en"].strip()
            assert text["ru"] != text["en"]


def test_comments_and_passwords_reach_both_languages() -> None:
    denied = texts.request_denied(RequestKind.verify, "Send a photo")
    assert "Send a photo" in denied.content["ru"] and "Send a photo" in denied.content["en"]
    with_password = texts.password_reset("Secret123")
    assert all("Secret123" in with_password.content[lang] for lang in ("ru", "en"))
    without = texts.password_reset(None)
    assert "Secret123" not in without.content["ru"] + without.content["en"]
    assert texts.NoticeKind.password_reset.value in texts.SECRET_KINDS
