"""Telegram login validation: Mini App initData and Login Widget fields."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qsl, quote, urlencode

import pytest
from aiogram.utils.auth_widget import check_integrity
from aiogram.utils.web_app import safe_parse_webapp_init_data

from rayport.errors import NotAuthenticated
from rayport.telegram.auth import (
    AuthFailure,
    TelegramLoginPayload,
    TelegramMiniAppLogin,
    TelegramWidgetLogin,
    validate_init_data,
    validate_login_widget,
    validate_telegram_login,
)
from tests.fixtures.telegram import (
    OTHER_BOT_TOKEN,
    TEST_BOT_TOKEN,
    make_user,
    sign_init_data,
    sign_login_widget,
)

# Public sample values published by the Telegram-Mini-Apps project (init-data-golang tests,
# NOTES §1.6). The tokens are public example values. SIGNED is a genuine post-Bot-API-8.0
# Telegram payload: it verifies only if `signature` is inside the data-check-string.
CLASSIC_TOKEN = "5768337691:AAH5YkoiEuPk8-FZa32hStHTqXiLPtAEhx8"
CLASSIC = (
    "query_id=AAHdF6IQAAAAAN0XohDhrOrc&user=%7B%22id%22%3A279058397%2C%22first_name%22%3A%22Vladislav"
    "%22%2C%22last_name%22%3A%22Kibenko%22%2C%22username%22%3A%22vdkfrost%22%2C%22language_code%22%3A"
    "%22ru%22%2C%22is_premium%22%3Atrue%7D&auth_date=1662771648"
    "&hash=c501b71e775f74ce10e377dea85a7ea24ecd640b223ea86dfe453e0eaed2e2b2"
)
SIGNED_TOKEN = "7342037359:AAHI25ES9xCOMPokpYoz-p8XVrZUdygo2J4"
SIGNED = (
    "user=%7B%22id%22%3A279058397%2C%22first_name%22%3A%22Vladislav%20%2B%20-%20%3F%20%5C%2F%22%2C"
    "%22last_name%22%3A%22Kibenko%22%2C%22username%22%3A%22vdkfrost%22%2C%22language_code%22%3A%22ru"
    "%22%2C%22is_premium%22%3Atrue%2C%22allows_write_to_pm%22%3Atrue%2C%22photo_url%22%3A%22https%3A"
    "%5C%2F%5C%2Ft.me%5C%2Fi%5C%2Fuserpic%5C%2F320%5C%2F4FPEE4tmP3ATHa57u6MqTDih13LTOiMoKoLDRG4PnSA.svg"
    "%22%7D&chat_instance=8134722200314281151&chat_type=private&auth_date=1733509682"
    "&signature=TYJxVcisqbWjtodPepiJ6ghziUL94-KNpG8Pau-X7oNNLNBM72APCpi_RKiUlBvcqo5L-LAxIc3dnTzcZX_PDg"
    "&hash=a433d8f9847bd6addcc563bff7cc82c89e97ea0d90c11fe5729cae6796a36d73"
)


def _reason(exc: pytest.ExceptionInfo[NotAuthenticated]) -> str:
    assert exc.value.status_code == 401
    assert exc.value.code == "not_authenticated"
    reason: str = exc.value.details["reason"]
    return reason


def _fields(init_data: str) -> dict[str, str]:
    return dict(parse_qsl(init_data, keep_blank_values=True))


def _encode(fields: dict[str, str]) -> str:
    return urlencode(fields, quote_via=quote)


# --------------------------------------------------------------------------- Mini App


def test_valid_init_data_gives_identity() -> None:
    signed_at = int(time.time()) - 30
    init_data = sign_init_data(
        TEST_BOT_TOKEN,
        user=make_user(7_000_000_001, first_name="Ä + b/c & d=e"),
        auth_date=signed_at,
        extra={"start_param": "ref_7", "chat_type": "private"},
    )

    identity = validate_init_data(init_data, TEST_BOT_TOKEN)

    assert identity.id == 7_000_000_001
    assert identity.first_name == "Ä + b/c & d=e"
    assert identity.last_name == "Petrov"
    assert identity.username == "ivan_p"
    assert identity.language_code == "ru"
    assert identity.lang == "ru"
    assert identity.photo_url == "https://t.me/i/userpic/320/ivan.svg"
    assert identity.auth_date == datetime.fromtimestamp(signed_at, UTC)
    assert identity.auth_date.tzinfo is not None
    assert identity.source == "mini_app"
    assert identity.start_param == "ref_7"


def test_minimal_user_has_none_for_optional_fields() -> None:
    init_data = sign_init_data(user={"id": 5, "first_name": "A"})
    identity = validate_init_data(init_data, TEST_BOT_TOKEN)
    assert (identity.last_name, identity.username, identity.language_code) == (None, None, None)
    assert identity.photo_url is None and identity.start_param is None
    assert identity.lang == "en"


def test_our_signer_agrees_with_aiogram() -> None:
    # an independent implementation of the same check guards the signer itself
    init_data = sign_init_data(user=make_user(42))
    assert safe_parse_webapp_init_data(TEST_BOT_TOKEN, init_data).user.id == 42  # type: ignore[union-attr]
    widget = sign_login_widget()
    assert check_integrity(TEST_BOT_TOKEN, {k: str(v) for k, v in widget.items()})


@pytest.mark.parametrize("field", ["user", "auth_date", "query_id", "start_param", "signature"])
def test_tampering_with_any_field_is_rejected(field: str) -> None:
    fields = _fields(
        sign_init_data(
            extra={"start_param": "ref_7", "signature": "c2lnbmF0dXJl"}, user=make_user()
        )
    )
    fields[field] = fields[field][:-1] + ("0" if fields[field][-1] != "0" else "1")
    with pytest.raises(NotAuthenticated) as exc:
        validate_init_data(_encode(fields), TEST_BOT_TOKEN)
    assert _reason(exc) == AuthFailure.BAD_SIGNATURE


def test_tampered_hash_added_field_and_removed_field_are_rejected() -> None:
    fields = _fields(sign_init_data())
    flipped = dict(fields, hash=("0" if fields["hash"][0] != "0" else "1") + fields["hash"][1:])
    added = dict(fields, is_admin="true")
    removed = {k: v for k, v in fields.items() if k != "query_id"}
    for variant in (flipped, added, removed):
        with pytest.raises(NotAuthenticated) as exc:
            validate_init_data(_encode(variant), TEST_BOT_TOKEN)
        assert _reason(exc) == AuthFailure.BAD_SIGNATURE


def test_wrong_bot_token_is_rejected() -> None:
    with pytest.raises(NotAuthenticated) as exc:
        validate_init_data(sign_init_data(OTHER_BOT_TOKEN), TEST_BOT_TOKEN)
    assert _reason(exc) == AuthFailure.BAD_SIGNATURE


def test_expired_and_future_auth_date() -> None:
    now = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)
    ts = int(now.timestamp())
    old = sign_init_data(auth_date=ts - 3601)
    with pytest.raises(NotAuthenticated, match="expired") as exc:
        validate_init_data(old, TEST_BOT_TOKEN, max_age=3600, now=now)
    assert _reason(exc) == AuthFailure.EXPIRED
    assert validate_init_data(old, TEST_BOT_TOKEN, max_age=3602, now=now).id == 424242

    # default policy: one day
    with pytest.raises(NotAuthenticated):
        validate_init_data(sign_init_data(auth_date=ts - 86_401), TEST_BOT_TOKEN, now=now)
    assert validate_init_data(sign_init_data(auth_date=ts - 86_000), TEST_BOT_TOKEN, now=now)

    with pytest.raises(NotAuthenticated, match="future") as exc:
        validate_init_data(sign_init_data(auth_date=ts + 3600), TEST_BOT_TOKEN, now=now)
    assert _reason(exc) == AuthFailure.FROM_FUTURE
    # a little clock skew is fine
    assert validate_init_data(sign_init_data(auth_date=ts + 30), TEST_BOT_TOKEN, now=now)


@pytest.mark.parametrize(
    ("omit", "reason"),
    [
        (("auth_date",), AuthFailure.MISSING_FIELD),
        (("user",), AuthFailure.MISSING_FIELD),
    ],
)
def test_validly_signed_but_incomplete_data_is_rejected(
    omit: tuple[str, ...], reason: AuthFailure
) -> None:
    with pytest.raises(NotAuthenticated, match=omit[0]) as exc:
        validate_init_data(sign_init_data(omit=omit), TEST_BOT_TOKEN)
    assert _reason(exc) == reason


@pytest.mark.parametrize(
    "user",
    [
        "{not json",
        "[1, 2]",
        '{"first_name":"A"}',
        '{"id":"42","first_name":"A"}',
        '{"id":true,"first_name":"A"}',
        '{"id":-5,"first_name":"A"}',
        '{"id":4.2,"first_name":"A"}',
        '{"id":42}',
        '{"id":42,"first_name":"A","username":7}',
    ],
)
def test_signed_but_malformed_user_is_rejected(user: str) -> None:
    with pytest.raises(NotAuthenticated) as exc:
        validate_init_data(sign_init_data(user=user), TEST_BOT_TOKEN)
    assert _reason(exc) == AuthFailure.MALFORMED


def test_missing_hash_and_malformed_strings() -> None:
    fields = _fields(sign_init_data())
    del fields["hash"]
    with pytest.raises(NotAuthenticated, match="hash") as exc:
        validate_init_data(_encode(fields), TEST_BOT_TOKEN)
    assert _reason(exc) == AuthFailure.MISSING_FIELD

    good = sign_init_data()
    cases = {
        good + "&query_id=again": AuthFailure.MALFORMED,  # duplicate key
        "not a query string": AuthFailure.MALFORMED,
        good.replace("hash=", "hash=zz"): AuthFailure.MALFORMED,  # not hex
        "x" * 9000: AuthFailure.MALFORMED,
        "": AuthFailure.EMPTY_INIT_DATA,  # opened from a reply keyboard
    }
    for init_data, reason in cases.items():
        with pytest.raises(NotAuthenticated) as exc:
            validate_init_data(init_data, TEST_BOT_TOKEN)
        assert _reason(exc) == reason


def test_published_vectors() -> None:
    classic = validate_init_data(CLASSIC, CLASSIC_TOKEN, max_age=None)
    assert (classic.id, classic.username, classic.lang) == (279058397, "vdkfrost", "ru")

    signed = validate_init_data(SIGNED, SIGNED_TOKEN, max_age=None)
    assert signed.first_name == "Vladislav + - ? /"
    # Telegram escapes "/" as "\/"; the check only holds because nothing is re-serialised
    assert signed.photo_url is not None and signed.photo_url.startswith("https://t.me/i/userpic/")

    # the samples are years old: the default policy refuses them
    with pytest.raises(NotAuthenticated):
        validate_init_data(SIGNED, SIGNED_TOKEN)
    # and they are bound to their bot
    with pytest.raises(NotAuthenticated):
        validate_init_data(SIGNED, CLASSIC_TOKEN, max_age=None)


def test_error_never_echoes_secrets() -> None:
    init_data = sign_init_data(OTHER_BOT_TOKEN)
    received_hash = _fields(init_data)["hash"]
    for bad in (init_data, init_data.replace("hash=", "hash=zz")):
        with pytest.raises(NotAuthenticated) as exc:
            validate_init_data(bad, TEST_BOT_TOKEN)
        text = f"{exc.value} {exc.value.details}"
        assert received_hash not in text
        assert TEST_BOT_TOKEN not in text and "TEST-token" not in text


def test_programming_errors_are_not_auth_errors() -> None:
    with pytest.raises(ValueError, match="bot token"):
        validate_init_data(sign_init_data(), "")
    with pytest.raises(ValueError, match="timezone-aware"):
        validate_init_data(sign_init_data(), TEST_BOT_TOKEN, now=datetime(2026, 1, 1))


# --------------------------------------------------------------------------- Login Widget


def test_valid_login_widget_gives_identity() -> None:
    signed_at = int(time.time()) - 60
    data = sign_login_widget(auth_date=signed_at)

    identity = validate_login_widget(data, TEST_BOT_TOKEN)

    assert identity.id == 424242
    assert identity.first_name == "Ivan"
    assert identity.last_name is None
    assert identity.username == "ivan_p"
    assert identity.photo_url == "https://t.me/i/userpic/320/ivan.jpg"
    assert identity.language_code is None
    assert identity.auth_date == datetime.fromtimestamp(signed_at, UTC)
    assert identity.source == "login_widget"


def test_widget_fields_as_redirect_query_strings() -> None:
    # data-auth-url redirects deliver every value as a string
    as_strings = {k: str(v) for k, v in sign_login_widget().items()}
    assert validate_login_widget(as_strings, TEST_BOT_TOKEN).id == 424242


def test_widget_unknown_field_takes_part_in_the_check() -> None:
    data = sign_login_widget(data={"id": 9, "first_name": "A", "future_field": "x"})
    assert validate_login_widget(data, TEST_BOT_TOKEN).id == 9
    with pytest.raises(NotAuthenticated):
        validate_login_widget({**data, "future_field": "y"}, TEST_BOT_TOKEN)


def test_widget_none_counts_as_absent_but_empty_string_does_not() -> None:
    data = sign_login_widget()
    assert validate_login_widget({**data, "last_name": None}, TEST_BOT_TOKEN).last_name is None
    with pytest.raises(NotAuthenticated):
        validate_login_widget({**data, "last_name": ""}, TEST_BOT_TOKEN)


@pytest.mark.parametrize("field", ["id", "first_name", "username", "photo_url", "auth_date"])
def test_widget_tampering_with_any_field_is_rejected(field: str) -> None:
    data = sign_login_widget()
    data[field] = data[field] + 1 if isinstance(data[field], int) else data[field] + "x"
    with pytest.raises(NotAuthenticated) as exc:
        validate_login_widget(data, TEST_BOT_TOKEN)
    assert _reason(exc) == AuthFailure.BAD_SIGNATURE


def test_widget_wrong_token_expired_future() -> None:
    now = datetime.now(UTC)
    ts = int(now.timestamp())
    with pytest.raises(NotAuthenticated) as exc:
        validate_login_widget(sign_login_widget(OTHER_BOT_TOKEN), TEST_BOT_TOKEN)
    assert _reason(exc) == AuthFailure.BAD_SIGNATURE
    with pytest.raises(NotAuthenticated) as exc:
        validate_login_widget(sign_login_widget(auth_date=ts - 7200), TEST_BOT_TOKEN, max_age=3600)
    assert _reason(exc) == AuthFailure.EXPIRED
    with pytest.raises(NotAuthenticated) as exc:
        validate_login_widget(sign_login_widget(auth_date=ts + 600), TEST_BOT_TOKEN)
    assert _reason(exc) == AuthFailure.FROM_FUTURE


@pytest.mark.parametrize("field", ["hash", "auth_date", "id", "first_name"])
def test_widget_missing_field(field: str) -> None:
    data = {k: v for k, v in sign_login_widget().items() if k != field}
    with pytest.raises(NotAuthenticated, match=field) as exc:
        validate_login_widget(data, TEST_BOT_TOKEN)
    assert _reason(exc) == AuthFailure.MISSING_FIELD


@pytest.mark.parametrize(
    "override",
    [
        {"id": "abc"},
        {"id": "4.2"},
        {"id": -1},
        {"auth_date": "yesterday"},
        {"hash": "not-hex"},
        {"extra": {"nested": 1}},
    ],
)
def test_widget_malformed_field(override: dict[str, Any]) -> None:
    with pytest.raises(NotAuthenticated) as exc:
        validate_login_widget({**sign_login_widget(), **override}, TEST_BOT_TOKEN)
    assert _reason(exc) == AuthFailure.MALFORMED
    assert "hash" not in str(exc.value) or "hash" in override


def test_the_two_schemes_are_not_interchangeable() -> None:
    # a Mini App hash is not a widget hash (different key), and vice versa
    user = make_user(77)
    mini_app = _fields(sign_init_data(user={"id": 77, "first_name": user["first_name"]}))
    as_widget = {"id": 77, "first_name": "Ivan", "auth_date": mini_app["auth_date"]}
    as_widget["hash"] = mini_app["hash"]
    with pytest.raises(NotAuthenticated):
        validate_login_widget(as_widget, TEST_BOT_TOKEN)

    widget = sign_login_widget()
    as_init_data = _encode({k: str(v) for k, v in widget.items()})
    with pytest.raises(NotAuthenticated):
        validate_init_data(as_init_data, TEST_BOT_TOKEN)


# --------------------------------------------------------------------------- one entry point


def test_validate_telegram_login_accepts_both_shapes_as_dict_or_model() -> None:
    init_data = sign_init_data(user=make_user(11))
    widget = sign_login_widget(data={"id": 12, "first_name": "W"})

    assert validate_telegram_login({"init_data": init_data}, TEST_BOT_TOKEN).id == 11
    assert validate_telegram_login(widget, TEST_BOT_TOKEN).id == 12

    body = TelegramLoginPayload.model_validate({"init_data": init_data})
    assert isinstance(body.root, TelegramMiniAppLogin)
    assert validate_telegram_login(body, TEST_BOT_TOKEN).source == "mini_app"
    body = TelegramLoginPayload.model_validate(widget)
    assert isinstance(body.root, TelegramWidgetLogin)
    assert validate_telegram_login(body, TEST_BOT_TOKEN).source == "login_widget"
    assert validate_telegram_login(body.root, TEST_BOT_TOKEN, max_age=60).id == 12


@pytest.mark.parametrize(
    ("payload", "reason"),
    [
        ({"init_data": "a=b", "id": 1}, AuthFailure.MALFORMED),  # both shapes at once
        ({"init_data": 42}, AuthFailure.MALFORMED),
        ({}, AuthFailure.MISSING_FIELD),
        ({"init_data": ""}, AuthFailure.EMPTY_INIT_DATA),
    ],
)
def test_validate_telegram_login_rejects_bad_bodies(
    payload: dict[str, Any], reason: AuthFailure
) -> None:
    with pytest.raises(NotAuthenticated) as exc:
        validate_telegram_login(payload, TEST_BOT_TOKEN)
    assert _reason(exc) == reason


def test_validate_telegram_login_rejects_a_non_object() -> None:
    with pytest.raises(NotAuthenticated) as exc:
        validate_telegram_login(["init_data"], TEST_BOT_TOKEN)  # type: ignore[arg-type]
    assert _reason(exc) == AuthFailure.MALFORMED


def test_request_body_schema_documents_both_shapes() -> None:
    schema = TelegramLoginPayload.model_json_schema()
    refs = {item["$ref"].rsplit("/", 1)[-1] for item in schema["oneOf"]}
    assert refs == {"TelegramMiniAppLogin", "TelegramWidgetLogin"}
    widget = schema["$defs"]["TelegramWidgetLogin"]
    assert set(widget["required"]) == {"id", "first_name", "auth_date", "hash"}
    assert schema["$defs"]["TelegramMiniAppLogin"]["required"] == ["init_data"]
    assert "init_data" in schema["description"]


def test_identity_is_fresh_relative_to_now_argument() -> None:
    signed_at = datetime(2026, 1, 1, tzinfo=UTC)
    init_data = sign_init_data(auth_date=int(signed_at.timestamp()))
    later = signed_at + timedelta(hours=23)
    assert validate_telegram_login({"init_data": init_data}, TEST_BOT_TOKEN, now=later).id
    with pytest.raises(NotAuthenticated):
        validate_telegram_login(
            {"init_data": init_data}, TEST_BOT_TOKEN, now=later + timedelta(hours=2)
        )
