"""The weekly summary's sending side: owed rows are drained by a few concurrent senders.

Every minute (and once at start) each branch whose week has ended gets its row; the senders
claim rows one at a time, post the summary and its chart to the group and the detail to the
secretaries privately. The rate limiter paces the sends; a stop is noticed between two
summaries, so SIGTERM waits only for the ones in flight and the rest go out after a restart.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from datetime import timedelta
from functools import partial
from typing import Any

from telegram.ext import Application

from bot.context import BotContext
from bot.i18n import Words
from bot.summary import WeekSummary
from handlers.outbound import policy
from handlers.outbound.private import reader_words, renders, send_private
from handlers.views.participation import chart_of, detail_text, summary_text
from storage.models import Branch, from_epoch, to_epoch
from storage.summaries import SummaryRow

TICK = timedelta(minutes=1)
SENDERS = 8
DRAIN_LOCK = "summary_drain"  # bot_data key: one drain at a time


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
    """Settle claims another instance left, owe the summaries of weeks just ended, send."""
    await context.services.summaries.settle_expired(context.clock())
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
    summaries = services.summaries
    branch = await services.branches.get(row.branch_id)
    if branch is None or not branch.active:
        await summaries.failed(row, context.clock(), "the branch is inactive")
        return
    summary = await summaries.compute(branch, row.week_end)
    text = summary_text(context.words_for(branch), branch, summary)
    what = f"summary of branch {branch.id}"
    sent = await policy.send(
        context, branch.chat_id, partial(context.bot.send_message, text=text), what=what
    )
    now = context.clock()
    if not sent.delivered:
        if sent.outcome.worth_retrying:
            await summaries.retry(row, now, sent.reason)
        elif sent.outcome is policy.Outcome.UNCONFIRMED:
            await summaries.unconfirmed(row, now, sent.reason)
        else:
            await summaries.failed(row, now, sent.reason)
        return
    await summaries.sent(row, now, sent.result.message_id)
    if sent.result.chat_id != branch.chat_id:
        branch = await services.branches.get(branch.id)  # the group moved: it followed
    chart = await asyncio.to_thread(chart_of, context.words_for(branch), branch, summary)
    # The text is out; a chart that fails is logged, not worth a resend.
    await policy.send(
        context,
        branch.chat_id,
        partial(context.bot.send_photo, photo=chart),
        what=f"chart of {what}",
    )
    await _tell_secretaries(context, branch, summary, row)


async def _tell_secretaries(
    context: BotContext, branch: Branch, summary: WeekSummary, row: SummaryRow
) -> None:
    services = context.services
    week_end = to_epoch(row.week_end)

    async def tell(user_id: int) -> None:
        words = await reader_words(context, user_id, branch)
        # Kept as the week if need be: rendered when delivered, from the rows as they are
        # then (without anyone who used /forget since). The bot splits a long text.
        await send_private(
            context,
            user_id=user_id,
            branch=branch,
            key="summary.detail",
            dedupe_key=f"summary:{branch.id}:{week_end}:{user_id}",
            keep={"week_end": week_end},
            text=detail_text(words, branch, summary.participation),
        )

    await policy.each(
        await services.auth.secretaries(branch), tell, what=f"summary detail of branch {branch.id}"
    )


@renders("summary.detail")
async def kept_detail(
    context: BotContext, branch: Branch, words: Words, params: Mapping[str, Any]
) -> str | None:
    """A kept detail: the week's summary and who missed what, computed again now."""
    end = from_epoch(int(params["week_end"]))
    if end is None:
        return None
    summary = await context.services.summaries.compute(branch, end)
    return detail_text(words, branch, summary.participation)
