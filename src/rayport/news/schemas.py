"""Shapes of news: multilingual on the admin wire, one language in the users' feed."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Self

from pydantic import BaseModel, ConfigDict, StringConstraints, model_validator

from rayport.models.enums import LangCode
from rayport.text import NO_NUL

Title = Annotated[str, StringConstraints(strip_whitespace=True, max_length=200, pattern=NO_NUL)]
Content = Annotated[
    str, StringConstraints(strip_whitespace=True, max_length=20_000, pattern=NO_NUL)
]


class _OneLanguageAtLeast(BaseModel):
    @model_validator(mode="after")
    def _not_empty(self) -> Self:
        if not any(getattr(self, lang.value) for lang in LangCode):
            raise ValueError("at least one language (ru or en) must be filled in")
        return self


class TitleIn(_OneLanguageAtLeast):
    model_config = ConfigDict(extra="forbid")

    ru: Title = ""
    en: Title = ""


class ContentIn(_OneLanguageAtLeast):
    model_config = ConfigDict(extra="forbid")

    ru: Content = ""
    en: Content = ""


class NewsCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    title: TitleIn
    content: ContentIn
    is_published: bool = False


class NewsUpdate(BaseModel):
    """Fields left out keep their value; a title or content given replaces both languages."""

    model_config = ConfigDict(extra="forbid")

    title: TitleIn | None = None
    content: ContentIn | None = None
    is_published: bool | None = None


class LocalizedText(BaseModel):
    ru: str
    en: str


class NewsRead(BaseModel):
    id: uuid.UUID
    title: LocalizedText
    content: LocalizedText
    is_published: bool
    published_at: datetime | None
    author_id: uuid.UUID | None
    created_at: datetime
    updated_at: datetime


class NewsFeedItem(BaseModel):
    """One published item in the reader's language (or the other one when it has no text
    in the reader's); `lang` says which was used."""

    id: uuid.UUID
    title: str
    content: str
    lang: LangCode
    published_at: datetime
