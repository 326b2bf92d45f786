"""The bookkeeping of scheduled meeting sends (reminders, check-in posts, closes).

Every scheduled send is claimed before it goes out and confirmed after, so a crash can lose
at most that one send and never repeat it. A try that provably did not arrive is owed again
after a backoff (``bot.retries``), a few times; one that may have arrived never is.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from bot.leases import Claimant
from bot.retries import next_wait
from storage import Storage
from storage.models import ScheduledSend

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Recovery:
    """What the schedule holds at start."""

    due_now: list[ScheduledSend]  # missed while down, within grace: run once, now
    future: list[ScheduledSend]  # due later, up to the ``until`` asked for
    later: int = 0  # how many more are owed beyond ``until`` (left in the database)


class SendService:
    """Claims, confirmations and recovery of scheduled sends."""

    def __init__(self, storage: Storage, claimant: Claimant) -> None:
        self._storage = storage
        self._claimant = claimant

    async def recover(
        self, now: datetime, grace: timedelta, until: datetime | None = None
    ) -> Recovery:
        """Sort the owed sends at start; log what an earlier run lost or missed for good.

        A missed reminder runs if younger than ``grace``; a missed check-in post runs while
        its check-in window is still open; a missed close always runs, since it freezes the
        attendance. Sends due after ``until`` are only counted: they stay in the database.
        """
        sends = self._storage.sends
        await self.settle_expired(now)
        due_now, future = [], []
        pending = await sends.pending(until)
        missed_open = any(s.kind == "open" and s.due_at <= now for s in pending)
        open_windows = await sends.closes_owed_after(now) if missed_open else set()
        for send in pending:
            if send.due_at > now:
                future.append(send)
            elif (
                now - send.due_at <= grace
                or send.kind == "close"
                or (send.kind == "open" and send.occurrence_id in open_windows)
            ):
                due_now.append(send)
            else:
                await sends.move(send.key, from_state="pending", to_state="skipped", now=now)
                logger.warning(
                    "scheduled send %s skipped: due %s, beyond the grace of %s",
                    send.key,
                    send.due_at.isoformat(),
                    grace,
                )
        later = await sends.count_pending_after(until) if until is not None else 0
        return Recovery(due_now, future, later)

    async def settle_expired(self, now: datetime) -> None:
        """Claims whose lease ran out were interrupted: unconfirmed, never sent again (logged)."""
        for key in await self._storage.sends.settle_expired(now):
            logger.warning("scheduled send %s was interrupted by a stop: it may be lost", key)

    async def pending_before(self, until: datetime) -> list[ScheduledSend]:
        """The sends still owed that fall due before ``until``."""
        return [send for send in await self._storage.sends.pending(until) if send.due_at < until]

    async def claim(self, key: str, now: datetime) -> ScheduledSend | None:
        """Claim a send before it goes out (a try); None if it is not owed (sent, cancelled, …)."""
        return await self._storage.sends.claim(
            key, now, self._claimant.id, self._claimant.until(now)
        )

    async def confirm(self, key: str, now: datetime, message_id: int | None) -> None:
        """Record that a claimed send went out."""
        await self._storage.sends.move(
            key, from_state="claimed", to_state="sent", now=now, message_id=message_id
        )

    async def abandon(self, key: str, now: datetime, reason: str) -> None:
        """A claimed send failed in a way that may or may not have delivered: never resent."""
        await self._storage.sends.move(key, from_state="claimed", to_state="unconfirmed", now=now)
        logger.warning("scheduled send %s not confirmed: %s", key, reason)

    async def retry(self, send: ScheduledSend, now: datetime, reason: str) -> ScheduledSend | None:
        """A claimed send provably did not arrive: owe it again after a backoff.

        Returns:
            The send as owed again (due later), or None when it was its last try: then it
            failed for good (logged).
        """
        sends, delay = self._storage.sends, next_wait(send.attempts)
        if delay is None:
            await sends.move(send.key, from_state="claimed", to_state="failed", now=now)
            logger.error(
                "scheduled send %s given up after %d tries: %s", send.key, send.attempts, reason
            )
            return None
        again = replace(send, due_at=now + delay)
        await sends.owe_again(send.key, again.due_at, now)
        logger.warning(
            "scheduled send %s not delivered (%s): retry in %s", send.key, reason, delay
        )
        return again

    async def fail(self, key: str, now: datetime, reason: str) -> None:
        """Telegram refused a claimed send for good (the bot removed, a bad request)."""
        await self._storage.sends.move(key, from_state="claimed", to_state="failed", now=now)
        logger.warning("scheduled send %s refused: %s", key, reason)

    async def record_post(
        self, key: str, occurrence_id: int, now: datetime, message_id: int
    ) -> None:
        """A check-in post made on demand stands for the scheduled one (and gets the edits)."""
        kind = key.split(":", 1)[0]
        await self._storage.sends.record_sent(key, kind, occurrence_id, now, message_id)

    async def message_of(self, key: str) -> int | None:
        """The message id a send posted (to edit it later)."""
        return await self._storage.sends.message_of(key)
