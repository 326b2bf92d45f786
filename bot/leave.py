"""Answers to reminders and leave: requested by members, decided by secretaries."""

from __future__ import annotations

import logging
from datetime import datetime

from bot.auth import Authorizer
from bot.errors import UserError
from bot.keywords import Keywords
from bot.meetings import MeetingService
from bot.settings import as_written
from storage import Storage
from storage.leaves import Leave
from storage.models import OccurrenceView

logger = logging.getLogger(__name__)

MAX_REASON = 500
# ``/leave list``: a secretary's pending requests; ``/leave cancel <id>``: withdraw one's own.
LEAVE_WORDS = Keywords({"list": ("待批", "列表"), "cancel": ("撤回",)})
# How many meetings the flow offers to choose from, and pending requests ``/leave list`` shows.
MAX_LISTED = 10


def _answered(user_id: int, message_id: int) -> str:
    """The act of answering a reason prompt: kept (like other acts) while a reply may come.

    It names the private chat, so ``/forget`` drops it with the member's other acts.
    """
    return f"leave-prompt:{user_id}:{message_id}:"


class LeaveService:
    """RSVPs and leave requests."""

    def __init__(self, storage: Storage, auth: Authorizer, meetings: MeetingService) -> None:
        self._storage = storage
        self._auth = auth
        self._meetings = meetings

    async def occurrence_for(self, occurrence_id: int, user_id: int) -> OccurrenceView:
        """An occurrence the member may answer or ask leave for.

        Raises:
            UserError: not of the member's branches, cancelled, or the member is not expected.
        """
        occurrence = await self._storage.meetings.occurrence(occurrence_id)
        member = (
            await self._storage.memberships.is_member(occurrence.branch_id, user_id)
            if occurrence
            else False
        )
        if occurrence is None or not member:
            raise UserError("meeting.unknown", id=occurrence_id)
        if occurrence.cancelled:
            raise UserError("leave.cancelled")
        if not await self._meetings.expected(occurrence, user_id):
            raise UserError("leave.not_expected", id=occurrence_id)
        return occurrence

    async def choices(
        self, branch_ids: list[int], user_id: int, now: datetime
    ) -> list[OccurrenceView]:
        """The coming occurrences of the branches the member may ask leave for."""
        upcoming = await self._storage.meetings.upcoming(branch_ids, now, MAX_LISTED)
        return [o for o in upcoming if await self._meetings.expected(o, user_id)]

    async def answer(
        self, occurrence_id: int, user_id: int, *, going: bool, now: datetime
    ) -> tuple[OccurrenceView, Leave | None]:
        """Record a member's answer to a reminder; "going" withdraws a pending request.

        Returns:
            The occurrence, and the request withdrawn by saying "going" (None if none was).

        Raises:
            UserError: the occurrence is not one of the member's branches, is cancelled, or
                the member is not expected there.
        """
        occurrence = await self.occurrence_for(occurrence_id, user_id)
        withdrawn = None
        async with self._storage.transaction():
            await self._storage.leaves.answer(
                occurrence_id, user_id, "going" if going else "not_going", now
            )
            pending = await self._storage.leaves.of(occurrence_id, user_id) if going else None
            if pending is not None and await self._storage.leaves.withdraw(pending.id, now):
                withdrawn = pending
        if withdrawn is not None:
            logger.info("leave %s withdrawn by answering going", withdrawn.id)
        return occurrence, withdrawn

    async def request(
        self,
        occurrence_id: int,
        user_id: int,
        reason: str,
        now: datetime,
        *,
        branch_id: int | None = None,
        act: str | None = None,
    ) -> tuple[Leave, OccurrenceView, bool]:
        """Ask to be excused; asking again while pending replaces the reason.

        ``branch_id``, when given (a request made in a group), must be the occurrence's branch.
        ``act`` identifies the request's message (``<chat id>:<message id>``): a redelivered
        update finds it done, and the secretaries are not told twice.

        Returns:
            The request, its occurrence, and False if the same message asked before.

        Raises:
            UserError: no reason or one too long, an unknown occurrence, or a request
                already decided.
        """
        reason = as_written(reason)
        if not reason:
            raise UserError("leave.reason_empty")
        if len(reason) > MAX_REASON:
            raise UserError("leave.reason_too_long", max=MAX_REASON)
        occurrence = await self.occurrence_for(occurrence_id, user_id)
        if branch_id is not None and occurrence.branch_id != branch_id:
            raise UserError("meeting.unknown", id=occurrence_id)
        async with self._storage.transaction():
            await self._storage.leaves.answer(occurrence_id, user_id, "not_going", now)
            leave = await self._storage.leaves.request(occurrence_id, user_id, reason, now)
            fresh = act is None or await self._storage.acts.claim(f"leave:{act}", now)
            for prompt in await self._storage.leaves.drop_prompts(user_id, occurrence_id):
                await self._storage.acts.claim(_answered(user_id, prompt), now)
        if leave.status != "pending":
            raise UserError(f"leave.already_{leave.status}")
        return leave, occurrence, fresh

    async def get(self, leave_id: int) -> tuple[Leave, OccurrenceView] | None:
        """A leave request with its occurrence."""
        leave = await self._storage.leaves.get(leave_id)
        if leave is None:
            return None
        occurrence = await self._storage.meetings.occurrence(leave.occurrence_id)
        return (leave, occurrence) if occurrence else None

    async def decide(
        self, leave: Leave, occurrence: OccurrenceView, *, approve: bool, by: int, now: datetime
    ) -> bool:
        """Approve or decline (the caller checked ``by`` is a secretary of the branch).

        An approval after the close turns the member's absent row into excused.

        Returns:
            False if the request had been decided already.

        Raises:
            UserError: ``by`` asked for the leave: a branch admin's own request is decided by
                another one.
        """
        if by == leave.user_id:
            raise UserError("leave.own_request")
        async with self._storage.transaction():
            decided = await self._storage.leaves.decide(
                leave.id, "approved" if approve else "declined", by, now
            )
            if decided and approve and occurrence.closed:
                await self._storage.leaves.excuse_if_absent(occurrence.id, leave.user_id)
        if decided:
            logger.info("leave %s %s by %s", leave.id, "approved" if approve else "declined", by)
        return decided

    async def withdraw(self, leave: Leave, user_id: int, now: datetime) -> None:
        """The member withdraws their request while it is pending.

        Raises:
            UserError: it is not theirs, or was decided or withdrawn already.
        """
        if leave.user_id != user_id:
            raise UserError("button.stale")
        if not await self._storage.leaves.withdraw(leave.id, now):
            current = await self._storage.leaves.get(leave.id)
            raise UserError(f"leave.already_{current.status if current else 'withdrawn'}")
        logger.info("leave %s withdrawn", leave.id)

    async def of(self, occurrence_id: int, user_id: int) -> Leave:
        """A member's request for an occurrence.

        Raises:
            UserError: there is none.
        """
        leave = await self._storage.leaves.of(occurrence_id, user_id)
        if leave is None:
            raise UserError("leave.none_to_withdraw", id=occurrence_id)
        return leave

    async def pending(
        self, branch_ids: list[int], *, deciding: int
    ) -> list[tuple[Leave, OccurrenceView]]:
        """The branches' pending requests that ``deciding`` may decide, soonest first.

        One's own request is left out: another branch admin decides it.
        """
        leaves = await self._storage.leaves.pending(branch_ids)
        return await self._with_occurrences(
            [leave for leave in leaves if leave.user_id != deciding][:MAX_LISTED]
        )

    async def _with_occurrences(self, leaves: list[Leave]) -> list[tuple[Leave, OccurrenceView]]:
        found = []
        for leave in leaves:
            occurrence = await self._storage.meetings.occurrence(leave.occurrence_id)
            if occurrence is not None:
                found.append((leave, occurrence))
        return found

    async def copied(self, leave_id: int, chat_id: int, message_id: int) -> None:
        """A secretary's copy of a request was delivered: its outcome is shown there later."""
        await self._storage.leaves.add_copy(leave_id, chat_id, message_id)

    async def copies(self, leave_id: int) -> list[tuple[int, int]]:
        """The (chat, message) of every secretary's copy of a request."""
        return await self._storage.leaves.copies(leave_id)

    async def prompted(self, user_id: int, occurrence_id: int, message_id: int) -> None:
        """A reason prompt about an occurrence reached the member as ``message_id``."""
        await self._storage.leaves.add_prompt(user_id, message_id, occurrence_id)

    async def prompt_of(self, user_id: int, message_id: int) -> int | None:
        """The occurrence the member's reply answers; None if it answers no open prompt."""
        return await self._storage.leaves.prompted(user_id, message_id)

    async def answered_before(self, user_id: int, message_id: int) -> bool:
        """Whether ``message_id`` was a reason prompt to the member, answered already."""
        return await self._storage.acts.claimed(_answered(user_id, message_id))

    async def redelivered(self, act: str) -> bool:
        """Whether the request's message (``act`` as for ``request``) was handled before."""
        return await self._storage.acts.claimed(f"leave:{act}")

    async def pending_of(self, user_id: int) -> list[tuple[Leave, OccurrenceView]]:
        """A member's pending requests with their occurrences."""
        return await self._with_occurrences(await self._storage.leaves.pending_of(user_id))

    async def unanswered(self, occurrence: OccurrenceView) -> list[int]:
        """Expected members who have not answered the occurrence's reminders."""
        committee = occurrence.type == "committee"
        branch = await self._storage.branches.get(occurrence.branch_id)
        secretaries = await self._auth.secretaries(branch) if committee and branch else []
        return await self._storage.leaves.unanswered(
            occurrence.id, occurrence.branch_id, committee_only=committee, secretaries=secretaries
        )
