"""A branch's periods: its week, which ends at its summary time, and ranges of local days.

The week boundary lives here alone: the summary, points this week and ``/report week`` all
read it from these two functions.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from storage.models import Branch


@dataclass(frozen=True)
class Period:
    """[start, end) in UTC, and the local dates it covers."""

    start: datetime
    end: datetime
    first: date
    last: date

    @property
    def days(self) -> int:
        """How many local days it covers."""
        return (self.last - self.first).days + 1

    @property
    def dates(self) -> list[date]:
        """Each local date it covers, the first first."""
        return [self.first + timedelta(days=i) for i in range(self.days)]


def week_start(branch: Branch, now: datetime) -> datetime:
    """When the branch's current week began.

    That is its latest weekly-summary time, or with the summary off Monday 00:00, in the
    branch's timezone.
    """
    zone = ZoneInfo(branch.timezone)
    local = now.astimezone(zone)
    if branch.summary_weekday is None or branch.summary_time is None:
        weekday, at = 0, time(0, 0)
    else:
        weekday, at = branch.summary_weekday, time.fromisoformat(branch.summary_time)
    day = local.date() - timedelta(days=(local.weekday() - weekday) % 7)
    start = datetime.combine(day, at, zone)
    return start if start <= local else start - timedelta(days=7)


def week_ending(branch: Branch, end: datetime) -> Period:
    """The week that ends at ``end`` (a summary time).

    Its seven local days end with the last one it touches: a week from Sunday evening to
    Sunday evening reads Monday to Sunday.
    """
    local_end = end.astimezone(ZoneInfo(branch.timezone))
    start = (local_end - timedelta(days=7)).astimezone(end.tzinfo)
    last = (local_end - timedelta(microseconds=1)).date()
    return Period(start, end, last - timedelta(days=6), last)


def local_days(branch: Branch, first: date, last: date) -> Period:
    """The whole local days from ``first`` to ``last``, both included."""
    zone = ZoneInfo(branch.timezone)
    start = datetime.combine(first, time(0), zone)
    end = datetime.combine(last + timedelta(days=1), time(0), zone)
    return Period(start, end, first, last)
