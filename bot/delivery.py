"""Private messages for users who have not started the bot: kept until they do."""

from __future__ import annotations

from datetime import datetime

from storage import Storage
from storage.models import PendingMessage


class DeliveryService:
    """The queue of private messages waiting for their user."""

    def __init__(self, storage: Storage) -> None:
        self._storage = storage

    async def hold(
        self,
        *,
        user_id: int,
        branch_id: int,
        message_key: str,
        params: dict[str, object],
        dedupe_key: str,
        now: datetime,
        buttons: list[tuple[str, str]],
    ) -> bool:
        """Keep a message that could not be delivered.

        Returns:
            True if the group must be shown the start-link button (once per waiting batch).
        """
        async with self._storage.transaction():
            await self._storage.pending.add(
                user_id=user_id,
                branch_id=branch_id,
                message_key=message_key,
                params=params,
                dedupe_key=dedupe_key,
                now=now,
                buttons=buttons,
            )
            return await self._storage.pending.claim_prompt(user_id, branch_id, now)

    async def waiting(self, user_id: int) -> list[PendingMessage]:
        """Return what waits for the user, oldest first."""
        return await self._storage.pending.waiting(user_id)

    async def delivered(self, message: PendingMessage) -> None:
        """A waiting message reached its user, or has nothing left to say: it is deleted."""
        await self._storage.pending.remove(message.id)
