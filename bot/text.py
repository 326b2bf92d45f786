"""Laying text out within Telegram's limits: messages, captions, titles and keyboards."""

from __future__ import annotations

# Telegram counts a message's length in UTF-16 code units: an emoji or a rare CJK character
# outside the basic plane counts two.
MESSAGE_LIMIT = 4096
CAPTION_LIMIT = 1024
# Titles typed by secretaries (meetings) are refused above this; names that come from
# Telegram (group titles, member names) and module titles from files are shortened with "…".
TITLE_MAX = 100
NAME_MAX = 64
ELLIPSIS = "…"


def utf16_length(text: str) -> int:
    """The length Telegram counts: UTF-16 code units."""
    return len(text.encode("utf-16-le")) // 2


def _cut(line: str, limit: int) -> tuple[str, str]:
    """The longest head of ``line`` within ``limit`` UTF-16 units, preferably at a space."""
    used, end = 0, 0
    for end, char in enumerate(line):  # noqa: B007 - end is read after the loop
        used += 2 if ord(char) > 0xFFFF else 1
        if used > limit:
            break
    else:
        return line, ""
    end = max(end, 1)
    space = line.rfind(" ", 0, end)
    if space > end // 2:
        end = space + 1
    return line[:end], line[end:]


def split_message(text: str, limit: int = MESSAGE_LIMIT) -> list[str]:
    """Split text into messages of at most ``limit`` UTF-16 units, at line boundaries.

    A single line longer than the limit is cut into pieces within the limit (at a space when
    one is near the end). Every text the bot sends goes through this (see ``handlers.sending``).
    """
    if len(text) * 2 <= limit or utf16_length(text) <= limit:
        return [text]
    chunks: list[str] = []
    current, size = "", -1  # the chunk being filled and its length (-1: nothing yet)
    for line in text.split("\n"):
        while utf16_length(line) > limit:
            if size >= 0:
                chunks.append(current)
                current, size = "", -1
            head, line = _cut(line, limit)
            chunks.append(head)
        length = utf16_length(line)
        if size >= 0 and size + 1 + length > limit:
            chunks.append(current)
            current, size = "", -1
        current, size = (f"{current}\n{line}", size + 1 + length) if size >= 0 else (line, length)
    if size >= 0 or not chunks:
        chunks.append(current)
    return chunks


def shorten(text: str, limit: int) -> str:
    """``text`` cut to ``limit`` characters, the last one "…" when anything was cut."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + ELLIPSIS
