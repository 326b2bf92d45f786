"""``/start`` payloads: ``b<branch id>`` picks a branch, ``m<module id>b<branch id>`` a module."""

from __future__ import annotations

import re
from dataclasses import dataclass

_BRANCH = re.compile(r"^b([1-9]\d{0,17})$", re.ASCII)
_MODULE = re.compile(r"^m([1-9]\d{0,17})b([1-9]\d{0,17})$", re.ASCII)


@dataclass(frozen=True)
class StartPayload:
    """What a deep link asks for."""

    branch_id: int
    module_id: int | None = None


def parse_start_payload(payload: str) -> StartPayload | None:
    """Parse a deep-link payload; None for anything else (the plain greeting applies)."""
    if match := _BRANCH.match(payload):
        return StartPayload(branch_id=int(match.group(1)))
    if match := _MODULE.match(payload):
        return StartPayload(branch_id=int(match.group(2)), module_id=int(match.group(1)))
    return None


def module_payload(module_id: int, branch_id: int) -> str:
    """The payload that opens a module privately for a branch."""
    return f"m{module_id}b{branch_id}"


def branch_payload(branch_id: int) -> str:
    """The payload that opens the private chat on a branch (fits Telegram's 64 characters)."""
    return f"b{branch_id}"


def start_link(bot_username: str, payload: str) -> str:
    """The link that opens the private chat with the bot and sends ``/start <payload>``."""
    return f"https://t.me/{bot_username}?start={payload}"
