"""SQL for the scheduled sends: claimed before a try, confirmed after, or owed again later."""

from __future__ import annotations

import json
from datetime import datetime

from storage.db import Database, Row
from storage.models import ScheduledSend, from_epoch, to_epoch


def _send(row: Row) -> ScheduledSend:
    """A send from its columns key, kind, occurrence_id, due_at, attempts."""
    return ScheduledSend(row[0], row[1], row[2], from_epoch(row[3]), row[4])  # type: ignore[arg-type]


class SendRepo:
    """The sends the schedule owes, and their state."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def add(self, key: str, kind: str, occurrence_id: int, due_at: datetime) -> None:
        """Owe a send (an existing one with this key is kept as it is)."""
        await self._db.execute(
            "INSERT INTO scheduled_sends (key, kind, occurrence_id, due_at) VALUES (?, ?, ?, ?)"
            " ON CONFLICT (key) DO NOTHING",
            (key, kind, occurrence_id, to_epoch(due_at)),
        )

    async def pending(self, until: datetime | None = None) -> list[ScheduledSend]:
        """Every send still owed (due at or before ``until``, if given), earliest first."""
        rows = await self._db.fetch_all(
            "SELECT key, kind, occurrence_id, due_at, attempts FROM scheduled_sends"
            " WHERE state = 'pending' AND due_at <= ? ORDER BY due_at, key",
            (to_epoch(until) if until is not None else 2**62,),
        )
        return [_send(row) for row in rows]

    async def count_pending_after(self, at: datetime) -> int:
        """How many sends still owed fall due after ``at``."""
        row = await self._db.fetch_one(
            "SELECT count(*) FROM scheduled_sends WHERE state = 'pending' AND due_at > ?",
            (to_epoch(at),),
        )
        return int(row[0]) if row else 0

    async def closes_owed_after(self, at: datetime) -> set[int]:
        """Occurrences whose close is still owed and falls due after ``at``."""
        rows = await self._db.fetch_all(
            "SELECT occurrence_id FROM scheduled_sends"
            " WHERE state = 'pending' AND kind = 'close' AND due_at > ?",
            (to_epoch(at),),
        )
        return {row[0] for row in rows}

    async def pending_of(self, occurrence_ids: list[int]) -> list[ScheduledSend]:
        """The sends still owed for these occurrences."""
        rows = await self._db.fetch_all(
            "SELECT key, kind, occurrence_id, due_at, attempts FROM scheduled_sends"  # noqa: S608
            f" WHERE state = 'pending' AND occurrence_id IN ({self._db.dialect.json_ids})",
            (json.dumps(occurrence_ids),),
        )
        return [_send(row) for row in rows]

    async def get(self, key: str) -> tuple[ScheduledSend, str] | None:
        """A send and its state."""
        row = await self._db.fetch_one(
            "SELECT key, kind, occurrence_id, due_at, attempts, state FROM scheduled_sends"
            " WHERE key = ?",
            (key,),
        )
        if row is None:
            return None
        return _send(row), row[5]

    async def claim(
        self, key: str, now: datetime, owner: str, lease_until: datetime
    ) -> ScheduledSend | None:
        """Claim a pending send for a try (counted) for ``owner`` until ``lease_until``.

        None if it is not pending (sent, cancelled, or claimed by another instance).
        """
        row = await self._db.fetch_one(
            "UPDATE scheduled_sends SET state = 'claimed', attempts = attempts + 1,"
            " changed_at = ?, claimed_by = ?, lease_until = ? WHERE key = ? AND state = 'pending'"
            " RETURNING key, kind, occurrence_id, due_at, attempts",
            (to_epoch(now), owner, to_epoch(lease_until), key),
        )
        return None if row is None else _send(row)

    async def owe_again(self, key: str, due_at: datetime, now: datetime) -> bool:
        """Put a claimed send back to pending, due at ``due_at``; False if it was not claimed."""
        return bool(
            await self._db.execute(
                "UPDATE scheduled_sends SET state = 'pending', due_at = ?, changed_at = ?"
                " WHERE key = ? AND state = 'claimed'",
                (to_epoch(due_at), to_epoch(now), key),
            )
        )

    async def move(
        self,
        key: str,
        *,
        from_state: str,
        to_state: str,
        now: datetime,
        message_id: int | None = None,
    ) -> bool:
        """Change a send's state if it is in ``from_state``; False if it was not."""
        return bool(
            await self._db.execute(
                "UPDATE scheduled_sends SET state = ?, changed_at = ?,"
                " message_id = coalesce(?, message_id) WHERE key = ? AND state = ?",
                (to_state, to_epoch(now), message_id, key, from_state),
            )
        )

    async def record_sent(
        self, key: str, kind: str, occurrence_id: int, now: datetime, message_id: int
    ) -> None:
        """Record a post made on demand as this send, so the schedule does not post it again."""
        await self._db.execute(
            "INSERT INTO scheduled_sends (key, kind, occurrence_id, due_at, state, changed_at,"
            " message_id) VALUES (?, ?, ?, ?, 'sent', ?, ?) ON CONFLICT (key) DO UPDATE SET"
            " state = 'sent', changed_at = excluded.changed_at, message_id = excluded.message_id",
            (key, kind, occurrence_id, to_epoch(now), to_epoch(now), message_id),
        )

    async def settle_expired(self, now: datetime) -> list[str]:
        """Claims whose lease ran out become unconfirmed; their keys.

        Their claimant stopped in the middle of the send, which may have arrived: never sent
        again. A claim still within its lease belongs to a live instance and is left alone.
        """
        rows = await self._db.fetch_all(
            "UPDATE scheduled_sends SET state = 'unconfirmed', changed_at = ?"
            " WHERE state = 'claimed' AND coalesce(lease_until, 0) <= ? RETURNING key",
            (to_epoch(now), to_epoch(now)),
        )
        return sorted(row[0] for row in rows)

    async def message_of(self, key: str) -> int | None:
        """The message a confirmed send posted."""
        row = await self._db.fetch_one(
            "SELECT message_id FROM scheduled_sends WHERE key = ?", (key,)
        )
        return row[0] if row else None
