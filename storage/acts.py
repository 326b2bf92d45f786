"""SQL for acts done once per update: a replay of the same message finds its act done."""

from __future__ import annotations

from datetime import datetime

from storage.db import Database
from storage.models import to_epoch


class ActRepo:
    """Keys of acts already done (``leave:<chat id>:<message id>``)."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def claim(self, key: str, now: datetime) -> bool:
        """Record the act; False if it was recorded before (the update is a replay)."""
        changed = await self._db.execute(
            "INSERT INTO acts (key, done_at) VALUES (?, ?) ON CONFLICT (key) DO NOTHING",
            (key, to_epoch(now)),
        )
        return changed == 1

    async def release(self, key: str) -> None:
        """Undo a claim whose act provably did not happen, so it may be done again."""
        await self._db.execute("DELETE FROM acts WHERE key = ?", (key,))

    async def claimed(self, key: str) -> bool:
        """Whether the act was recorded (and not yet forgotten as too old)."""
        return await self._db.fetch_one("SELECT 1 FROM acts WHERE key = ?", (key,)) is not None

    async def forget_before(self, before: datetime) -> int:
        """Drop acts done before ``before``: Telegram redelivers nothing that old."""
        return await self._db.execute("DELETE FROM acts WHERE done_at < ?", (to_epoch(before),))
