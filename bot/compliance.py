"""Compliance: has each meeting type been held in its current calendar period?

Periods are calendar months, quarters and years in the branch's timezone. An occurrence was
held if it was not cancelled, its start has passed, and it has a check-in, minutes, or was
recorded as held offline. Pure functions over the last-held instant of each type.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from bot.config import MEETING_TYPES

_MONTHS = {"monthly": 1, "quarterly": 3, "yearly": 12}


def period_start(day: date, cadence: str) -> date:
    """The first day of the period (month, quarter or year) containing ``day``."""
    months = _MONTHS[cadence]
    month = (day.month - 1) // months * months + 1
    return date(day.year, month, 1)


def previous_period_start(start: date, cadence: str) -> date:
    """The first day of the period before the one starting on ``start``."""
    index = start.year * 12 + start.month - 1 - _MONTHS[cadence]
    return date(index // 12, index % 12 + 1, 1)


@dataclass(frozen=True)
class TypeCompliance:
    """One meeting type's state in the current period."""

    type: str
    cadence: str
    last_held: date | None  # local date
    state: str  # held | due | overdue


def compliance(
    cadence: Mapping[str, str],
    last_held: Mapping[str, datetime],
    *,
    now: datetime,
    timezone: str,
    since: datetime,
) -> list[TypeCompliance]:
    """Each type with a cadence: held this period, due (period still running) or overdue.

    Overdue means the previous period finished with nothing held; a period that started
    before the branch existed (``since``) does not count against it.
    """
    zone = ZoneInfo(timezone)
    today = now.astimezone(zone).date()
    registered = since.astimezone(zone).date()
    result = []
    for kind in MEETING_TYPES:
        every = cadence.get(kind, "none")
        if every == "none":
            continue
        held = last_held.get(kind)
        last = held.astimezone(zone).date() if held else None
        current = period_start(today, every)
        previous = previous_period_start(current, every)
        if last is not None and last >= current:
            state = "held"
        elif registered <= previous and (last is None or last < previous):
            state = "overdue"
        else:
            state = "due"
        result.append(TypeCompliance(kind, every, last, state))
    return result
