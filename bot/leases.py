"""Who claims a scheduled send, and for how long: several instances may share one database.

A claim names its claimant and holds a lease. A claim whose lease ran out was interrupted (its
claimant stopped in the middle of the send) and any instance settles it; one within its lease
belongs to a live instance and is never touched.
"""

from __future__ import annotations

import os
import secrets
import socket
from dataclasses import dataclass, field
from datetime import datetime, timedelta

# A claim covers one try: one request, which the rate limiter may hold back and retry on
# RetryAfter (three times, each Telegram's wait of seconds to a minute) within PTB's timeouts,
# plus computing a close or a summary. Ten minutes is well beyond that worst case; a retry after
# a backoff is a new claim. The price: an interrupted claim is settled ten minutes late.
LEASE = timedelta(minutes=10)


def instance_id() -> str:
    """This process's name in claims: host and pid to find it, random so a reused pid differs."""
    return f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(4)}"


@dataclass(frozen=True)
class Claimant:
    """This instance, as it signs its claims."""

    id: str = field(default_factory=instance_id)
    lease: timedelta = LEASE

    def until(self, now: datetime) -> datetime:
        """When a claim made at ``now`` lapses."""
        return now + self.lease
