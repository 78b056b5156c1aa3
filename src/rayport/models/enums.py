"""Values stored in the database and sent on the wire (always lower-case)."""

from enum import StrEnum


class RoleName(StrEnum):
    superuser = "superuser"
    admin = "admin"
    user = "user"

    @property
    def weight(self) -> int:
        """Lower weight = more rights."""
        return ROLE_WEIGHTS[self]


ROLE_WEIGHTS = {RoleName.superuser: 0, RoleName.admin: 1, RoleName.user: 2}


class UserStatus(StrEnum):
    not_verified = "not_verified"
    verification_pending = "verification_pending"
    verified = "verified"


class LangCode(StrEnum):
    ru = "ru"
    en = "en"


class SocialName(StrEnum):
    telegram = "telegram"


class ConfigType(StrEnum):
    vless = "vless"
    trojan = "trojan"


class ConfigStatus(StrEnum):
    active = "active"
    update_pending = "update_pending"
    expired = "expired"
    disabled = "disabled"


class RequestKind(StrEnum):
    verify = "verify"
    reset_password = "reset_password"  # noqa: S105 - a request kind, not a secret
    update_config = "update_config"
    renew_config = "renew_config"


class RequestStatus(StrEnum):
    new = "new"
    applied = "applied"
    denied = "denied"


class TargetType(StrEnum):
    user = "user"
    config = "config"
    request = "request"
    news = "news"
    session = "session"
    notification = "notification"
    settings = "settings"


class NotificationStatus(StrEnum):
    pending = "pending"
    sending = "sending"
    sent = "sent"
    failed = "failed"
    dead = "dead"


class NotificationChannel(StrEnum):
    telegram = "telegram"
    email = "email"
    in_app = "in_app"
