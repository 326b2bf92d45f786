"""One instance at a time runs the schedule; the others answer updates and ask again.

The leader starts the jobs when it becomes one and stops them when it no longer is. Claims with
leases (``bot.leases``) keep each send single even while an old and a new leader overlap.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from storage.leader import Leadership

logger = logging.getLogger(__name__)

# How often a follower asks for the lock (and the leader checks it still holds it).
ASK_EVERY = 3.0


class Leader:
    """Runs ``start`` on becoming the leader and ``stop`` on ceasing to be one."""

    def __init__(
        self,
        leadership: Leadership,
        start: Callable[[], Awaitable[None]],
        stop: Callable[[], None],
        *,
        every: float = ASK_EVERY,
    ) -> None:
        self._leadership = leadership
        self._start = start
        self._stop = stop
        self._every = every
        self._task: asyncio.Task[None] | None = None
        self.leading = False

    async def begin(self) -> None:
        """Ask once now (the jobs start before this returns if it leads), then keep asking."""
        await self.step()
        if not self._leadership.lasting:
            self._task = asyncio.create_task(self._ask_forever(), name="scheduler leader")

    async def step(self) -> None:
        """Ask once; start or stop the jobs if the answer changed."""
        leads = await self._leadership.acquire()
        if leads == self.leading:
            return
        self.leading = leads
        if not leads:
            logger.warning("no longer the scheduler leader: jobs stopped")
            self._stop()
            return
        try:
            await self._start()
        except Exception:
            logger.exception("the jobs failed to start: leadership given up")
            self._stop()
            self.leading = False
            await self._leadership.close()
            return
        logger.info("scheduler leader: jobs started")

    async def end(self) -> None:
        """Stop asking and let the lock go, so another instance takes over at once."""
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
        await self._leadership.close()

    async def _ask_forever(self) -> None:
        while True:
            await asyncio.sleep(self._every)
            try:
                await self.step()
            except Exception:  # one failed question must not end the asking for good
                logger.exception("asking for the scheduler lead failed; asking again")
