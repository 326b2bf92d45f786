"""``build_application``: the one place the bot is wired, used by the CLI and by every test."""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Coroutine
from functools import partial
from typing import Any

from aiolimiter import AsyncLimiter
from telegram import Update
from telegram.ext import AIORateLimiter, Application, ApplicationBuilder, ContextTypes

from bot.clock import Clock, system_clock
from bot.config import Config
from bot.context import BotContext
from bot.leader import Leader
from bot.leases import Claimant
from bot.services import build_services
from handlers import handler_groups, jobs
from handlers.jobs.changes import heard
from handlers.outbound.errors import on_error
from handlers.outbound.limits import build_bot
from handlers.outbound.menus import admins_fetched
from handlers.outbound.policy import admin_fetcher
from storage import open_storage
from storage.leader import leadership_for

# chat_member is never delivered unless asked for by name; the rest are listed so that an
# older deployment's setting (Telegram keeps the last one) cannot filter them out.
# poll_answer arrives only for the bot's own non-anonymous polls.
ALLOWED_UPDATES = [
    Update.MESSAGE,
    Update.CALLBACK_QUERY,
    Update.MY_CHAT_MEMBER,
    Update.CHAT_MEMBER,
    Update.POLL_ANSWER,
]
# RetryAfter is retried by the rate limiter this many times before it reaches the caller.
RATE_LIMIT_RETRIES = 3
# Sends overall, spaced evenly: a bucket of 30 a second would allow 30 at once and 30 more in
# the same second, which Telegram answers with 429; just under its ceiling, one at a time.
SENDS_PER_SECOND = 29
# Updates of different chats are handled side by side: a send held back by one group's
# 20-per-minute limit must not stall every other group. Writes are serialized by storage.
CONCURRENT_UPDATES = 64


class SendRateLimiter(AIORateLimiter):
    """Telegram's message limits apply to sending: only sends wait for the rate limiter.

    PTB's limiter counts every request that names a chat, so a reaction, a callback answer
    or a look at a group's administrators would queue behind the group's 20 messages a minute.
    The overall rate is the bot's: instances sharing a database each take an equal share.
    """

    def __init__(self) -> None:
        super().__init__(
            overall_max_rate=1,
            overall_time_period=1 / SENDS_PER_SECOND,
            max_retries=RATE_LIMIT_RETRIES,
        )
        self.instances = 1

    def share(self, instances: int) -> None:
        """Send at 1/``instances`` of the bot's rate (from the next send on)."""
        if instances != self.instances:
            self.instances = instances
            # PTB's limiter has no setter; its overall limiter is replaced whole.
            self._base_limiter = AsyncLimiter(1, instances / SENDS_PER_SECOND)

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, Any]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> Any:
        """Pace sends; pass everything else straight through."""
        if endpoint.startswith(("send", "copyMessage", "forwardMessage")):
            return await super().process_request(
                callback, args, kwargs, endpoint, data, rate_limit_args
            )
        return await callback(*args, **kwargs)


def file_url_for(base_url: str) -> str:
    """Derive the file URL from a Bot API base URL (``…/bot`` → ``…/file/bot``)."""
    return re.sub(r"/bot$", "/file/bot", base_url.rstrip("/"))


def build_application(
    config: Config, *, clock: Clock = system_clock, base_url: str | None = None
) -> Application[Any, BotContext, Any, Any, Any, Any]:
    """Build the bot: handlers, rate limiter, lifecycle hooks; storage opens in ``post_init``.

    Args:
        config: the loaded configuration.
        clock: the source of the current instant for every service.
        base_url: a Bot API base URL overriding the configured one (tests' fake API).
    """
    # Durations from PTB (RetryAfter.retry_after among them) are timedeltas, as they will be
    # in PTB 23; without this opt-in every RetryAfter raises a deprecation warning.
    os.environ.setdefault("PTB_TIMEDELTA", "1")
    api_url = base_url or config.telegram.api_base_url
    file_url = file_url_for(api_url) if base_url else config.telegram.api_base_file_url
    bot = build_bot(
        token=config.telegram.token,
        base_url=api_url,
        base_file_url=file_url,
        rate_limiter=SendRateLimiter(),
    )
    builder = ApplicationBuilder()
    if config.telegram.webhook is not None:
        # Updates come from the bot's own server (bot/web.py), not from PTB's Updater.
        builder = builder.updater(None)
    application = (
        builder.bot(bot)
        .context_types(ContextTypes(context=BotContext))
        .concurrent_updates(CONCURRENT_UPDATES)
        .post_init(_post_init)
        .post_shutdown(_post_shutdown)
        .build()
    )
    application.bot_data.update(config=config, clock=clock)
    application.add_handlers(handler_groups())
    application.add_error_handler(on_error)
    return application


async def _post_init(application: Application[Any, BotContext, Any, Any, Any, Any]) -> None:
    """Open storage (migrating it), build the services; the jobs run while this instance leads."""
    config: Config = application.bot_data["config"]
    clock: Clock = application.bot_data["clock"]
    claimant = Claimant()
    storage = await open_storage(config.storage.database, claimant.id)
    services = build_services(
        config, storage, clock, admin_fetcher(application.bot), claimant=claimant
    )
    application.bot_data["services"] = services

    async def admins_fetched_now(
        chat_id: int, before: frozenset[int] | None, after: frozenset[int]
    ) -> None:
        await admins_fetched(BotContext(application), chat_id, before, after)

    services.auth.on_fetched(admins_fetched_now)
    leader = Leader(
        leadership_for(config.storage.database, claimant.id),
        start=partial(jobs.start, application),
        stop=partial(jobs.stop, application),
        heard=partial(heard, application),
        share=application.bot.rate_limiter.share,
    )
    application.bot_data["leader"] = leader
    await leader.begin()


async def _post_shutdown(application: Application[Any, Any, Any, Any, Any, Any]) -> None:
    """Let the leadership go, close storage."""
    leader = application.bot_data.pop("leader", None)
    if leader is not None:
        await leader.end()
    services = application.bot_data.pop("services", None)
    if services is not None:
        await services.storage.close()
