"""Schedule changes reach the leader's job queue, wherever the update was handled.

Only the scheduler leader runs jobs (``bot.leader``). An instance that does not lead and owes
new sends, or changed a branch's daily post, tells the leader the sends' occurrences or the
branch's id; the leader reads what is owed back from the database and schedules it. A notice
lost while no instance leads loses nothing: a new leader rebuilds every job from the database.
"""

from __future__ import annotations

import json
from typing import Any

from telegram.ext import Application

from bot.context import BotContext
from handlers.jobs.checkin import schedule_daily
from handlers.jobs.sends import schedule_sends
from storage.models import Branch, ScheduledSend

# Occurrences per notice: PostgreSQL takes notices of under 8,000 bytes; an id is ~10.
OCCURRENCES_PER_NOTICE = 500


async def sends_owed(context: BotContext, sends: list[ScheduledSend]) -> None:
    """Put new sends on the leader's job queue."""
    if context.application.bot_data["leader"].leading:
        schedule_sends(context.job_queue, sends, context.config.bot.misfire_grace)
        return
    ids = sorted({send.occurrence_id for send in sends})
    for start in range(0, len(ids), OCCURRENCES_PER_NOTICE):
        await _tell(context, {"occurrences": ids[start : start + OCCURRENCES_PER_NOTICE]})


async def daily_changed(context: BotContext, branch: Branch) -> None:
    """(Re)schedule a branch's daily post on the leader's job queue."""
    if context.application.bot_data["leader"].leading:
        grace = context.config.bot.misfire_grace
        schedule_daily(context.job_queue, branch, grace, context.clock())
        return
    await _tell(context, {"daily": branch.id})


async def _tell(context: BotContext, notice: dict[str, Any]) -> None:
    await context.application.bot_data["leader"].tell(json.dumps(notice))


async def heard(application: Application[Any, Any, Any, Any, Any, Any], notice: str) -> None:
    """On the leader: schedule what another instance said changed, as it stands now."""
    services, config = application.bot_data["services"], application.bot_data["config"]
    grace = config.bot.misfire_grace
    told = json.loads(notice)
    if "occurrences" in told:
        owed = await services.storage.sends.pending_of([int(i) for i in told["occurrences"]])
        schedule_sends(application.job_queue, owed, grace)
    if "daily" in told:
        branch = await services.branches.get(int(told["daily"]))
        if branch is not None:
            clock = application.bot_data["clock"]
            schedule_daily(application.job_queue, branch, grace, clock())
