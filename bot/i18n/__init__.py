"""Message catalogs: gettext ``.po`` files (one per language) read with Babel at start.

Catalog ids are stable keys (``setup.done``); both languages translate every key, and the
text uses ``str.format`` fields, so the catalogs decide word order.
"""

from __future__ import annotations

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


class Translator:
    """Renders catalog keys in a language."""

    def __init__(self, catalogs: dict[str, dict[str, str]]) -> None:
        self._catalogs = catalogs

    @classmethod
    def load(cls, directory: Path = CATALOG_DIR) -> Translator:
        """Load every supported language's catalog from ``directory``."""
        return cls({lang: load_catalog(directory / f"{lang}.po") for lang in LANGUAGES})

    def keys(self, language: str) -> set[str]:
        """Return the keys a language translates."""
        return set(self._catalogs[language])

    def __call__(self, language: str, key: str, /, **params: Any) -> str:
        """Return the text of ``key`` in ``language`` with ``params`` filled in.

        Raises:
            KeyError: the key is missing, which a test over every catalog rules out.
        """
        return self._catalogs[language][key].format(**params)
