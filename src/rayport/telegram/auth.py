"""Validate Telegram login data: Mini App ``initData`` and legacy Login Widget fields.

Both schemes are HMAC-SHA-256 over a *data-check-string* (every received field except
``hash``, sorted by key, ``key=value`` lines joined with ``\\n``); they differ in the key
(``shared/telegram/NOTES.md`` §1.3 and §2):

* Mini App: ``HMAC_SHA256(key=b"WebAppData", msg=bot_token)``. ``signature`` (Bot API 8.0+)
  stays *inside* the data-check-string; only ``hash`` is left out.
* Login Widget: ``SHA256(bot_token)``.

Freshness policy (Telegram sets none): ``auth_date`` may be at most ``max_age`` seconds old
(default one day, :data:`DEFAULT_MAX_AGE`) and at most ``future_skew`` seconds ahead of our
clock (default 60 s, for clock drift between Telegram and us). The same ``initData`` stays
valid while the Mini App is open, so the API validates it once and issues its own session.

Every failure raises :class:`rayport.errors.NotAuthenticated` (HTTP 401) with a readable
message and ``details={"reason": <code>}``; the codes are listed in :class:`AuthFailure`.
Neither the bot token nor the received hash ever appears in a message or a log line.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import Annotated, Any, Final, Literal, TypeVar
from urllib.parse import parse_qsl

from pydantic import (
    BaseModel,
    ConfigDict,
    Discriminator,
    Field,
    RootModel,
    Tag,
    ValidationError,
    model_validator,
)

from rayport.errors import NotAuthenticated
from rayport.telegram.language import Lang, lang_from_telegram

DEFAULT_MAX_AGE: Final = 86_400
"""Seconds an ``auth_date`` may lie in the past (one day)."""

DEFAULT_FUTURE_SKEW: Final = 60
"""Seconds an ``auth_date`` may lie in the future (clock drift)."""

MAX_INIT_DATA_LENGTH: Final = 8_192
"""Real initData is 0.5 to 2 KB; anything far larger is not from Telegram."""

# Telegram user ids have up to 52 significant bits; we store them as BIGINT. The bound is
# the largest integer a JSON number (a double) holds exactly: the OpenAPI schema states its
# bounds as doubles, and 2**63 - 1 would read there as 2**63, letting clients send more.
_MAX_TELEGRAM_ID: Final = 2**53 - 1
_HASH_RE: Final = re.compile(r"[0-9a-fA-F]{64}")
_UNIX_TIME_RE: Final = re.compile(r"[0-9]{1,12}")

Source = Literal["mini_app", "login_widget"]
_M = TypeVar("_M", bound=BaseModel)


class AuthFailure(StrEnum):
    """Stable ``details.reason`` values of the :class:`NotAuthenticated` raised here."""

    EMPTY_INIT_DATA = "empty_init_data"
    MALFORMED = "malformed"
    MISSING_FIELD = "missing_field"
    BAD_SIGNATURE = "bad_signature"
    EXPIRED = "expired"
    FROM_FUTURE = "from_future"


def _fail(reason: AuthFailure, message: str) -> NotAuthenticated:
    return NotAuthenticated(message, details={"reason": reason.value})


@dataclass(frozen=True, slots=True)
class TelegramIdentity:
    """A Telegram user whose login data passed the signature and freshness checks."""

    id: int
    first_name: str
    last_name: str | None
    username: str | None
    language_code: str | None
    photo_url: str | None
    auth_date: datetime
    """When Telegram signed the data; timezone-aware UTC."""
    source: Source
    start_param: str | None = None
    """Mini App ``startapp`` value (signed, unlike ``tgWebAppStartParam``); untrusted input."""

    @property
    def lang(self) -> Lang:
        """``"ru"`` or ``"en"`` guessed from ``language_code`` (see `rayport.telegram.language`)."""
        return lang_from_telegram(self.language_code)


# --------------------------------------------------------------------------- request body


class TelegramMiniAppLogin(BaseModel):
    """Login from inside Telegram: the raw ``Telegram.WebApp.initData`` string."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "init_data": "query_id=AAH...&user=%7B%22id%22%3A42%7D"
                    "&auth_date=1700000000&hash=..."
                }
            ]
        },
    )

    init_data: str = Field(
        max_length=MAX_INIT_DATA_LENGTH,
        description=(
            "`window.Telegram.WebApp.initData` exactly as received (a percent-encoded query "
            "string). Not `initDataUnsafe`, and not re-encoded."
        ),
    )


class TelegramWidgetLogin(BaseModel):
    """Login from a browser: the fields the Telegram Login Widget hands to the page.

    Send every field the widget produced, unchanged (the JS callback object or the
    redirect's query parameters) and nothing else: the hash covers exactly those fields.
    Optional fields the widget did not send must be left out, not sent as ``null`` or ``""``.
    Fields unknown to this model are kept and take part in the check.
    """

    model_config = ConfigDict(
        extra="allow",
        json_schema_extra={
            # What `_extras_are_scalars` lets through.
            "additionalProperties": {"type": ["string", "integer", "null"]},
            "examples": [
                {
                    "id": 42,
                    "first_name": "Ivan",
                    "username": "ivan",
                    "photo_url": "https://t.me/i/userpic/320/ivan.jpg",
                    "auth_date": 1700000000,
                    "hash": "3f5c...64 hex chars",
                }
            ],
        },
    )

    id: int = Field(gt=0, le=_MAX_TELEGRAM_ID, description="Telegram user id")
    first_name: str
    last_name: str | None = None
    username: str | None = None
    photo_url: str | None = None
    auth_date: int = Field(ge=0, description="Unix time the widget signed the data")
    hash: str = Field(pattern=r"^[0-9a-fA-F]{64}$", description="hex HMAC-SHA-256")

    @model_validator(mode="after")
    def _extras_are_scalars(self) -> TelegramWidgetLogin:
        # Telegram only ever signs flat string/number fields; anything else cannot verify
        # and would be rendered with Python's repr in the data-check-string.
        for key, value in (self.model_extra or {}).items():
            if value is not None and (isinstance(value, bool) or not isinstance(value, str | int)):
                raise ValueError(f"field {key!r} must be a string or an integer")
        return self

    def signed_fields(self) -> dict[str, str]:
        """The fields as the widget signed them (``None`` = not sent), values as strings."""
        return {k: str(v) for k, v in self.model_dump(exclude_none=True).items()}


def _login_shape(value: Any) -> str | None:
    if isinstance(value, Mapping):
        return "mini_app" if "init_data" in value else "login_widget"
    if isinstance(value, TelegramMiniAppLogin):
        return "mini_app"
    if isinstance(value, TelegramWidgetLogin):
        return "login_widget"
    return None


_LoginShapes = Annotated[
    Annotated[TelegramMiniAppLogin, Tag("mini_app")]
    | Annotated[TelegramWidgetLogin, Tag("login_widget")],
    Discriminator(
        _login_shape,
        custom_error_type="telegram_login_shape",
        custom_error_message="expected {init_data} or the Telegram Login Widget fields",
    ),
]


class TelegramLoginPayload(RootModel[_LoginShapes]):
    """Body of ``POST /api/auth/v1/login/social/telegram``: one of two shapes.

    * **Mini App** (inside Telegram): ``{"init_data": "<Telegram.WebApp.initData>"}``.
    * **Login Widget** (browser): the widget's fields
      ``{"id", "first_name", "last_name"?, "username"?, "photo_url"?, "auth_date", "hash"}``.

    A body with ``init_data`` is the Mini App shape (and then may hold nothing else);
    any other object is the widget shape.
    """

    model_config = ConfigDict(
        json_schema_extra={
            "description": (
                "Either `{init_data}` (Telegram Mini App) or the Telegram Login Widget "
                "fields `{id, first_name, last_name?, username?, photo_url?, auth_date, hash}`."
            )
        }
    )


# --------------------------------------------------------------------------- validation


def validate_telegram_login(
    payload: Mapping[str, Any] | TelegramLoginPayload | TelegramMiniAppLogin | TelegramWidgetLogin,
    bot_token: str,
    max_age: int | None = DEFAULT_MAX_AGE,
    now: datetime | None = None,
    *,
    future_skew: int = DEFAULT_FUTURE_SKEW,
) -> TelegramIdentity:
    """Validate either login shape and return who logged in.

    ``payload`` is the request body as a dict or as an already parsed model. ``max_age`` is
    in seconds (``None`` turns the age check off — for published test vectors only);
    ``now`` defaults to the current time and must be timezone-aware.

    Raises:
        NotAuthenticated: malformed data, a missing field, a bad signature (wrong bot,
            tampered field, Mini App hash sent as widget data or vice versa), ``auth_date``
            older than ``max_age`` or more than ``future_skew`` seconds ahead.
        ValueError: ``bot_token`` is empty or ``now`` is naive — programming errors; the
            caller must not offer Telegram login when no bot is configured.
    """
    if isinstance(payload, TelegramLoginPayload):
        parsed: TelegramMiniAppLogin | TelegramWidgetLogin = payload.root
    elif isinstance(payload, TelegramMiniAppLogin | TelegramWidgetLogin):
        parsed = payload
    else:
        parsed = _parse_model(TelegramLoginPayload, payload).root
    if isinstance(parsed, TelegramMiniAppLogin):
        return validate_init_data(
            parsed.init_data, bot_token, max_age=max_age, now=now, future_skew=future_skew
        )
    return validate_login_widget(
        parsed, bot_token, max_age=max_age, now=now, future_skew=future_skew
    )


def validate_init_data(
    init_data: str,
    bot_token: str,
    *,
    max_age: int | None = DEFAULT_MAX_AGE,
    now: datetime | None = None,
    future_skew: int = DEFAULT_FUTURE_SKEW,
) -> TelegramIdentity:
    """Validate a Mini App ``initData`` string (first-party HMAC check, NOTES §1.3).

    Raises:
        NotAuthenticated: see :func:`validate_telegram_login`; also an empty ``initData``
            (the app was opened from a reply-keyboard button or inline mode) and data
            without a ``user``.
        ValueError: empty ``bot_token`` or naive ``now``.
    """
    now = _now(now)
    _require_token(bot_token)
    if not init_data:
        raise _fail(
            AuthFailure.EMPTY_INIT_DATA,
            "Telegram sent no initData: open the app from the bot's button or menu",
        )
    if len(init_data) > MAX_INIT_DATA_LENGTH:
        raise _fail(AuthFailure.MALFORMED, "Telegram initData is too long")
    fields = _parse_query(init_data)
    received = _take_hash(fields)
    secret = hmac.new(b"WebAppData", bot_token.encode(), hashlib.sha256).digest()
    _check_hmac(secret, fields, received)
    auth_date = _check_auth_date(fields.get("auth_date"), max_age, now, future_skew)

    if "user" not in fields:
        raise _fail(AuthFailure.MISSING_FIELD, "Telegram initData has no user")
    # Parse JSON only after the signature held, and never re-serialise it (NOTES §1.3).
    try:
        user = json.loads(fields["user"])
    except ValueError:
        raise _fail(AuthFailure.MALFORMED, "Telegram initData user is not JSON") from None
    if not isinstance(user, dict):
        raise _fail(AuthFailure.MALFORMED, "Telegram initData user is not an object")
    return TelegramIdentity(
        id=_telegram_id(user.get("id")),
        first_name=_required_str(user, "first_name"),
        last_name=_optional_str(user, "last_name"),
        username=_optional_str(user, "username"),
        language_code=_optional_str(user, "language_code"),
        photo_url=_optional_str(user, "photo_url"),
        auth_date=auth_date,
        source="mini_app",
        start_param=fields.get("start_param") or None,
    )


def validate_login_widget(
    data: Mapping[str, Any] | TelegramWidgetLogin,
    bot_token: str,
    *,
    max_age: int | None = DEFAULT_MAX_AGE,
    now: datetime | None = None,
    future_skew: int = DEFAULT_FUTURE_SKEW,
) -> TelegramIdentity:
    """Validate legacy Login Widget fields (NOTES §2).

    ``data`` holds exactly what the widget produced; ``None`` values count as absent.

    Raises:
        NotAuthenticated: see :func:`validate_telegram_login`.
        ValueError: empty ``bot_token`` or naive ``now``.
    """
    now = _now(now)
    _require_token(bot_token)
    widget = (
        data if isinstance(data, TelegramWidgetLogin) else _parse_model(TelegramWidgetLogin, data)
    )
    fields = widget.signed_fields()
    received = _take_hash(fields)
    _check_hmac(hashlib.sha256(bot_token.encode()).digest(), fields, received)
    auth_date = _check_auth_date(fields["auth_date"], max_age, now, future_skew)
    return TelegramIdentity(
        id=widget.id,
        first_name=widget.first_name,
        last_name=widget.last_name,
        username=widget.username,
        language_code=None,  # the widget does not tell
        photo_url=widget.photo_url,
        auth_date=auth_date,
        source="login_widget",
    )


# --------------------------------------------------------------------------- helpers


def _data_check_string(fields: Mapping[str, str]) -> str:
    # ``fields`` already exclude ``hash``; values are used exactly as received.
    return "\n".join(f"{key}={fields[key]}" for key in sorted(fields))


def _now(now: datetime | None) -> datetime:
    if now is None:
        return datetime.now(UTC)
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    return now


def _require_token(bot_token: str) -> None:
    if not bot_token:
        raise ValueError("Telegram login needs the bot token; is TELEGRAM_BOT_TOKEN set?")


def _parse_model(model: type[_M], data: Any) -> _M:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        # Name the fields only: pydantic's own text would echo the input, hash included.
        tags = {"mini_app", "login_widget"}
        missing: list[str] = []
        invalid: list[str] = []
        for error in exc.errors():
            where = ".".join(str(p) for p in error["loc"] if p not in tags) or "body"
            (missing if error["type"] == "missing" else invalid).append(where)
        if missing and not invalid:
            raise _fail(
                AuthFailure.MISSING_FIELD,
                f"Telegram login data has no {', '.join(sorted(set(missing)))}",
            ) from None
        raise _fail(
            AuthFailure.MALFORMED,
            f"Telegram login data is malformed: {', '.join(sorted(set(missing + invalid)))}",
        ) from None


def _parse_query(init_data: str) -> dict[str, str]:
    try:
        pairs = parse_qsl(init_data, keep_blank_values=True, strict_parsing=True)
    except ValueError:
        raise _fail(AuthFailure.MALFORMED, "Telegram initData is not a query string") from None
    fields: dict[str, str] = {}
    for key, value in pairs:
        if key in fields:
            # A duplicate could make us check one value and use another.
            raise _fail(AuthFailure.MALFORMED, f"Telegram initData repeats field {key!r}")
        fields[key] = value
    return fields


def _take_hash(fields: dict[str, str]) -> str:
    received = fields.pop("hash", None)
    if not received:
        raise _fail(AuthFailure.MISSING_FIELD, "Telegram login data has no hash")
    if not _HASH_RE.fullmatch(received):
        raise _fail(AuthFailure.MALFORMED, "Telegram login data hash is not 64 hex digits")
    return received.lower()


def _check_hmac(secret: bytes, fields: Mapping[str, str], received: str) -> None:
    expected = hmac.new(secret, _data_check_string(fields).encode(), hashlib.sha256).hexdigest()
    if not hmac.compare_digest(expected.encode(), received.encode()):
        raise _fail(
            AuthFailure.BAD_SIGNATURE,
            "Telegram login data failed the signature check (wrong bot or altered data)",
        )


def _check_auth_date(
    raw: str | None, max_age: int | None, now: datetime, future_skew: int
) -> datetime:
    if raw is None:
        raise _fail(AuthFailure.MISSING_FIELD, "Telegram login data has no auth_date")
    if not _UNIX_TIME_RE.fullmatch(raw):
        raise _fail(AuthFailure.MALFORMED, "Telegram auth_date is not a Unix time")
    auth_date = datetime.fromtimestamp(int(raw), UTC)
    age = (now - auth_date).total_seconds()
    if age < -future_skew:
        raise _fail(AuthFailure.FROM_FUTURE, "Telegram login data is dated in the future")
    if max_age is not None and age > max_age:
        raise _fail(
            AuthFailure.EXPIRED, "Telegram login data has expired; open the app or log in again"
        )
    return auth_date


def _telegram_id(value: object) -> int:
    # bool is an int subclass; JSON true must not become user 1.
    if isinstance(value, bool) or not isinstance(value, int) or not 0 < value <= _MAX_TELEGRAM_ID:
        raise _fail(AuthFailure.MALFORMED, "Telegram user id is missing or not a positive integer")
    return value


def _required_str(obj: Mapping[str, object], key: str) -> str:
    value = obj.get(key)
    if not isinstance(value, str):
        raise _fail(AuthFailure.MALFORMED, f"Telegram user {key} is missing or not a string")
    return value


def _optional_str(obj: Mapping[str, object], key: str) -> str | None:
    value = obj.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise _fail(AuthFailure.MALFORMED, f"Telegram user {key} is not a string")
    return value
