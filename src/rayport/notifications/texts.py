"""Every text RayPort sends to a person, in Russian and English, in one place.

A `Notice` is what `notify_user` stores: a kind, and a title and content with both
languages; the notifier (and the in-app list) picks the reader's language. Keep the two
languages saying the same thing; `tests/notifications/test_texts.py` checks that no text is
missing a language. Texts are plain (no markup): whoever renders them as HTML escapes them.
"""

# Russian prose is full of letters that look Latin; that is the point of this file.
# ruff: noqa: RUF001

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from rayport.models.enums import RequestKind, RoleName


class NoticeKind(StrEnum):
    """Values of `notification.kind` written by the admin workflows."""

    request_new = "request_new"  # to admins: a user asked for something
    request_applied = "request_applied"
    request_denied = "request_denied"
    password_reset = "password_reset"  # noqa: S105 - a notice kind, not a secret
    account_verified = "account_verified"
    account_unverified = "account_unverified"
    role_changed = "role_changed"
    account_deactivated = "account_deactivated"
    account_reactivated = "account_reactivated"


# Notices whose content carries a secret (a temporary password): admins listing
# notifications see them with the content hidden.
SECRET_KINDS = frozenset({NoticeKind.password_reset.value})


@dataclass(frozen=True, slots=True)
class Text:
    ru: str
    en: str

    def as_dict(self) -> dict[str, str]:
        return {"ru": self.ru, "en": self.en}

    def __add__(self, other: Text) -> Text:
        return Text(ru=self.ru + other.ru, en=self.en + other.en)


@dataclass(frozen=True, slots=True)
class Notice:
    kind: str
    title: dict[str, str]
    content: dict[str, str]


def _notice(kind: NoticeKind, title: Text, content: Text) -> Notice:
    return Notice(kind=kind.value, title=title.as_dict(), content=content.as_dict())


REQUEST_KINDS: dict[RequestKind, Text] = {
    RequestKind.verify: Text(ru="подтверждение аккаунта", en="account verification"),
    RequestKind.reset_password: Text(ru="сброс пароля", en="a password reset"),
    RequestKind.update_config: Text(ru="изменение лимитов конфигурации", en="new config limits"),
    RequestKind.renew_config: Text(ru="продление конфигурации", en="a config renewal"),
}

ROLES: dict[RoleName, Text] = {
    RoleName.user: Text(ru="пользователь", en="user"),
    RoleName.admin: Text(ru="администратор", en="administrator"),
    RoleName.superuser: Text(ru="суперпользователь", en="superuser"),
}


def _comment(comment: str | None) -> Text:
    if not comment:
        return Text(ru="", en="")
    return Text(ru=f"\n\nКомментарий администратора: {comment}", en=f"\n\nAdmin's note: {comment}")


def request_new(kind: RequestKind, login: str) -> Notice:
    """To every admin: a user opened a request."""
    what = REQUEST_KINDS[kind]
    return _notice(
        NoticeKind.request_new,
        Text(ru="Новая заявка", en="New request"),
        Text(
            ru=f"Пользователь {login} просит: {what.ru}. Решите заявку в разделе «Заявки».",
            en=f"{login} asks for {what.en}. Decide it under Requests.",
        ),
    )


def request_applied(kind: RequestKind, comment: str | None) -> Notice:
    what = REQUEST_KINDS[kind]
    return _notice(
        NoticeKind.request_applied,
        Text(ru="Заявка одобрена", en="Request approved"),
        Text(
            ru=f"Ваша заявка ({what.ru}) одобрена.",
            en=f"Your request for {what.en} was approved.",
        )
        + _comment(comment),
    )


def request_denied(kind: RequestKind, comment: str | None) -> Notice:
    what = REQUEST_KINDS[kind]
    return _notice(
        NoticeKind.request_denied,
        Text(ru="Заявка отклонена", en="Request declined"),
        Text(
            ru=f"Ваша заявка ({what.ru}) отклонена.",
            en=f"Your request for {what.en} was declined.",
        )
        + _comment(comment),
    )


def account_verified(comment: str | None = None) -> Notice:
    return _notice(
        NoticeKind.account_verified,
        Text(ru="Аккаунт подтверждён", en="Account verified"),
        Text(
            ru="Администратор подтвердил ваш аккаунт: теперь вы можете получить конфигурации VPN.",
            en="An administrator verified your account: you can now get your VPN configs.",
        )
        + _comment(comment),
    )


def account_unverified(comment: str | None = None) -> Notice:
    return _notice(
        NoticeKind.account_unverified,
        Text(ru="Аккаунт не подтверждён", en="Account not verified"),
        Text(
            ru="Ваш аккаунт не подтверждён. Вы можете снова запросить подтверждение в профиле.",
            en="Your account is not verified. You can ask for verification again in your "
            "account settings.",
        )
        + _comment(comment),
    )


def password_reset(temporary_password: str | None, comment: str | None = None) -> Notice:
    """The password was reset; `temporary_password` is included only when this notice goes
    out through a private channel (Telegram, e-mail), otherwise the admin hands it over."""
    if temporary_password is None:
        content = Text(
            ru="Администратор сбросил ваш пароль. Временный пароль вам сообщит администратор; "
            "после входа задайте новый.",
            en="An administrator reset your password. The administrator will give you the "
            "temporary password; set a new one after signing in.",
        )
    else:
        content = Text(
            ru=f"Администратор сбросил ваш пароль. Временный пароль: {temporary_password}\n"
            "Войдите с ним и сразу задайте новый пароль.",
            en=f"An administrator reset your password. Temporary password: "
            f"{temporary_password}\nSign in with it and set a new password right away.",
        )
    return _notice(
        NoticeKind.password_reset,
        Text(ru="Пароль сброшен", en="Password reset"),
        content + _comment(comment),
    )


def role_changed(role: RoleName) -> Notice:
    name = ROLES[role]
    return _notice(
        NoticeKind.role_changed,
        Text(ru="Роль изменена", en="Role changed"),
        Text(
            ru=f"Ваша роль теперь: {name.ru}. Войдите снова.",
            en=f"Your role is now: {name.en}. Please sign in again.",
        ),
    )


def account_deactivated() -> Notice:
    return _notice(
        NoticeKind.account_deactivated,
        Text(ru="Аккаунт отключён", en="Account deactivated"),
        Text(
            ru="Администратор отключил ваш аккаунт: вход и конфигурации VPN недоступны.",
            en="An administrator deactivated your account: signing in and your VPN configs "
            "are disabled.",
        ),
    )


def account_reactivated() -> Notice:
    return _notice(
        NoticeKind.account_reactivated,
        Text(ru="Аккаунт снова включён", en="Account reactivated"),
        Text(
            ru="Администратор снова включил ваш аккаунт: вы можете войти.",
            en="An administrator reactivated your account: you can sign in again.",
        ),
    )
