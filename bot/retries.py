"""When a send that provably did not arrive is tried again: after 1, 2, 4, … minutes, a few times.

The weekly summary and the meeting sends owe such a send again in the database, due later, so
the retry is driven by the clock and survives a restart; nothing waits in a sleep.
"""

from __future__ import annotations

from datetime import timedelta

FIRST_WAIT = timedelta(minutes=1)
MAX_ATTEMPTS = 6


def next_wait(attempts: int) -> timedelta | None:
    """How long to wait after try number ``attempts`` failed; None when it was the last."""
    if attempts >= MAX_ATTEMPTS:
        return None
    return FIRST_WAIT * 2 ** max(attempts - 1, 0)
