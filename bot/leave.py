"""Answers to reminders and leave: requested by members, decided by secretaries."""

from __future__ import annotations

import logging
from datetime import datetime

from bot.errors import UserError
from bot.settings import normalize, visible
from storage import Storage
from storage.leaves import Leave
from storage.models import OccurrenceView

logger = logging.getLogger(__name__)

MAX_REASON = 500


class LeaveService:
    """RSVPs and leave requests."""

    def __init__(self, storage: Storage) -> None:
        self._storage = storage

    async def _occurrence_for_member(self, occurrence_id: int, user_id: int) -> OccurrenceView:
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
        return occurrence

    async def answer(
        self, occurrence_id: int, user_id: int, *, going: bool, now: datetime
    ) -> OccurrenceView:
        """Record a member's answer to a reminder.

        Raises:
            UserError: the occurrence is not one of the member's branches, or is cancelled.
        """
        occurrence = await self._occurrence_for_member(occurrence_id, user_id)
        await self._storage.leaves.answer(
            occurrence_id, user_id, "going" if going else "not_going", now
        )
        return occurrence

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
            UserError: no reason, an unknown occurrence, or a request already decided.
        """
        reason = visible(normalize(reason))
        if not reason or len(reason) > MAX_REASON:
            raise UserError("leave.usage")
        occurrence = await self._occurrence_for_member(occurrence_id, user_id)
        if branch_id is not None and occurrence.branch_id != branch_id:
            raise UserError("meeting.unknown", id=occurrence_id)
        async with self._storage.transaction():
            await self._storage.leaves.answer(occurrence_id, user_id, "not_going", now)
            leave = await self._storage.leaves.request(occurrence_id, user_id, reason, now)
            fresh = act is None or await self._storage.acts.claim(f"leave:{act}", now)
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
        """
        async with self._storage.transaction():
            decided = await self._storage.leaves.decide(
                leave.id, "approved" if approve else "declined", by, now
            )
            if decided and approve and occurrence.closed:
                await self._storage.leaves.excuse_if_absent(occurrence.id, leave.user_id)
        if decided:
            logger.info("leave %s %s by %s", leave.id, "approved" if approve else "declined", by)
        return decided

    async def unanswered(self, occurrence: OccurrenceView) -> list[int]:
        """Roster members who have not answered the occurrence's reminders."""
        return await self._storage.leaves.unanswered(occurrence.id, occurrence.branch_id)
