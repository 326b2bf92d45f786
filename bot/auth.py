"""Who may do what: operators, secretaries (group admins or granted) and members.

The chat's administrator list is Telegram state: it is fetched on demand, kept at most
``ADMIN_TTL``, and patched at once by ``chat_member`` updates, so a demoted admin loses rights
without waiting for the cache to expire. When Telegram cannot give the list, the authorizer
falls back (logged) instead of failing whoever asked: access uses the last list it had, if
any, and the secretaries are those granted the role.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import Enum

from bot.clock import Clock
from bot.commands import Access
from bot.errors import BranchbotError
from storage import Storage
from storage.models import Branch

logger = logging.getLogger(__name__)

# A ``chat_member`` update patches the list of the one instance that received it; the others
# fetch it again after this long, so a demoted admin loses rights everywhere within a minute.
ADMIN_TTL = timedelta(minutes=1)

# Fetches a chat's administrators; raises AdminsUnavailable when Telegram cannot list them.
AdminFetcher = Callable[[int], Awaitable[frozenset[int]]]
# Told of a list just fetched: (chat id, the list it replaced or None, the new list).
AdminsFetched = Callable[[int, frozenset[int] | None, frozenset[int]], Awaitable[None]]


class AdminsUnavailable(BranchbotError):
    """Telegram's administrator list of a chat could not be fetched."""

    def __init__(self, chat_id: int, reason: str) -> None:
        super().__init__(f"chat {chat_id}: administrators unavailable: {reason}")
        self.chat_id = chat_id


class ActorKind(Enum):
    """Who sent a message, as far as Telegram tells."""

    PERSON = "person"
    ANONYMOUS_ADMIN = "anonymous_admin"  # posted as the group itself: only admins can
    CHANNEL = "channel"  # posted as some channel: anyone with a channel can


@dataclass(frozen=True)
class Actor:
    """The sender of an update in a chat."""

    user_id: int
    chat_id: int
    private: bool
    kind: ActorKind = ActorKind.PERSON


class Authorizer:
    """Decides a user's access in a chat."""

    def __init__(
        self,
        *,
        operators: frozenset[int],
        storage: Storage,
        fetch_admins: AdminFetcher,
        clock: Clock,
    ) -> None:
        self._operators = operators
        self._storage = storage
        self._fetch_admins = fetch_admins
        self._clock = clock
        self._admins: dict[int, tuple[datetime, frozenset[int]]] = {}
        self._on_fetched: AdminsFetched | None = None

    def on_fetched(self, listener: AdminsFetched) -> None:
        """Tell ``listener`` of each list fetched: who became or stopped being an admin."""
        self._on_fetched = listener

    def is_operator(self, user_id: int) -> bool:
        """Whether the user is listed in ``bot.operators``."""
        return user_id in self._operators

    async def access(self, actor: Actor, branch: Branch | None) -> Access:
        """Return the actor's access in their chat (``branch`` is the chat's branch, if any)."""
        if actor.kind is ActorKind.CHANNEL:
            return Access.MEMBER
        if actor.kind is ActorKind.ANONYMOUS_ADMIN:
            return Access.SECRETARY
        if self.is_operator(actor.user_id):
            return Access.OPERATOR
        if actor.private:
            # In private a secretary acts for one of their branches (each command checks
            # which), and an organisation's admin reads its roll-up.
            if await self.secretary_branches(actor.user_id):
                return Access.SECRETARY
            administered = await self._storage.organisations.administered_by(actor.user_id)
            return Access.SECRETARY if administered else Access.MEMBER
        if branch is not None:
            member = await self._storage.memberships.get(branch.id, actor.user_id)
            if member is not None and member.role == "secretary":
                return Access.SECRETARY
        if actor.user_id in await self.admins(actor.chat_id):
            return Access.SECRETARY
        return Access.MEMBER

    async def is_secretary_of(self, branch: Branch, user_id: int) -> bool:
        """Whether a user (acting anywhere, e.g. in private) is a secretary of the branch."""
        if self.is_operator(user_id):
            return True
        member = await self._storage.memberships.get(branch.id, user_id)
        if member is not None and member.role == "secretary":
            return True
        return user_id in await self.admins(branch.chat_id)

    async def belongs_to(self, branch: Branch, user_id: int) -> bool:
        """Whether a link or button naming the branch may act for the user.

        Its members may (seen in its group, not left, not forgotten), and so may its
        secretaries: a group administrator need never have written in the group.
        """
        if await self._storage.memberships.is_member(branch.id, user_id):
            return True
        return await self.is_secretary_of(branch, user_id)

    async def secretary_branches(self, user_id: int) -> list[Branch]:
        """The active branches, among the user's own, where the user is a secretary."""
        found = []
        for branch_id in await self._storage.memberships.branch_ids(user_id):
            branch = await self._storage.branches.get(branch_id)
            if branch is not None and await self.is_secretary_of(branch, user_id):
                found.append(branch)
        return found

    async def secretaries(self, branch: Branch) -> list[int]:
        """The branch's granted secretaries and its group's administrators.

        Without Telegram's list, only the granted ones: a stale list could name an admin
        demoted since, and what secretaries get is private.
        """
        granted = set(await self._storage.memberships.secretaries(branch.id))
        try:
            admins = await self._current_admins(branch.chat_id)
        except AdminsUnavailable as exc:
            logger.warning("%s; branch %s: its granted secretaries only", exc, branch.id)
            return sorted(granted)
        return sorted(granted | admins)

    async def admins(self, chat_id: int) -> frozenset[int]:
        """Return the chat's administrators, from the cache while it is fresh.

        Without Telegram's list, the last one fetched, else nobody.
        """
        try:
            return await self._current_admins(chat_id)
        except AdminsUnavailable as exc:
            cached = self._admins.get(chat_id)
            if cached is None:
                logger.warning("%s; none assumed", exc)
                return frozenset()
            logger.warning("%s; the list of %s used", exc, cached[0].isoformat())
            return cached[1]

    async def _current_admins(self, chat_id: int) -> frozenset[int]:
        """The cached list while it is fresh, else Telegram's (raises AdminsUnavailable)."""
        now = self._clock()
        cached = self._admins.get(chat_id)
        if cached is not None and now - cached[0] < ADMIN_TTL:
            return cached[1]
        admins = await self._fetch_admins(chat_id)
        self._admins[chat_id] = (now, admins)
        if self._on_fetched is not None:
            await self._on_fetched(chat_id, cached[1] if cached else None, admins)
        return admins

    def admin_changed(self, chat_id: int, user_id: int, is_admin: bool) -> None:
        """Apply a ``chat_member`` change to the cached list, if there is one."""
        cached = self._admins.get(chat_id)
        if cached is None:
            return
        fetched_at, admins = cached
        updated = admins | {user_id} if is_admin else admins - {user_id}
        self._admins[chat_id] = (fetched_at, updated)
        logger.info(
            "chat %s: admin list updated for user %s (admin=%s)", chat_id, user_id, is_admin
        )

    def forget_chat(self, chat_id: int) -> None:
        """Drop a chat's cached list (the chat moved or the bot left)."""
        self._admins.pop(chat_id, None)
