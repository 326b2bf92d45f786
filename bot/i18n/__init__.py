"""Message catalogs: gettext ``.po`` files (one per language) read with Babel at start.

Catalog ids are stable keys (``setup.done``); both languages translate every key, and the
text uses ``str.format`` fields, so the catalogs decide word order. Punctuation that joins
words (a list's separator, a label's colon, the dash for nothing) is catalog text too, so
each language punctuates in its own way.

Texts are had only through ``Words``: the catalog of one reader's language. Who the reader
is (the chat of an update, a branch's group, a member in private) is decided where the
message is sent; views are handed the reader's ``Words``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from babel.messages.pofile import read_po

from bot.config import LANGUAGES

CATALOG_DIR = Path(__file__).parent


def language_of(language_code: str | None) -> str | None:
    """Map a Telegram ``language_code`` to a catalog: ``zh*`` → zh, anything else → en."""
    if not language_code:
        return None
    return "zh" if language_code.lower().startswith("zh") else "en"


def load_catalog(path: Path) -> dict[str, str]:
    """Read one ``.po`` file into a key → text mapping, skipping fuzzy and empty entries."""
    with path.open("rb") as handle:
        catalog = read_po(handle)
    return {
        str(message.id): str(message.string)
        for message in catalog
        if message.id and message.string and not message.fuzzy
    }


class Words:
    """The catalog texts in one reader's language."""

    def __init__(self, language: str, texts: Mapping[str, str]) -> None:
        self.language = language
        self._texts = texts

    def __call__(self, key: str, /, **params: Any) -> str:
        """The text of ``key`` with ``params`` filled in.

        Raises:
            KeyError: the key is missing, which a test over every catalog rules out.
        """
        return self._texts[key].format(**params)

    def join(self, items: Iterable[str], /, separator: str = "list.separator") -> str:
        """``items`` in a row, with the catalog's ``separator`` (a key) between them.

        ``list.separator`` lists like things (names, meeting types, answers);
        ``list.parts`` strings the parts of one thing (a meeting's type and title).
        """
        return self._texts[separator].join(items)

    @property
    def none(self) -> str:
        """What stands in a text for a value there is none of (``—``)."""
        return self._texts["list.none"]


class Translator:
    """The catalogs of every language, handed out as one language's ``Words``."""

    def __init__(self, catalogs: dict[str, dict[str, str]]) -> None:
        self._catalogs = catalogs
        self._words = {language: Words(language, texts) for language, texts in catalogs.items()}

    @classmethod
    def load(cls, directory: Path = CATALOG_DIR) -> Translator:
        """Load every supported language's catalog from ``directory``."""
        return cls({lang: load_catalog(directory / f"{lang}.po") for lang in LANGUAGES})

    def keys(self, language: str) -> set[str]:
        """Return the keys a language translates."""
        return set(self._catalogs[language])

    def words(self, language: str) -> Words:
        """The texts of ``language`` (one ``Words`` per language, made at load)."""
        return self._words[language]
