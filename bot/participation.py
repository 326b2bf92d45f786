"""A branch's participation over a period: what the weekly summary and ``/report`` both show.

Computed by one function, so the two read the same figures from the same queries: the summary
over the week that just ended, ``/report`` over the period a secretary chose.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.periods import Period
from storage import Storage
from storage.models import Activity, Branch, OccurrenceAttendance, QuizActivity

# How many leaders the summary and the report name.
TOP_COUNT = 5


@dataclass(frozen=True)
class Participation:
    """Who took part in what over a period, and who missed what."""

    period: Period
    activity: Activity
    occurrences: list[OccurrenceAttendance]
    quizzes: QuizActivity
    top: list[tuple[str, int]]
    absentees: list[tuple[int, str]]  # occurrence id, name
    not_taken: list[tuple[int, str, str]]  # module id, title, name

    @property
    def checkin_rate(self) -> float | None:
        """Check-ins per roster member and day; None with an empty roster."""
        return self.activity.checkin_rate(self.period.days)


async def participation(storage: Storage, branch: Branch, period: Period) -> Participation:
    """The branch's participation over ``period`` (a fixed number of aggregate queries)."""
    reports = storage.reports
    start, end = period.start, period.end
    return Participation(
        period=period,
        activity=await reports.activity(branch.id, start, end),
        occurrences=await reports.occurrences(branch.id, start, end),
        quizzes=await reports.quizzes(branch.id, start, end),
        top=await storage.points.top(branch.id, start, TOP_COUNT, end),
        absentees=await reports.absentees(branch.id, start, end),
        not_taken=await reports.not_taken(branch.id),
    )
