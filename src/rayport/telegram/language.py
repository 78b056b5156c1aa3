"""Map Telegram's ``language_code`` onto the two languages RayPort speaks.

Telegram sends an IETF language tag of the user's client (``"ru"``, ``"en"``, ``"pt-br"``;
sometimes nothing at all). RayPort has texts in Russian and English only, so every tag is
folded onto one of them:

* ``ru`` and the languages of countries where Russian is the common second language and
  most users run their client in Russian or their own language — Belarusian (``be``),
  Kazakh (``kk``), Kyrgyz (``ky``), Tajik (``tg``), Uzbek (``uz``) — get **Russian**: for
  them Russian is far more likely to be read comfortably than English.
* Ukrainian (``uk``) deliberately gets **English**: assuming Russian for Ukrainian users
  is a choice many of them would object to, and English is the neutral option. An
  operator who wants otherwise changes `RUSSIAN_LANGUAGE_CODES` in one place.
* Everything else, a missing tag and garbage get the default (English unless told).

The profile's own ``lang_code`` always wins over this guess once the user has one; this
is only for first contact (bot ``/start``, first Telegram login).
"""

from __future__ import annotations

from typing import Final, Literal

Lang = Literal["ru", "en"]

RUSSIAN_LANGUAGE_CODES: Final[frozenset[str]] = frozenset({"ru", "be", "kk", "ky", "tg", "uz"})


def lang_from_telegram(language_code: str | None, default: Lang = "en") -> Lang:
    """Return ``"ru"`` or ``"en"`` for a Telegram ``language_code`` (see the module docs).

    Only the primary subtag counts (``"ru-RU"`` → ``"ru"``); case is ignored. Never raises.
    """
    if not language_code:
        return default
    primary = language_code.strip().replace("_", "-").split("-", 1)[0].lower()
    if primary in RUSSIAN_LANGUAGE_CODES:
        return "ru"
    if primary == "en":
        return "en"
    return default
