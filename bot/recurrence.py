"""Recurrence: a meeting's occurrences as UTC instants, computed from local wall time.

A series is kept as its first local start, its IANA timezone and an RFC 5545 rule. Expanding
in local time and converting each occurrence separately keeps a 19:30 series at 19:30 on both
sides of a daylight-saving change. Pure functions: no clock, no storage.
"""

from __future__ import annotations

import datetime as _datetime_module
import logging
import re
import types
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache
from itertools import islice, takewhile
from zoneinfo import ZoneInfo

import dateutil.rrule
from dateutil.rrule import rrule, rrulestr

from bot.durations import parse_duration
from bot.keywords import Keywords

logger = logging.getLogger(__name__)

# Materialised occurrences reach this far ahead; a daily job extends the horizon.
HORIZON = timedelta(days=90)
# A rule must start within this span of its first date (looked at within a bounded span, so
# an impossible rule costs little).
_NEVER = timedelta(days=3653)
# At most this many occurrences of one series are materialised per call: a rule gives at most
# one start a day (no BYHOUR, BYMINUTE or BYSECOND), so a 90-day horizon holds at most 92; the
# cap is a second guard, not a limit a real series meets.
MAX_OCCURRENCES = 100
# Upper bounds of a rule's numbers: more than any calendar needs, small enough to parse cheaply.
MAX_INTERVAL = 1000
MAX_COUNT = 10_000

_FREQUENCIES = ("DAILY", "WEEKLY", "MONTHLY", "YEARLY")
_DAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
_SUB_DAILY = ("BYHOUR", "BYMINUTE", "BYSECOND")
_NUMBER = re.compile(r"^[+-]?[0-9]{1,3}$", re.ASCII)
_BYDAY = re.compile(r"^([+-]?[0-9]{1,2})?(MO|TU|WE|TH|FR|SA|SU)$", re.ASCII)
_UNTIL = re.compile(r"^[0-9]{8}(T[0-9]{6}Z?)?$", re.ASCII)
_COUNTER = re.compile(r"^[0-9]{1,6}$", re.ASCII)
# Each BY part's range (RFC 5545 3.3.10), signed parts may count from the end.
_RANGES = {
    "BYMONTHDAY": (31, True),
    "BYYEARDAY": (366, True),
    "BYWEEKNO": (53, True),
    "BYMONTH": (12, False),
    "BYSETPOS": (366, True),
}
# Which frequencies each part may be used with (RFC 5545 3.3.10).
_ONLY_WITH = {
    "BYMONTHDAY": ("DAILY", "MONTHLY", "YEARLY"),
    "BYYEARDAY": ("YEARLY",),
    "BYWEEKNO": ("YEARLY",),
}
_PARTS = ("FREQ", "INTERVAL", "COUNT", "UNTIL", "BYDAY", "WKST", *_RANGES)
# The ``repeat=`` keywords; anything else is read as a rule.
REPEAT_WORDS = Keywords(
    {"weekly": ("每周",), "monthly": ("每月",), "quarterly": ("每季度",), "yearly": ("每年",)}
)


class RepeatError(ValueError):
    """The ``repeat=`` value is neither a keyword nor an acceptable RFC 5545 rule.

    Attributes:
        reason: why, as a catalog key's last part (``syntax``, ``sub_daily``, ``interval``,
            ``count``, ``never``, ``unknown``, ``twice``, ``value``, ``freq``,
            ``count_until``).
        params: what the reason's text names: ``part`` (the offending part, or the part and
            its value) and, for ``freq``, the rule's ``freq``.
    """

    def __init__(self, repeat: str, reason: str = "syntax", **params: str) -> None:
        super().__init__(repeat)
        self.reason = reason
        self.params = params


def month_end_safe(day: int, interval: int) -> str:
    """A monthly rule on ``day`` that falls on the month's last day in shorter months.

    RFC 5545 skips months without that day; a secretary who schedules "monthly from the 31st"
    means "the 31st, or the last day". Candidates are the day itself and the last day; the
    first of those in each month is taken.
    """
    if day <= 28:
        return f"FREQ=MONTHLY;INTERVAL={interval};BYMONTHDAY={day}"
    return f"FREQ=MONTHLY;INTERVAL={interval};BYMONTHDAY={day},-1;BYSETPOS=1"


def _signed(value: str, limit: int, signed: bool) -> bool:
    if not _NUMBER.match(value):
        return False
    number = int(value)
    return number != 0 and abs(number) <= limit and (signed or number > 0)


def check_rule(rule: str) -> dict[str, str]:
    """Check every part of an RFC 5545 rule the bot accepts, without expanding it.

    Accepted: FREQ of DAILY, WEEKLY, MONTHLY or YEARLY; INTERVAL and COUNT of at least 1;
    UNTIL (not with COUNT); BYDAY, BYMONTHDAY, BYYEARDAY, BYWEEKNO, BYMONTH, BYSETPOS and WKST
    in their ranges and with the frequencies RFC 5545 allows them. BYHOUR, BYMINUTE and
    BYSECOND are refused: a rule starts at most once a day, at the first meeting's time.

    Returns:
        The parts by name.

    Raises:
        RepeatError: any part is unknown, repeated, empty or out of range.
    """
    if "=" not in rule:
        raise RepeatError(rule)  # a word, not a rule: the answer lists the repeat words
    parts: dict[str, str] = {}
    for item in rule.split(";"):
        name, sep, value = item.partition("=")
        if name in _SUB_DAILY:
            raise RepeatError(rule, "sub_daily")
        if not name:
            raise RepeatError(rule)
        if not sep or name not in _PARTS:
            raise RepeatError(rule, "unknown", part=name)
        if name in parts:
            raise RepeatError(rule, "twice", part=name)
        if not value:
            raise RepeatError(rule, "value", part=item)
        parts[name] = value
    freq = parts.get("FREQ")
    if freq is None:
        raise RepeatError(rule)
    if freq not in _FREQUENCIES:
        if freq in ("HOURLY", "MINUTELY", "SECONDLY"):
            raise RepeatError(rule, "sub_daily")
        raise RepeatError(rule, "value", part=f"FREQ={freq}")
    for name, limit in (("INTERVAL", MAX_INTERVAL), ("COUNT", MAX_COUNT)):
        if name in parts and not (_COUNTER.match(parts[name]) and 1 <= int(parts[name]) <= limit):
            raise RepeatError(rule, name.lower())
    if "COUNT" in parts and "UNTIL" in parts:
        raise RepeatError(rule, "count_until")
    if "UNTIL" in parts and not _UNTIL.match(parts["UNTIL"]):
        raise RepeatError(rule, "value", part=f"UNTIL={parts['UNTIL']}")
    for name, (limit, signed) in _RANGES.items():
        if name not in parts:
            continue
        for value in parts[name].split(","):
            if not _signed(value, limit, signed):
                raise RepeatError(rule, "value", part=f"{name}={value}")
        if freq not in _ONLY_WITH.get(name, _FREQUENCIES):
            raise RepeatError(rule, "freq", part=name, freq=freq)
    if "WKST" in parts and parts["WKST"] not in _DAYS:
        raise RepeatError(rule, "value", part=f"WKST={parts['WKST']}")
    if "BYDAY" in parts:
        # An ordinal counts weekdays within a month where the rule works month by month: no
        # month has a 6th Monday (and dateutil fails on one instead of finding none).
        monthly = freq == "MONTHLY" or "BYMONTH" in parts
        for value in parts["BYDAY"].split(","):
            match = _BYDAY.match(value)
            ordinal = match.group(1) if match else None
            if not match or (
                ordinal is not None and not _signed(ordinal, 5 if monthly else 53, True)
            ):
                raise RepeatError(rule, "value", part=f"BYDAY={value}")
            if ordinal is not None and freq not in ("MONTHLY", "YEARLY"):
                raise RepeatError(rule, "freq", part=f"BYDAY={value}", freq=freq)
            if ordinal is not None and "BYWEEKNO" in parts:
                raise RepeatError(rule)
    others = [name for name in parts if name.startswith("BY") and name != "BYSETPOS"]
    if "BYSETPOS" in parts and not others:
        raise RepeatError(rule)
    return parts


def _iterate(rule: rrule, last_year: int) -> Iterator[datetime]:
    """The rule's starts in order, giving up after ``last_year``.

    dateutil looks for the next start period by period up to year 9999, in one call that never
    yields: a rule that matches nothing (BYMONTH=2;BYMONTHDAY=30) would hold the event loop for
    seconds. Its own iterator is run with 9999 replaced by ``last_year``, so the search stops
    there; every start up to that year is exactly dateutil's.
    """
    return _bounded_iter(min(last_year, _datetime_module.MAXYEAR))(rule)


@cache
def _bounded_iter(last_year: int) -> Callable[[rrule], Iterator[datetime]]:
    """Dateutil's ``rrule._iter`` reading ``last_year`` where it reads ``datetime.MAXYEAR``."""
    bounded = types.ModuleType("datetime")
    bounded.__dict__.update(_datetime_module.__dict__)
    bounded.MAXYEAR = last_year  # type: ignore[attr-defined]
    namespace = dict(vars(dateutil.rrule), datetime=bounded)
    return types.FunctionType(rrule._iter.__code__, namespace, "_iter")  # noqa: SLF001


def _parse(rule: str, first: datetime) -> rrule:
    parsed = rrulestr(rule, dtstart=first)
    if not isinstance(parsed, rrule):
        raise RepeatError(rule)
    return parsed


def _local_until(rule: str, parts: dict[str, str], timezone: str) -> str:
    """A UTC ``UNTIL`` (RFC 5545's form when the start has a time zone) as local wall time.

    Occurrences are expanded in the branch's wall time, so the bound is kept in it too.
    """
    until = parts.get("UNTIL", "")
    if not until.endswith("Z"):
        return rule
    try:
        instant = datetime.strptime(until, "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
        local = instant.astimezone(ZoneInfo(timezone)).replace(tzinfo=None)
    except (ValueError, OverflowError) as exc:
        raise RepeatError(rule, "value", part=f"UNTIL={until}") from exc
    parts = {**parts, "UNTIL": local.strftime("%Y%m%dT%H%M%S")}
    return ";".join(f"{name}={value}" for name, value in parts.items())


def repeat_rule(repeat: str | None, first: datetime, timezone: str = "UTC") -> str | None:
    """Turn a ``repeat=`` value into an RFC 5545 rule (None for a one-off meeting).

    Args:
        repeat: ``weekly``, ``monthly``, ``quarterly``, ``yearly`` (or 每周, 每月, 每季度, 每年),
            a rule such as
            ``FREQ=MONTHLY;BYDAY=1FR``, or None.
        first: the first occurrence's local start (its day anchors monthly rules).
        timezone: the zone of ``first``: a UTC ``UNTIL`` (``…T235959Z``) is kept in it.

    Raises:
        RepeatError: anything else: a part :func:`check_rule` refuses, or a rule with no start
            within ten years of the first date.
    """
    if repeat is None:
        return None
    keyword = REPEAT_WORDS.code(repeat.strip())
    if keyword == "weekly":
        return "FREQ=WEEKLY"
    if keyword == "monthly":
        return month_end_safe(first.day, 1)
    if keyword == "quarterly":
        return month_end_safe(first.day, 3)
    if keyword == "yearly":
        # From 29 February: the month's last day, so it is kept in the years between leap years.
        leap_day = (first.month, first.day) == (2, 29)
        return "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=-1" if leap_day else "FREQ=YEARLY"
    rule = repeat.strip().upper().removeprefix("RRULE:")
    rule = _local_until(rule, check_rule(rule), timezone)
    end = first + _NEVER
    try:
        upcoming = next(
            (s for s in _iterate(_parse(rule, first), end.year) if first <= s <= end), None
        )
    except (ValueError, TypeError, OverflowError) as exc:
        raise RepeatError(rule) from exc
    if upcoming is None:
        raise RepeatError(rule, "never")  # e.g. BYMONTH=2;BYMONTHDAY=30: no date ever matches
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
        starts = _window(rule, first, max(low, first), high)
    found = []
    for local in starts:
        instant = to_utc(local, timezone)
        if after <= instant < until:
            found.append(Occurrence(local, instant))
    return found


def _window(rule: str, first: datetime, low: datetime, high: datetime) -> list[datetime]:
    """A rule's starts in ``[low, high]``, at most MAX_OCCURRENCES, in bounded time.

    A stored rule is checked again: one saved before the checks existed (INTERVAL=0 loops for
    ever) is skipped with a warning rather than run.
    """
    try:
        check_rule(rule)
        starts = _iterate(_parse(rule, first), high.year)
        window = (s for s in takewhile(lambda s: s <= high, starts) if s >= low)
        return list(islice(window, MAX_OCCURRENCES))
    except (ValueError, TypeError, OverflowError):
        logger.warning("a stored repeat rule is not valid; its series is not extended")
        return []


# The longest a meeting lasts and the earliest a reminder goes out.
MAX_DURATION = 7 * 1440
MAX_REMIND = 30 * 1440
# Reminders per occurrence: each is a group message, and a series multiplies them.
MAX_REMINDERS = 5


def parse_minutes(text: str, maximum: int = MAX_DURATION) -> int:
    """``90m``, ``2h`` or ``1d`` as a positive number of minutes, at most ``maximum``.

    Raises:
        ValueError: anything else.
    """
    return parse_duration(text, timedelta(minutes=maximum)) // timedelta(minutes=1)


def parse_offsets(text: str) -> tuple[int, ...]:
    """``1d,1h`` as reminder offsets in minutes, largest first, without repeats, at most five.

    Raises:
        ValueError: an offset is malformed.
    """
    parts = [part for part in re.split(r"[,\s]+", text.strip()) if part]
    if not parts:
        raise ValueError(text)
    offsets = {parse_minutes(part, MAX_REMIND) for part in parts}
    if len(offsets) > MAX_REMINDERS:
        raise ValueError(text)
    return tuple(sorted(offsets, reverse=True))
