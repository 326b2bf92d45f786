"""The weekly summary: what a branch did in its week, and the bookkeeping of its delivery.

A week is the seven days that end at the branch's summary time. Each (branch, week) is a row:
owed (pending) when the week ends, claimed before the send and confirmed after. Failures that
prove nothing was delivered put the row back with a later ``next_at``; a failure that may have
delivered leaves it unconfirmed, never resent.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.compliance import TypeCompliance
from bot.leases import Claimant
from bot.meetings import MeetingService
from bot.participation import Participation, participation
from bot.periods import week_ending, week_start
from bot.retries import next_wait
from storage import Storage
from storage.models import Activity, Branch
from storage.summaries import SummaryRow

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class WeekSummary:
    """Everything the group's summary shows: the week's participation and what it adds."""

    participation: Participation
    previous: Activity  # the week before, for the changes
    by_day: list[int]  # participants on each of the seven days
    compliance: list[TypeCompliance]


class SummaryService:
    """Computing summaries and tracking their delivery."""

    def __init__(
        self,
        storage: Storage,
        meetings: MeetingService,
        cadence: Mapping[str, str],
        claimant: Claimant,
    ) -> None:
        self._storage = storage
        self._claimant = claimant
        self._meetings = meetings
        self._cadence = cadence

    async def compute(self, branch: Branch, end: datetime) -> WeekSummary:
        """The summary of the week ending at ``end`` (a fixed number of aggregate queries)."""
        reports = self._storage.reports
        week = week_ending(branch, end)
        before = week_ending(branch, week.start)
        zone = ZoneInfo(branch.timezone)
        # Acts before the second day's local midnight count for the first day, and so on.
        day_starts = [datetime.combine(day, time(0), zone) for day in week.dates[1:]]
        return WeekSummary(
            participation=await participation(self._storage, branch, week),
            previous=await reports.activity(branch.id, before.start, before.end),
            by_day=await reports.participants_by_day(branch.id, week.start, day_starts, week.end),
            compliance=await self._meetings.compliance(branch, self._cadence, end),
        )

    async def owe(self, now: datetime, catch_up: timedelta) -> int:
        """Add a row for every branch whose week has ended since its last summary.

        A week that ended more than ``catch_up`` ago (the bot was down) is recorded as
        skipped and logged, never sent late. Returns how many summaries are newly owed.
        """
        summaries = self._storage.summaries
        ends = {}
        for branch in await self._storage.branches.with_summary():
            end = week_start(branch, now)
            if end > branch.created_at:
                ends[branch.id] = end
        known = await summaries.existing(ends)
        owed = 0
        async with self._storage.transaction():
            for branch_id, end in ends.items():
                if branch_id in known:
                    continue
                if now - end <= catch_up:
                    owed += await summaries.add(branch_id, end, now)
                else:
                    await summaries.add(branch_id, end, now, state="skipped")
                    logger.warning(
                        "summary of branch %s for the week to %s skipped: beyond the catch-up",
                        branch_id,
                        end.isoformat(),
                    )
        return owed

    async def recover(self, now: datetime, catch_up: timedelta) -> None:
        """At start: interrupted sends become unconfirmed, stale owed ones skipped (logged)."""
        summaries = self._storage.summaries
        await self.settle_expired(now)
        for row in await summaries.stale_pending(now - catch_up):
            await summaries.move(row, "skipped", now, detail="beyond the catch-up")
            logger.warning(
                "summary of branch %s for %s skipped: beyond the catch-up",
                row.branch_id,
                row.week_end.isoformat(),
            )

    async def settle_expired(self, now: datetime) -> None:
        """Claims whose lease ran out were interrupted: unconfirmed, never sent again (logged)."""
        for row in await self._storage.summaries.settle_expired(now, "interrupted by a stop"):
            logger.warning(
                "summary of branch %s for %s was interrupted by a stop: it may be lost",
                row.branch_id,
                row.week_end.isoformat(),
            )

    async def claim_next(self, now: datetime) -> SummaryRow | None:
        """Claim the next summary due; None when none is."""
        claimant = self._claimant
        return await self._storage.summaries.claim_next(now, claimant.id, claimant.until(now))

    async def sent(self, row: SummaryRow, now: datetime, message_id: int) -> None:
        """The summary went out."""
        await self._storage.summaries.move(row, "sent", now, message_id=message_id)

    async def retry(self, row: SummaryRow, now: datetime, reason: str) -> None:
        """Nothing was delivered: owe it again after a backoff, up to a limit."""
        summaries = self._storage.summaries
        delay = next_wait(row.attempts)
        if delay is None:
            await summaries.move(row, "failed", now, detail=reason)
            logger.error("summary of branch %s failed for good: %s", row.branch_id, reason)
            return
        await summaries.move(row, "pending", now, detail=reason, next_at=now + delay)
        logger.warning(
            "summary of branch %s not delivered (%s): retry in %s", row.branch_id, reason, delay
        )

    async def unconfirmed(self, row: SummaryRow, now: datetime, reason: str) -> None:
        """The send may have been delivered: recorded and never resent."""
        await self._storage.summaries.move(row, "unconfirmed", now, detail=reason)
        logger.warning(
            "summary of branch %s may or may not be delivered: %s", row.branch_id, reason
        )

    async def failed(self, row: SummaryRow, now: datetime, reason: str) -> None:
        """Telegram refused it for good (the bot was removed, a bad request)."""
        await self._storage.summaries.move(row, "failed", now, detail=reason)
        logger.warning("summary of branch %s refused: %s", row.branch_id, reason)
