"""The duration syntax, ``90m``, ``1h`` or ``1d``, of config settings and meeting options.

The config file's durations and a meeting's duration and reminders are written the same way,
so one parser reads them all.
"""

from __future__ import annotations

import re
from datetime import timedelta

# A whole positive number of minutes, hours or days: at most six ASCII digits.
_DURATION = re.compile(r"^([0-9]{1,6})([mhd])$", re.ASCII)
_UNITS = {"m": timedelta(minutes=1), "h": timedelta(hours=1), "d": timedelta(days=1)}


def parse_duration(text: str, maximum: timedelta | None = None) -> timedelta:
    """Parse ``90m``, ``1h`` or ``1d`` into a positive ``timedelta``, at most ``maximum``.

    Raises:
        ValueError: the text is not a whole number followed by m, h or d, is zero, or is
            longer than ``maximum``.
    """
    match = _DURATION.match(text.strip())
    if not match or int(match.group(1)) == 0:
        raise ValueError(f"{text!r} is not a duration such as 90m, 1h or 1d")
    duration = int(match.group(1)) * _UNITS[match.group(2)]
    if maximum is not None and duration > maximum:
        raise ValueError(f"{text!r} is longer than {maximum}")
    return duration
