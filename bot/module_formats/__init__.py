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


def parse_module_file(name: str, data: bytes) -> Parsed:
    """Parse a module file by its extension: ``.toml``, ``.gift`` or ``.txt``, ``.aiken``.

    Raises:
        FormatError: with every problem found, or an unknown extension.
    """
    text = decode(data)
    title = name.rsplit("/", 1)[-1].rsplit(".", 1)[0] or name
    suffix = name.lower().rsplit(".", 1)[-1] if "." in name else ""
    if suffix == "toml":
        return native.parse(text)
    if suffix in ("gift", "txt"):
        return gift.parse(text, default_title=title)
    if suffix == "aiken":
        return aiken.parse(text, title=title)
    raise FormatError([Problem(0, "format.unknown_type")])


__all__ = ["FormatError", "Module", "Option", "Parsed", "Problem", "Question", "parse_module_file"]
