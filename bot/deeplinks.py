"""``/start`` payloads: ``b<branch id>`` picks a branch, ``m<module id>b<branch id>`` a module.

Built and read here only; the gate checks what a link needs before ``/start`` acts on it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.commands import Named, Needs, Where

_BRANCH = re.compile(r"^b([1-9]\d{0,17})$", re.ASCII)
_MODULE = re.compile(r"^m([1-9]\d{0,17})b([1-9]\d{0,17})$", re.ASCII)


@dataclass(frozen=True)
class StartLink:
    """What a deep link asks for: a branch, and perhaps one of its modules.

    A link is forgeable and forwardable: it opens a branch only to its own members.
    """

    branch_id: int
    module_id: int | None = None
    NEEDS = Needs(Where.PRIVATE, branch=Named.BRANCH)

    def needs(self) -> Needs:
        """What opening the link needs (the gate checks it)."""
        return self.NEEDS


def unpack_link(payload: str) -> StartLink | None:
    """Read a deep-link payload; None for anything else."""
    if match := _BRANCH.match(payload):
        return StartLink(branch_id=int(match.group(1)))
    if match := _MODULE.match(payload):
        return StartLink(branch_id=int(match.group(2)), module_id=int(match.group(1)))
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
