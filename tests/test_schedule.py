"""Recurrence in local time: DST in Berlin and Shanghai, month ends, RFC 5545 rules."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.recurrence import (
    RepeatError,
    occurrences,
    parse_minutes,
    parse_offsets,
    repeat_rule,
    to_utc,
)

JAN = datetime(2026, 1, 1, tzinfo=UTC)
YEAR = datetime(2027, 1, 1, tzinfo=UTC)


def wall(*parts):
    """A naive local wall time: the series' zone gives it meaning."""
    return datetime(*parts, tzinfo=UTC).replace(tzinfo=None)


def local_times(first, zone, repeat, after=JAN, until=YEAR):
    rule = repeat_rule(repeat, first)
    return [
        o.starts_at.astimezone(ZoneInfo(zone))
        for o in occurrences(first, zone, rule, after=after, until=until)
    ]


def test_weekly_series_keeps_its_wall_time_across_both_berlin_changes():
    found = local_times(wall(2026, 3, 19, 19, 30), "Europe/Berlin", "weekly")
    assert all((t.hour, t.minute) == (19, 30) for t in found)
    offsets = {t.date(): t.utcoffset() for t in found}
    assert offsets[date(2026, 3, 26)] == timedelta(hours=1)  # before 29 March
    assert offsets[date(2026, 4, 2)] == timedelta(hours=2)  # after it
    assert offsets[date(2026, 10, 29)] == timedelta(hours=1)  # after 25 October
    assert len(found) == 42  # every Thursday from 19 March to 31 December 2026


def test_shanghai_has_no_changes_and_utc_is_eight_hours_behind():
    first = wall(2026, 1, 5, 19, 30)
    found = occurrences(first, "Asia/Shanghai", "FREQ=WEEKLY", after=JAN, until=YEAR)
    assert all(o.starts_at.hour == 11 and o.starts_at.minute == 30 for o in found)


def test_a_time_in_the_spring_forward_gap_moves_forward_and_the_fall_back_hour_counts_once():
    gap = to_utc(wall(2026, 3, 29, 2, 30), "Europe/Berlin")
    assert gap.astimezone(ZoneInfo("Europe/Berlin")).hour == 3
    found = local_times(wall(2026, 10, 24, 2, 30), "Europe/Berlin", "FREQ=DAILY;COUNT=3")
    assert [t.day for t in found] == [24, 25, 26]  # one occurrence on the repeated-hour day


def test_monthly_from_the_31st_falls_on_the_last_day_of_shorter_months():
    found = local_times(wall(2026, 1, 31, 19, 0), "Asia/Shanghai", "monthly")
    assert [t.day for t in found[:6]] == [31, 28, 31, 30, 31, 30]


def test_monthly_from_the_30th_and_29th():
    assert [t.day for t in local_times(wall(2026, 1, 30, 9), "UTC", "monthly")[:3]] == [
        30,
        28,
        30,
    ]
    assert [
        t.day
        for t in local_times(
            wall(2028, 1, 29, 9),
            "UTC",
            "monthly",
            after=datetime(2028, 1, 1, tzinfo=UTC),
            until=datetime(2028, 4, 1, tzinfo=UTC),
        )
    ] == [29, 29, 29]


def test_quarterly_from_the_31st():
    found = local_times(wall(2026, 1, 31, 19, 0), "Asia/Shanghai", "quarterly")
    assert [(t.month, t.day) for t in found] == [(1, 31), (4, 30), (7, 31), (10, 31)]


def test_a_literal_rule_follows_rfc_5545_and_skips_short_months():
    found = local_times(wall(2026, 1, 31, 19, 0), "UTC", "FREQ=MONTHLY")
    assert [t.month for t in found] == [1, 3, 5, 7, 8, 10, 12]


def test_first_friday():
    found = local_times(wall(2026, 1, 2, 19, 0), "Asia/Shanghai", "FREQ=MONTHLY;BYDAY=1FR")
    assert [t.day for t in found[:4]] == [2, 6, 6, 3]
    assert all(t.weekday() == 4 and t.day <= 7 for t in found)


def test_one_off_meeting():
    first = wall(2026, 5, 4, 9, 0)
    found = occurrences(first, "Asia/Shanghai", None, after=JAN, until=YEAR)
    assert [o.starts_at for o in found] == [datetime(2026, 5, 4, 1, 0, tzinfo=UTC)]
    assert occurrences(first, "Asia/Shanghai", None, after=YEAR, until=YEAR + timedelta(1)) == []


def test_window_bounds_are_half_open():
    first = wall(2026, 1, 5, 8, 0)
    after = to_utc(wall(2026, 1, 12, 8, 0), "UTC")
    found = occurrences(first, "UTC", "FREQ=WEEKLY", after=after, until=after + timedelta(days=7))
    assert [o.local.day for o in found] == [12]


@pytest.mark.parametrize(
    "repeat",
    [
        "FREQ=HOURLY",
        "FREQ=MINUTELY;INTERVAL=5",
        "sometimes",
        "FREQ=WEEKLY;BYDAY=XX",
        "DTSTART:20260101T000000\nFREQ=DAILY",
        "FREQ=MONTHLY;BYMONTHDAY=40",
        "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30",
    ],
)
def test_bad_repeat_values(repeat):
    with pytest.raises(RepeatError):
        repeat_rule(repeat, wall(2026, 1, 1, 9))


def test_rrule_prefix_and_case():
    assert repeat_rule("rrule:freq=monthly;byday=1fr", wall(2026, 1, 2)) == (
        "FREQ=MONTHLY;BYDAY=1FR"
    )


def test_offsets_and_minutes():
    assert parse_offsets("1h,1d") == (1440, 60)
    assert parse_offsets("1d 1d, 30m") == (1440, 30)
    assert parse_minutes("90m") == 90
    for bad in ("", "0m", "1w", "1.5h"):
        with pytest.raises(ValueError):  # noqa: PT011
            parse_minutes(bad)
