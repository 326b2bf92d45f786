"""Daily check-ins: once per member per branch per local day, streaks, and the daily post."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from bot.clock import local_date
from bot.leases import Claimant
from bot.points import PointsLedger
from storage import Storage
from storage.models import Branch

# A streak longer than this many days is shown as this many (one indexed read bounds it).
STREAK_LOOKBACK = 400


def streak_of(dates: list[date], today: date) -> int:
    """Consecutive check-in days ending today, or yesterday if today has none yet.

    Args:
        dates: check-in dates, newest first, without repeats.
        today: the local date now.
    """
    if not dates or dates[0] < today - timedelta(days=1):
        return 0
    streak, expected = 0, dates[0]
    for day in dates:
        if day != expected:
            break
        streak += 1
        expected = day - timedelta(days=1)
    return streak


@dataclass(frozen=True)
class Participation:
    """What ``/me`` shows of one member in one branch."""

    checkins: int
    streak: int
    attended: int
    expected: int

    @property
    def rate(self) -> float | None:
        """Attendance rate over closed meetings; None when none expected the member."""
        return self.attended / self.expected if self.expected else None


class CheckinService:
    """Recording daily check-ins and reading a member's participation."""

    def __init__(self, storage: Storage, points: PointsLedger, claimant: Claimant) -> None:
        self._storage = storage
        self._points = points
        self._claimant = claimant

    async def check_in(self, branch: Branch, user_id: int, now: datetime) -> bool:
        """Record today's check-in (in the branch's timezone); False if already done today."""
        async with self._storage.transaction(scope=branch.id):
            return await self.record_day(branch, user_id, now)

    async def record_day(self, branch: Branch, user_id: int, now: datetime) -> bool:
        """Record the day's check-in with its points (inside the caller's transaction)."""
        today = local_date(now, branch.timezone).isoformat()
        if not await self._storage.checkins.record(branch.id, user_id, today, now):
            return False
        await self._points.credit(
            branch,
            user_id,
            reason="checkin",
            source_key=f"checkin:{branch.id}:{user_id}:{today}",
            now=now,
        )
        return True

    async def streak(self, branch: Branch, user_id: int, now: datetime) -> int:
        """The member's current streak of days."""
        dates = await self._storage.checkins.recent_dates(branch.id, user_id, STREAK_LOOKBACK)
        return streak_of([date.fromisoformat(d) for d in dates], local_date(now, branch.timezone))

    async def participation(self, branch: Branch, user_id: int, now: datetime) -> Participation:
        """Check-ins, streak and meeting attendance of a member."""
        attended, expected = await self._storage.meetings.attendance_of(branch.id, user_id)
        return Participation(
            checkins=await self._storage.checkins.count(branch.id, user_id),
            streak=await self.streak(branch, user_id, now),
            attended=attended,
            expected=expected,
        )

    async def claim_daily_post(self, branch: Branch, now: datetime) -> str | None:
        """Claim today's check-in post; the local date, or None if today's was claimed."""
        today = local_date(now, branch.timezone).isoformat()
        claimant = self._claimant
        claimed = await self._storage.checkins.claim_post(
            branch.id, today, claimant.id, claimant.until(now)
        )
        return today if claimed else None

    async def release_daily_post(self, branch: Branch, day: str) -> None:
        """Let a day's post that provably did not go out be claimed again (its retry)."""
        await self._storage.checkins.release_post(branch.id, day, self._claimant.id)

    async def confirm_daily_post(self, branch: Branch, day: str, message_id: int) -> None:
        """Record today's post as sent."""
        await self._storage.checkins.confirm_post(branch.id, day, message_id)
