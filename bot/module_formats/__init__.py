"""Study modules as imported from files: the native TOML format, GIFT and Aiken.

A parser returns modules and warnings (skipped question kinds), or raises ``FormatError``
listing every problem with its line, so an import is all or nothing.
"""

from __future__ import annotations

from bot.module_formats import aiken, gift, native
from bot.module_formats.model import (
    FormatError,
    Module,
    Option,
    Parsed,
    Problem,
    Question,
    decode,
)


def _looks_like_aiken(text: str) -> bool:
    """Whether a ``.txt`` file is Aiken: an ``ANSWER:`` line and no ``{``.

    Moodle exports both formats as ``.txt``.
    """
    return "{" not in text and any(aiken.ANSWER.match(line.strip()) for line in text.split("\n"))


def parse_module_file(name: str, data: bytes) -> Parsed:
    """Parse a module file by its extension: ``.toml``, ``.gift``, ``.aiken`` or ``.txt``.

    A ``.txt`` file is read as its name says (``x.gift.txt``, ``x.aiken.txt``), else as Aiken
    when it looks like Aiken, else as GIFT.

    Raises:
        FormatError: with every problem found, or an unknown extension.
    """
    text = decode(data)
    title = name.rsplit("/", 1)[-1].rsplit(".", 1)[0] or name
    parts = name.rsplit("/", 1)[-1].lower().split(".")
    suffix = parts[-1] if len(parts) > 1 else ""
    if suffix == "txt" and len(parts) > 2 and parts[-2] in ("gift", "aiken"):
        suffix, title = parts[-2], title.rsplit(".", 1)[0] or title
    elif suffix == "txt":
        suffix = "aiken" if _looks_like_aiken(text) else "gift"
    if suffix == "toml":
        return native.parse(text)
    if suffix == "gift":
        return gift.parse(text, default_title=title)
    if suffix == "aiken":
        return aiken.parse(text, title=title)
    raise FormatError([Problem(0, "format.unknown_type")])


__all__ = ["FormatError", "Module", "Option", "Parsed", "Problem", "Question", "parse_module_file"]
