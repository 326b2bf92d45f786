"""The one place that reads the wall clock; everything else is handed a ``Clock``."""

from collections.abc import Callable
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

Clock = Callable[[], datetime]


def system_clock() -> datetime:
    """Return the current instant as an aware UTC datetime."""
    return datetime.now(UTC)


def local_date(instant: datetime, timezone: str) -> date:
    """The calendar date of an instant in a timezone."""
    return instant.astimezone(ZoneInfo(timezone)).date()
