"""The weekly summary's sending side: owed rows are drained by a few concurrent senders.

Every minute (and once at start) each branch whose week has ended gets its row; the senders
claim rows one at a time, post the summary and its chart to the group and the detail to the
secretaries privately. The rate limiter paces the sends; a stop is noticed between two
summaries, so SIGTERM waits only for the ones in flight and the rest go out after a restart.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping
from datetime import timedelta
from enum import Enum
from typing import Any

import httpx
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Forbidden,
    NetworkError,
    RetryAfter,
    TelegramError,
    TimedOut,
)
from telegram.ext import Application

from bot.context import BotContext
from bot.summary import WeekSummary
from handlers.outbound.private import reader_language, renders, send_private
from handlers.views.participation import chart_of, detail_text, summary_text
from storage.models import Branch, from_epoch, to_epoch
from storage.summaries import SummaryRow

logger = logging.getLogger(__name__)

TICK = timedelta(minutes=1)
SENDERS = 8
DRAIN_LOCK = "summary_drain"  # bot_data key: one drain at a time


class Outcome(Enum):
    """What a failed send means for the summary."""

    RETRY = "retry"  # provably not delivered: send again later
    UNCONFIRMED = "unconfirmed"  # may have been delivered: never send again
    FORBIDDEN = "forbidden"  # the bot was removed from the group
    MIGRATED = "migrated"  # the group became a supergroup: send again to the new id
    FAILED = "failed"  # refused for good


# Transport failures after which Telegram cannot have received the request.
_NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)


def outcome_of(error: TelegramError) -> Outcome:
    """Sort a send's failure by whether Telegram may have delivered it."""
    if isinstance(error, RetryAfter):
        return Outcome.RETRY
    if isinstance(error, Forbidden):
        return Outcome.FORBIDDEN
    if isinstance(error, ChatMigrated):
        return Outcome.MIGRATED
    if isinstance(error, NetworkError) and not isinstance(error, BadRequest):
        cause = error.__cause__
        if isinstance(cause, _NOT_SENT) or (cause is None and not isinstance(error, TimedOut)):
            return Outcome.RETRY  # never sent, or Telegram answered with a 5xx
        return Outcome.UNCONFIRMED  # a read timeout or a broken response: it may have arrived
    return Outcome.FAILED


async def install(application: Application[Any, Any, Any, Any, Any, Any]) -> None:
    """At start: settle interrupted summaries, owe the missed ones, start the minute tick."""
    services, clock = application.bot_data["services"], application.bot_data["clock"]
    catch_up = application.bot_data["config"].summary.catch_up
    await services.summaries.recover(clock(), catch_up)
    await services.summaries.owe(clock(), catch_up)
    application.bot_data[DRAIN_LOCK] = asyncio.Lock()
    application.job_queue.run_once(drain, when=0, name="summaries:catch-up")
    application.job_queue.run_repeating(
        tick,
        interval=TICK,
        first=TICK,
        name="summaries",
        job_kwargs={"id": "summaries", "replace_existing": True, "max_instances": 2},
    )


async def tick(context: BotContext) -> None:
    """Owe the summaries of weeks just ended and send what is due."""
    await context.services.summaries.owe(context.clock(), context.config.summary.catch_up)
    await drain(context)


async def drain(context: BotContext) -> None:
    """Send every due summary with a few concurrent senders (one drain at a time)."""
    lock: asyncio.Lock = context.bot_data[DRAIN_LOCK]
    if lock.locked():
        return  # the running drain picks up what this tick owed
    async with lock:
        await asyncio.gather(*(_sender(context) for _ in range(SENDERS)))


async def _sender(context: BotContext) -> None:
    services = context.services
    while context.application.running:
        row = await services.summaries.claim_next(context.clock())
        if row is None:
            return
        await _deliver(context, row)


async def _deliver(context: BotContext, row: SummaryRow) -> None:
    services = context.services
    summaries, translate = services.summaries, services.translate
    branch = await services.branches.get(row.branch_id)
    if branch is None or not branch.active:
        await summaries.failed(row, context.clock(), "the branch is inactive")
        return
    summary = await summaries.compute(branch, row.week_end)
    text = summary_text(translate, branch.language, branch, summary)
    try:
        message = await context.bot.send_message(branch.chat_id, text)
    except TelegramError as error:
        await _failed(context, row, branch, error)
        return
    await summaries.sent(row, context.clock(), message.message_id)
    try:
        chart = await asyncio.to_thread(chart_of, translate, branch.language, branch, summary)
        await context.bot.send_photo(branch.chat_id, chart)
    except TelegramError as error:  # the text is out; the chart alone is not worth a resend
        logger.warning("summary chart of branch %s not sent: %s", branch.id, error)
    await _tell_secretaries(context, branch, summary, row)


async def _failed(
    context: BotContext, row: SummaryRow, branch: Branch, error: TelegramError
) -> None:
    summaries, now = context.services.summaries, context.clock()
    reason = f"{type(error).__name__}: {error}"
    outcome = outcome_of(error)
    if outcome is Outcome.RETRY:
        await summaries.retry(row, now, reason)
    elif outcome is Outcome.UNCONFIRMED:
        await summaries.unconfirmed(row, now, reason)
    elif isinstance(error, ChatMigrated):
        await context.services.branches.move_chat(branch.chat_id, error.new_chat_id)
        await summaries.retry(row, now, reason)
    else:
        await summaries.failed(row, now, reason)
        if outcome is Outcome.FORBIDDEN:
            await context.services.branches.deactivate_chat(branch.chat_id, str(error))


async def _tell_secretaries(
    context: BotContext, branch: Branch, summary: WeekSummary, row: SummaryRow
) -> None:
    services = context.services
    try:
        secretaries = await services.auth.secretaries(branch)
    except TelegramError as error:
        logger.warning("branch %s: administrators unavailable: %s", branch.id, error)
        secretaries = await services.storage.memberships.secretaries(branch.id)
    for user_id in secretaries:
        language = await reader_language(context, user_id, branch)
        text = detail_text(services.translate, language, branch, summary.participation)
        week_end = to_epoch(row.week_end)
        try:
            # Kept as the week if need be: rendered when delivered, from the rows as they are
            # then (without anyone who used /forget since). The bot splits a long text.
            await send_private(
                context,
                user_id=user_id,
                branch=branch,
                key="summary.detail",
                dedupe_key=f"summary:{branch.id}:{week_end}:{user_id}",
                keep={"week_end": week_end},
                text=text,
            )
        except TelegramError as error:
            logger.warning("summary detail to %s not sent: %s", user_id, error)


@renders("summary.detail")
async def kept_detail(
    context: BotContext, branch: Branch, language: str, params: Mapping[str, Any]
) -> str | None:
    """A kept detail: the week's summary and who missed what, computed again now."""
    services = context.services
    end = from_epoch(int(params["week_end"]))
    if end is None:
        return None
    summary = await services.summaries.compute(branch, end)
    return detail_text(services.translate, language, branch, summary.participation)
