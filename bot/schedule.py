"""Recurrence: a meeting's occurrences as UTC instants, computed from local wall time.

A series is kept as its first local start, its IANA timezone and an RFC 5545 rule. Expanding
in local time and converting each occurrence separately keeps a 19:30 series at 19:30 on both
sides of a daylight-saving change. Pure functions: no clock, no storage.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from dateutil.rrule import rrulestr

# Materialised occurrences reach this far ahead; a daily job extends the horizon.
HORIZON = timedelta(days=90)
# Sub-daily rules would flood a group: refused.
_ALLOWED_FREQ = re.compile(r"FREQ=(DAILY|WEEKLY|MONTHLY|YEARLY)(;|$)")
# A rule with no occurrence within this span is refused (looked at within a bounded span, so
# an impossible rule costs little).
_NEVER = timedelta(days=3653)


class RepeatError(ValueError):
    """The ``repeat=`` value is neither a keyword nor an acceptable RFC 5545 rule."""


def month_end_safe(day: int, interval: int) -> str:
    """A monthly rule on ``day`` that falls on the month's last day in shorter months.

    RFC 5545 skips months without that day; a secretary who schedules "monthly from the 31st"
    means "the 31st, or the last day". Candidates are the day itself and the last day; the
    first of those in each month is taken.
    """
    if day <= 28:
        return f"FREQ=MONTHLY;INTERVAL={interval};BYMONTHDAY={day}"
    return f"FREQ=MONTHLY;INTERVAL={interval};BYMONTHDAY={day},-1;BYSETPOS=1"


def repeat_rule(repeat: str | None, first: datetime) -> str | None:
    """Turn a ``repeat=`` value into an RFC 5545 rule (None for a one-off meeting).

    Args:
        repeat: ``weekly``, ``monthly``, ``quarterly``, a literal rule such as
            ``FREQ=MONTHLY;BYDAY=1FR``, or None.
        first: the first occurrence's local start (its day anchors monthly rules).

    Raises:
        RepeatError: anything else, including rules more frequent than daily.
    """
    if repeat is None:
        return None
    keyword = repeat.strip().lower()
    if keyword == "weekly":
        return "FREQ=WEEKLY"
    if keyword == "monthly":
        return month_end_safe(first.day, 1)
    if keyword == "quarterly":
        return month_end_safe(first.day, 3)
    rule = repeat.strip().upper().removeprefix("RRULE:")
    if not _ALLOWED_FREQ.search(rule) or "DTSTART" in rule:
        raise RepeatError(repeat)
    try:
        upcoming = rrulestr(rule, dtstart=first).between(first, first + _NEVER, inc=True)
    except (ValueError, TypeError) as exc:
        raise RepeatError(repeat) from exc
    if not upcoming:
        raise RepeatError(repeat)  # e.g. BYMONTHDAY=40: valid syntax, no date ever matches
    return rule


def to_utc(local: datetime, timezone: str) -> datetime:
    """Interpret a naive local wall time in ``timezone`` as a UTC instant.

    A time inside a spring-forward gap takes the offset before the change (so 02:30 on the
    change day becomes 03:30 local); a repeated fall-back hour takes its first occurrence.
    """
    return local.replace(tzinfo=ZoneInfo(timezone), fold=0).astimezone(UTC)


@dataclass(frozen=True)
class Occurrence:
    """One dated instance: its local wall time and its UTC instant."""

    local: datetime
    starts_at: datetime


def occurrences(
    first: datetime, timezone: str, rule: str | None, *, after: datetime, until: datetime
) -> list[Occurrence]:
    """Occurrences starting in ``[after, until)``, for a series or a one-off meeting.

    Args:
        first: the first occurrence's naive local start.
        timezone: the IANA zone the local times are in.
        rule: an RFC 5545 rule, or None for a one-off.
        after: aware lower bound (inclusive).
        until: aware upper bound (exclusive).
    """
    if rule is None:
        starts = [first]
    else:
        # Local bounds one day wider than the UTC window: offsets never exceed a day.
        zone = ZoneInfo(timezone)
        low = after.astimezone(zone).replace(tzinfo=None) - timedelta(days=1)
        high = until.astimezone(zone).replace(tzinfo=None) + timedelta(days=1)
        starts = rrulestr(rule, dtstart=first).between(max(low, first), high, inc=True)
    found = []
    for local in starts:
        instant = to_utc(local, timezone)
        if after <= instant < until:
            found.append(Occurrence(local, instant))
    return found


_OFFSET = re.compile(r"^(\d+)([mhd])$")
_UNIT_MINUTES = {"m": 1, "h": 60, "d": 1440}


def parse_minutes(text: str) -> int:
    """``90m``, ``2h`` or ``1d`` as a positive number of minutes.

    Raises:
        ValueError: anything else.
    """
    match = _OFFSET.match(text.strip())
    if not match or int(match.group(1)) == 0:
        raise ValueError(text)
    return int(match.group(1)) * _UNIT_MINUTES[match.group(2)]


def parse_offsets(text: str) -> tuple[int, ...]:
    """``1d,1h`` as reminder offsets in minutes, largest first, without repeats.

    Raises:
        ValueError: an offset is malformed.
    """
    parts = [part for part in re.split(r"[,\s]+", text.strip()) if part]
    if not parts:
        raise ValueError(text)
    return tuple(sorted({parse_minutes(part) for part in parts}, reverse=True))
