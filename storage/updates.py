"""SQL for updates taken in: an update delivered to two instances is dispatched by one."""

from __future__ import annotations

from datetime import datetime

from storage.db import Database
from storage.models import to_epoch


class ProcessedUpdateRepo:
    """The ``update_id`` of every update recently taken in, whichever instance took it."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def record(self, update_id: int, now: datetime) -> bool:
        """Record the update; False if it was recorded before (a redelivery)."""
        changed = await self._db.execute(
            "INSERT INTO processed_updates (update_id, seen_at) VALUES (?, ?)"
            " ON CONFLICT (update_id) DO NOTHING",
            (update_id, to_epoch(now)),
        )
        return changed == 1

    async def forget_before(self, before: datetime) -> int:
        """Drop updates taken in before ``before``: Telegram redelivers nothing that old."""
        return await self._db.execute(
            "DELETE FROM processed_updates WHERE seen_at < ?", (to_epoch(before),)
        )
