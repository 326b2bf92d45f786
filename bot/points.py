"""Points: a ledger of participation with a daily cap, and its leaders this week and ever."""

from __future__ import annotations

from datetime import datetime

from bot.clock import local_date
from bot.config import PointsConfig
from bot.periods import week_start
from storage import Storage
from storage.models import Branch

TOP_SIZE = 10


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


_FIELD = {
    "checkin": "checkin",
    "meeting": "meeting",
    "meeting_late": "meeting_late",
    "correct": "correct_answer",
}
