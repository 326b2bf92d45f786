"""One instance at a time runs the schedule; the others answer updates and tell it of changes.

The leader starts the jobs when it becomes one and stops them when it no longer is. Claims with
leases (``bot.leases``) keep each send single even while an old and a new leader overlap.
Each time it asks, an instance also learns how many instances share the database, and so its
share of Telegram's sending budget, which is the bot's and not an instance's.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from functools import partial

from storage.leader import Leadership

logger = logging.getLogger(__name__)

# How often a follower asks for the lock (and the leader checks it still holds it).
ASK_EVERY = 3.0


def _ignore(_: object) -> None:
    """Nothing to do with it."""


class Leader:
    """Runs ``start`` on becoming the leader and ``stop`` on ceasing to be one.

    Args:
        leadership: who leads, asked every ``every`` seconds.
        start: starts the jobs (this instance leads).
        stop: stops them.
        heard: run, on the leader, with each notice another instance ``tell``s.
        share: given the number of instances sharing the database, each time it is known.
    """

    def __init__(
        self,
        leadership: Leadership,
        start: Callable[[], Awaitable[None]],
        stop: Callable[[], None],
        *,
        heard: Callable[[str], Awaitable[None]] | None = None,
        share: Callable[[int], None] = _ignore,
        every: float = ASK_EVERY,
    ) -> None:
        self._leadership = leadership
        self._start = start
        self._stop = stop
        self._share = share
        self._every = every
        self._task: asyncio.Task[None] | None = None
        self._handling: set[asyncio.Task[None]] = set()
        self.leading = False
        if heard is not None:
            leadership.listen(partial(self._notice, heard))

    async def begin(self) -> None:
        """Ask once now (the jobs start before this returns if it leads), then keep asking."""
        await self.step()
        if not self._leadership.lasting:
            self._task = asyncio.create_task(self._ask_forever(), name="scheduler leader")

    async def step(self) -> None:
        """Ask once; start or stop the jobs if the answer changed."""
        leads = await self._leadership.acquire()
        self._share(self._leadership.instances)
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

    async def tell(self, notice: str) -> None:
        """Pass a notice to the leader (called where this instance does not lead)."""
        await self._leadership.tell(notice)

    async def end(self) -> None:
        """Stop asking and let the lock go, so another instance takes over at once."""
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
        await asyncio.gather(*self._handling, return_exceptions=True)
        await self._leadership.close()

    def _notice(self, heard: Callable[[str], Awaitable[None]], notice: str) -> None:
        task = asyncio.create_task(self._handle(heard, notice), name="notice to the leader")
        self._handling.add(task)
        task.add_done_callback(self._handling.discard)

    @staticmethod
    async def _handle(heard: Callable[[str], Awaitable[None]], notice: str) -> None:
        try:
            await heard(notice)
        except Exception:  # one bad notice must not stop the others being handled
            logger.exception("a notice to the scheduler leader failed: %r", notice[:200])

    async def _ask_forever(self) -> None:
        while True:
            await asyncio.sleep(self._every)
            try:
                await self.step()
            except Exception:  # one failed question must not end the asking for good
                logger.exception("asking for the scheduler lead failed; asking again")
