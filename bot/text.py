"""Laying text out within Telegram's message limit."""

from __future__ import annotations

MESSAGE_LIMIT = 4096


def split_message(text: str, limit: int = MESSAGE_LIMIT) -> list[str]:
    """Split text into messages of at most ``limit`` characters, at line boundaries.

    A single line longer than the limit is cut into pieces of exactly the limit.
    """
    chunks: list[str] = []
    current = ""
    for line in text.split("\n"):
        while len(line) > limit:
            if current:
                chunks.append(current)
                current = ""
            chunks.append(line[:limit])
            line = line[limit:]
        candidate = f"{current}\n{line}" if current else line
        if len(candidate) > limit:
            chunks.append(current)
            current = line
        else:
            current = candidate
    if current or not chunks:
        chunks.append(current)
    return chunks


NAMES_PER_LINE = 20


def grouped_names(pairs: list[tuple[str, str]]) -> list[str]:
    """``head：name、name…`` lines, names kept in order under their head.

    A long list continues on further lines (at most ``NAMES_PER_LINE`` names each), so a
    report splits between lines, never inside a name.
    """
    names: dict[str, list[str]] = {}
    for head, name in pairs:
        names.setdefault(head, []).append(name)
    lines = []
    for head, people in names.items():
        for start in range(0, len(people), NAMES_PER_LINE):
            prefix = f"{head}：" if start == 0 else "  "
            lines.append(prefix + "、".join(people[start : start + NAMES_PER_LINE]))
    return lines
