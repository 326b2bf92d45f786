"""Members as the bot sees them: recording, roles, the roster, and naming a user."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.errors import UserError
from bot.keywords import Keywords
from bot.text import NAME_MAX, shorten
from storage import Storage
from storage.models import Branch, Member

logger = logging.getLogger(__name__)

ROLE_WORDS = Keywords(
    {
        "secretary": ("管理员", "支部管理员", "书记"),
        "committee": ("委员", "支委", "支委委员"),
        "member": ("党员", "成员"),
    }
)
ROLES = ROLE_WORDS.codes
# ``/roster list`` and ``/roster remove <user>``.
ROSTER_WORDS = Keywords({"list": ("名册", "名单"), "remove": ("移除",)})
# A Telegram user id as typed: ASCII digits, no more than fit the ids Telegram gives (52 bits).
USER_ID = re.compile(r"^[1-9][0-9]{0,15}$", re.ASCII)


@dataclass(frozen=True)
class Person:
    """A Telegram user's public details, as carried by an update."""

    id: int
    first_name: str
    last_name: str | None = None
    username: str | None = None
    language_code: str | None = None


# A sighting unchanged since the last write this recently is not written again: it would only
# move "last seen" by minutes, and it costs a commit on every update.
SEEN_REFRESH = timedelta(minutes=10)
SEEN_REMEMBERED = 50_000


class MemberService:
    """Membership facts of branches."""

    def __init__(self, storage: Storage) -> None:
        self._storage = storage
        self._written: dict[tuple[Person, int | None], datetime] = {}

    async def seen(self, person: Person, branch: Branch | None, now: datetime) -> None:
        """Record that a person interacted, in a branch's group or privately (branch None)."""
        key = (person, branch.id if branch else None)
        written = self._written.get(key)
        if written is not None and timedelta(0) <= now - written < SEEN_REFRESH:
            return
        if branch is None:
            await self._save(person, now)  # one statement: no transaction to wait for
        else:
            # Each statement is atomic: the block needs no lock beyond its branch's.
            async with self._storage.transaction(scope=branch.id):
                await self._save(person, now)
                await self._storage.memberships.touch(branch.id, person.id, now)
                await self._storage.branches.touch(branch.id, now)
        if len(self._written) >= SEEN_REMEMBERED:
            self._written.clear()
        self._written[key] = now

    def _unremember(self, user_id: int) -> None:
        self._written = {k: v for k, v in self._written.items() if k[0].id != user_id}

    async def _save(self, person: Person, now: datetime) -> None:
        await self._storage.users.save(
            user_id=person.id,
            # Telegram's own caps on names: anything longer is cut, with "…".
            first_name=shorten(person.first_name, NAME_MAX),
            last_name=shorten(person.last_name, NAME_MAX) if person.last_name else None,
            username=person.username,
            language_code=person.language_code,
            now=now,
        )

    async def forget(self, user_id: int) -> bool:
        """Delete a member's personal data; their counts stay, nameless. False if unknown."""
        self._unremember(user_id)
        async with self._storage.transaction():
            forgotten = await self._storage.users.forget(user_id)
        if forgotten:
            logger.info("a user's personal data was deleted on request")
        return forgotten

    async def joined(self, person: Person, branch: Branch, now: datetime) -> None:
        """A person joined the group while the bot watched: they are on the roster."""
        async with self._storage.transaction():
            await self._save(person, now)
            await self._storage.memberships.touch(branch.id, person.id, now, on_roster=True)

    async def left(self, user_id: int, branch: Branch, now: datetime) -> None:
        """A person left the group: no longer a member, off the roster, out of any role."""
        self._unremember(user_id)
        await self._storage.memberships.leave(branch.id, user_id, now)

    async def join_roster(self, person: Person, branch: Branch, now: datetime) -> bool:
        """Put the person on the roster; False if they were on it already."""
        async with self._storage.transaction():
            await self._save(person, now)
            member = await self._storage.memberships.get(branch.id, person.id)
            if member is not None and member.on_roster:
                return False
            await self._storage.memberships.touch(branch.id, person.id, now, on_roster=True)
            return True

    async def remove_from_roster(self, branch: Branch, user_id: int) -> Member:
        """Take a member off the roster.

        Raises:
            UserError: the user is not on the branch's roster.
        """
        async with self._storage.transaction():
            member = await self._storage.memberships.get(branch.id, user_id)
            if member is None or not member.on_roster:
                raise UserError("roster.not_on_roster")
            await self._storage.memberships.set_roster(branch.id, user_id, on_roster=False)
        return member

    async def roster(self, branch: Branch) -> list[Member]:
        """Return the branch's roster."""
        return await self._storage.memberships.roster(branch.id)

    async def set_role(self, branch: Branch, user_id: int, role: str) -> tuple[Member, bool]:
        """Set a member's role.

        Returns:
            The member as before and whether the role changed.

        Raises:
            UserError: unknown role, or the user is not a member of the branch.
        """
        if role not in ROLES:
            raise UserError("role.usage")
        async with self._storage.transaction():
            member = await self._storage.memberships.get(branch.id, user_id)
            if member is None:
                raise UserError("user.not_member")
            if member.role != role:
                await self._storage.memberships.set_role(branch.id, user_id, role)
        logger.info("branch %s: user %s role %s -> %s", branch.id, user_id, member.role, role)
        return member, member.role != role

    async def resolve(
        self,
        branch: Branch,
        *,
        person: Person | None,
        word: str | None,
        now: datetime,
        usage: str | None = None,
    ) -> Member:
        """Find the member a command names.

        Args:
            branch: the branch the command runs in.
            person: a user the update itself carries (a replied-to message or a text mention).
            word: otherwise the argument: a numeric id or an @username seen in this branch.
            now: the current instant (a carried person is recorded as seen).
            usage: the command's usage key, shown with the explanation.

        Raises:
            UserError: ``user.how_to_name`` if the member cannot be identified.
        """
        if person is not None:
            async with self._storage.transaction():
                await self._save(person, now)
                await self._storage.memberships.touch(branch.id, person.id, now)
            member = await self._storage.memberships.get(branch.id, person.id)
        elif word and USER_ID.match(word):
            member = await self._storage.memberships.get(branch.id, int(word))
        elif word and word.startswith("@") and len(word) > 1:
            member = await self._storage.memberships.find_by_username(branch.id, word[1:])
        else:
            member = None
        if member is None:
            raise UserError("user.how_to_name", usage=usage)
        return member
