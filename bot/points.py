"""Points: a ledger of participation with a daily cap, and its leaders this week and ever."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.clock import local_date
from bot.config import PointsConfig
from bot.periods import week_start
from storage import Storage
from storage.models import Branch

TOP_SIZE = 10
# The reasons of the ledger, in the order the rules list them.
REASONS = ("checkin", "meeting", "meeting_late", "correct")


@dataclass(frozen=True)
class Today:
    """A member's points of the branch's local day: per reason, and what the cap leaves."""

    by_reason: dict[str, int]
    cap: int

    @property
    def total(self) -> int:
        """Points earned today."""
        return sum(self.by_reason.values())

    @property
    def left(self) -> int:
        """Points the daily cap still allows today."""
        return max(0, self.cap - self.total)


class PointsLedger:
    """Credits each act once, within the daily cap, and reads the totals."""

    def __init__(self, storage: Storage, config: PointsConfig) -> None:
        self._storage = storage
        self._config = config

    async def credit(
        self, branch: Branch, user_id: int, *, reason: str, source_key: str, now: datetime
    ) -> int:
        """Credit the points of ``reason`` for the act ``source_key``; return those credited.

        Called inside the transaction that records the act, so the two commit together.
        """
        return await self._storage.points.award(
            branch_id=branch.id,
            user_id=user_id,
            reason=reason,
            source_key=source_key,
            points=getattr(self._config, _FIELD[reason]),
            local_date=local_date(now, branch.timezone).isoformat(),
            daily_cap=self._config.daily_cap,
            now=now,
        )

    async def credit_answer(
        self, branch: Branch, user_id: int, question_id: int, now: datetime
    ) -> int:
        """A correct answer scores once per member, question and branch, however it came."""
        return await self.credit(
            branch,
            user_id,
            reason="correct",
            source_key=f"correct:{branch.id}:{question_id}:{user_id}",
            now=now,
        )

    async def top(
        self, branch: Branch, now: datetime
    ) -> tuple[list[tuple[str, int]], list[tuple[str, int]]]:
        """This week's and all-time leaders."""
        points = self._storage.points
        return (
            await points.top(branch.id, week_start(branch, now), TOP_SIZE),
            await points.top(branch.id, None, TOP_SIZE),
        )

    async def of(self, branch: Branch, user_id: int, now: datetime) -> tuple[int, int]:
        """A member's points this week and in all."""
        points = self._storage.points
        return (
            await points.total(branch.id, user_id, week_start(branch, now)),
            await points.total(branch.id, user_id, None),
        )

    def rules(self) -> dict[str, int]:
        """The configured points of each reason, in the order of ``REASONS``."""
        return {reason: getattr(self._config, _FIELD[reason]) for reason in REASONS}

    async def today(self, branch: Branch, user_id: int, now: datetime) -> Today:
        """A member's points of today, in the branch's timezone, against the daily cap."""
        day = local_date(now, branch.timezone).isoformat()
        return Today(
            await self._storage.points.of_day(branch.id, user_id, day), self._config.daily_cap
        )


_FIELD = {
    "checkin": "checkin",
    "meeting": "meeting",
    "meeting_late": "meeting_late",
    "correct": "correct_answer",
}
