"""Registering groups as branches, their settings, and following their chat's life."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.clock import Clock
from bot.commands import Access
from bot.config import BotConfig
from bot.errors import UserError
from bot.settings import normalize, parse_settings
from bot.text import NAME_MAX, shorten
from storage import Storage
from storage.models import Branch, Organisation

logger = logging.getLogger(__name__)

# Another instance on the same database may change a branch (its settings, retiring it, a chat
# move): this one sees the change within this long. Its own writes are seen at once.
BRANCH_TTL = timedelta(seconds=30)


@dataclass(frozen=True)
class SetupResult:
    """What ``/setup`` did."""

    branch: Branch
    created: bool
    organisation: Organisation | None


class BranchService:
    """Branch registration, settings and chat moves."""

    def __init__(self, storage: Storage, config: BotConfig, clock: Clock) -> None:
        self._storage = storage
        self._config = config
        self._clock = clock
        # Every update looks up its chat's branch; this service forgets them all whenever it
        # writes one, and each is read again after BRANCH_TTL (another instance may write).
        self._by_chat: dict[int, tuple[datetime, Branch]] = {}

    async def for_chat(self, chat_id: int) -> Branch | None:
        """Return the branch registered for the chat."""
        now = self._clock()
        cached = self._by_chat.get(chat_id)
        if cached is not None and now - cached[0] < BRANCH_TTL:
            return cached[1]
        branch = await self._storage.branches.by_chat(chat_id)
        if branch is None:
            self._by_chat.pop(chat_id, None)
        else:
            self._by_chat[chat_id] = (now, branch)
        return branch

    async def get(self, branch_id: int) -> Branch | None:
        """Return the branch with this id."""
        return await self._storage.branches.get(branch_id)

    async def of_member(self, user_id: int) -> list[Branch]:
        """The active branches the user is a member of, in the order they were registered."""
        found = [await self.get(i) for i in await self._storage.memberships.branch_ids(user_id)]
        return [b for b in found if b is not None and b.active]

    async def setup(
        self, *, chat_id: int, title: str, code: str | None, access: Access, now: datetime
    ) -> SetupResult:
        """Register the chat as a branch (idempotent), attaching it to an organisation.

        Raises:
            UserError: the code is unknown, or registration is closed and there is no code.
        """
        self._by_chat.clear()
        title = shorten(title, NAME_MAX)  # the group's title, shown in buttons and headings
        organisation = None
        if code:
            organisation = await self._storage.organisations.by_code(normalize(code).upper())
            if organisation is None:
                raise UserError("setup.bad_code", code=code)
        repo = self._storage.branches
        async with self._storage.transaction():
            branch = await repo.by_chat(chat_id)
            created = branch is None
            if branch is None:
                if not (
                    organisation or self._config.open_registration or access >= Access.OPERATOR
                ):
                    raise UserError("setup.needs_code")
                branch = await repo.register(
                    chat_id=chat_id,
                    title=title,
                    timezone=self._config.timezone,
                    language=self._config.language,
                    organisation_id=organisation.id if organisation else None,
                    now=now,
                )
            else:
                joins = organisation is not None and branch.organisation_id != organisation.id
                if joins or not branch.active:
                    branch = await repo.revive(
                        branch.id, title, organisation.id if joins else branch.organisation_id
                    )
        if organisation is None and branch.organisation_id:
            organisation = await self._storage.organisations.get(branch.organisation_id)
        logger.info("branch %s for chat %s: setup (created=%s)", branch.id, chat_id, created)
        return SetupResult(branch, created, organisation)

    async def change_settings(self, branch: Branch, text: str) -> Branch:
        """Apply ``/settings`` arguments; nothing changes unless every one is valid.

        Raises:
            UserError: from ``parse_settings``.
        """
        self._by_chat.clear()
        changes = parse_settings(text)
        if not changes:
            raise UserError("settings.usage")
        return await self._storage.branches.update_settings(branch.id, changes)

    async def bot_added(self, chat_id: int, title: str) -> Branch | None:
        """The bot was added to a group: a registered branch becomes active again."""
        self._by_chat.clear()
        branch = await self._storage.branches.by_chat(chat_id)
        if branch is None:
            return None
        logger.info("branch %s: bot re-added, active again", branch.id)
        return await self._storage.branches.revive(
            branch.id, shorten(title, NAME_MAX), branch.organisation_id
        )

    async def deactivate_chat(self, chat_id: int, reason: str) -> None:
        """The bot was removed from the chat or refused there: stop writing to it."""
        self._by_chat.clear()
        branch = await self._storage.branches.by_chat(chat_id)
        if branch is not None and branch.active:
            await self._storage.branches.deactivate(branch.id)
            logger.warning("branch %s (chat %s) marked inactive: %s", branch.id, chat_id, reason)

    async def move_chat(self, old_chat_id: int, new_chat_id: int) -> tuple[Branch, Branch] | None:
        """The group became a supergroup: the branch and all its rows follow the new id.

        If ``/setup`` registered the supergroup before the upgrade was known, the group's
        original branch still takes the new id, with all its data; the branch registered in
        between is retired (inactive, on the dead chat id, its few rows kept for operators).

        Returns:
            (the branch now at the new id, the branch retired) when one was retired, so the
            group can be told; else None.
        """
        self._by_chat.clear()
        async with self._storage.transaction():
            if await self._storage.branches.move_chat(old_chat_id, new_chat_id):
                logger.info("branch moved from chat %s to chat %s", old_chat_id, new_chat_id)
                return None
            taken = await self._storage.branches.take_over_chat(old_chat_id, new_chat_id)
        if taken is None:
            return None
        moved = await self._storage.branches.get(taken[0])
        retired = await self._storage.branches.get(taken[1])
        logger.warning(
            "branch %s moved from chat %s to chat %s; branch %s, registered there meanwhile,"
            " retired",
            taken[0],
            old_chat_id,
            new_chat_id,
            taken[1],
        )
        if moved is None or retired is None:
            return None
        return moved, retired
