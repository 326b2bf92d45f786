"""The one place that reads the wall clock; everything else is handed a ``Clock``."""

from collections.abc import Callable
from datetime import UTC, datetime

Clock = Callable[[], datetime]


def system_clock() -> datetime:
    """Return the current instant as an aware UTC datetime."""
    return datetime.now(UTC)
