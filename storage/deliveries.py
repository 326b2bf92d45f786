"""SQL for private messages waiting for their user, and the command menus already set."""

from __future__ import annotations

import json
from datetime import datetime

from storage.db import Database
from storage.models import PendingMessage, to_epoch


class PendingMessageRepo:
    """Private messages that could not be delivered yet."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def add(
        self,
        *,
        user_id: int,
        branch_id: int,
        message_key: str,
        params: dict[str, object],
        dedupe_key: str,
        now: datetime,
        buttons: list[tuple[str, str]],
    ) -> None:
        """Queue a message unless the act that caused it queued one already."""
        await self._db.execute(
            "INSERT INTO pending_messages"
            " (user_id, branch_id, message_key, params, dedupe_key, created_at, buttons)"
            " VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (dedupe_key) DO NOTHING",
            (
                user_id,
                branch_id,
                message_key,
                json.dumps(params, ensure_ascii=False),
                dedupe_key,
                to_epoch(now),
                json.dumps(buttons),
            ),
        )

    async def claim_prompt(self, user_id: int, branch_id: int, now: datetime) -> bool:
        """Mark the user's waiting messages in the branch as prompted.

        Returns:
            True if the group still has to be shown the start-link button, False if it was
            shown already for a message that is still waiting.
        """
        shown = await self._db.fetch_one(
            "SELECT 1 FROM pending_messages WHERE user_id = ? AND branch_id = ?"
            " AND delivered_at IS NULL AND prompted_at IS NOT NULL",
            (user_id, branch_id),
        )
        await self._db.execute(
            "UPDATE pending_messages SET prompted_at = ? WHERE user_id = ? AND branch_id = ?"
            " AND delivered_at IS NULL AND prompted_at IS NULL",
            (to_epoch(now), user_id, branch_id),
        )
        return shown is None

    async def waiting(self, user_id: int) -> list[PendingMessage]:
        """Return the user's undelivered messages, oldest first."""
        rows = await self._db.fetch_all(
            "SELECT id, user_id, branch_id, message_key, params, buttons FROM pending_messages"
            " WHERE user_id = ? AND delivered_at IS NULL ORDER BY id",
            (user_id,),
        )
        return [
            PendingMessage(
                id=row["id"],
                user_id=row["user_id"],
                branch_id=row["branch_id"],
                message_key=row["message_key"],
                params=json.loads(row["params"]),
                buttons=[tuple(pair) for pair in json.loads(row["buttons"] or "[]")],
            )
            for row in rows
        ]

    async def remove(self, message_id: int) -> None:
        """Delete a message that reached its user (or no longer has anything to say).

        Nothing is kept once delivered: a kept row would be one more copy of what it said.
        """
        await self._db.execute("DELETE FROM pending_messages WHERE id = ?", (message_id,))


class CommandMenuRepo:
    """Fingerprints of the command menus set per scope, so unchanged menus are not re-sent."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def fingerprints(self) -> dict[str, str]:
        """Return every scope's last fingerprint."""
        rows = await self._db.fetch_all("SELECT scope, fingerprint FROM command_menus")
        return {row[0]: row[1] for row in rows}

    async def fingerprint(self, scope: str) -> str | None:
        """Return one scope's last fingerprint, if its menu is set."""
        row = await self._db.fetch_one(
            "SELECT fingerprint FROM command_menus WHERE scope = ?", (scope,)
        )
        return row[0] if row else None

    async def save(self, scope: str, fingerprint: str, now: datetime) -> None:
        """Record the menu just set for a scope."""
        await self._db.execute(
            "INSERT INTO command_menus (scope, fingerprint, set_at) VALUES (?, ?, ?)"
            " ON CONFLICT (scope) DO UPDATE SET fingerprint = excluded.fingerprint,"
            " set_at = excluded.set_at",
            (scope, fingerprint, to_epoch(now)),
        )

    async def forget(self, scope: str) -> None:
        """Drop a scope whose menu was deleted."""
        await self._db.execute("DELETE FROM command_menus WHERE scope = ?", (scope,))
