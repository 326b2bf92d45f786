"""The daily check-in post: one job per branch at its local check-in time."""

from __future__ import annotations

import functools
import logging
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from apscheduler.triggers.cron import CronTrigger
from telegram import InlineKeyboardButton, InlineKeyboardMarkup
from telegram.ext import Application, JobQueue

from bot.context import BotContext
from bot.retries import next_wait
from handlers.gate.callbacks import DailyCheckin
from handlers.outbound import policy
from storage.models import Branch

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class DailyRetry:
    """The data of a daily post's retry: the branch and how many tries were made."""

    branch_id: int
    attempts: int


async def post_daily(context: BotContext) -> None:
    """The daily check-in post, claimed per branch and day so it never goes out twice.

    A post that provably did not arrive gives its claim up and is tried again after the
    backoff of ``bot/retries.py``; one that may have arrived is never made again.
    """
    services, now, data = context.services, context.clock(), context.job.data
    retry = data if isinstance(data, DailyRetry) else DailyRetry(data, 0)
    branch = await services.branches.get(retry.branch_id)
    if branch is None or not branch.active or branch.checkin_time is None:
        context.job.schedule_removal()  # the branch was retired, left or turned it off
        return
    day = await services.checkins.claim_daily_post(branch, now)
    if day is None:
        return
    words = context.words_for(branch)
    button = InlineKeyboardButton(
        words("checkin.daily_button"), callback_data=DailyCheckin().pack()
    )
    what = f"daily check-in post of branch {branch.id}"
    sent = await policy.send(
        context,
        branch.chat_id,
        functools.partial(
            context.bot.send_message,
            text=words("checkin.daily_post", date=day),
            reply_markup=InlineKeyboardMarkup([[button]]),
        ),
        what=what,
    )
    if sent.delivered:
        await services.checkins.confirm_daily_post(branch, day, sent.result.message_id)
        return
    attempts = retry.attempts + 1
    wait = next_wait(attempts) if sent.outcome.worth_retrying else None
    if wait is None:
        logger.warning("%s for %s not confirmed (try %d): not made again", what, day, attempts)
        return
    await services.checkins.release_daily_post(branch, day)
    name = f"{daily_job_name(branch.id)}:retry"
    context.job_queue.run_once(
        post_daily,
        when=now + wait,
        data=DailyRetry(branch.id, attempts),
        name=name,
        job_kwargs={"id": name, "replace_existing": True},
    )


def daily_job_name(branch_id: int) -> str:
    """The id of a branch's daily-post job."""
    return f"daily:{branch_id}"


class _SharedDaily(CronTrigger):
    """A daily trigger shared by the branches posting at one local time.

    Its first fire time after a moment is the same for every moment up to that fire time, so
    it is computed once for all the jobs added at start, not once a job.
    """

    def get_next_fire_time(
        self, previous_fire_time: datetime | None, now: datetime
    ) -> datetime | None:
        """As CronTrigger's; the first fire time is reused while ``now`` has not reached it."""
        memo: tuple[datetime, datetime] | None = getattr(self, "_memo", None)
        if previous_fire_time is None and memo is not None and memo[0] <= now < memo[1]:
            return memo[1]
        found = super().get_next_fire_time(previous_fire_time, now)
        if previous_fire_time is None and found is not None:
            self._memo = (now, found)
        return found


@functools.lru_cache(maxsize=256)
def _daily_trigger(checkin_time: str, timezone: str) -> CronTrigger:
    """Every day at a local time (building a cron trigger is most of a job's cost)."""
    at = time.fromisoformat(checkin_time)
    return _SharedDaily(
        day_of_week="sun,mon,tue,wed,thu,fri,sat",
        hour=at.hour,
        minute=at.minute,
        second=at.second,
        timezone=ZoneInfo(timezone),
    )


def schedule_daily(
    job_queue: JobQueue[Any],
    branch: Branch,
    grace: timedelta,
    now: datetime,
    *,
    catch_up: bool = False,
) -> None:
    """(Re)schedule a branch's daily post at its local check-in time.

    The job's id is its name, so a new schedule replaces the old one. With ``catch_up`` (at
    start), today's post also runs now if its time passed less than ``grace`` ago; it is
    claimed per day, so if today's was sent already nothing happens.
    """
    name = daily_job_name(branch.id)
    if not branch.active or branch.checkin_time is None:
        # Looked up by its id: listing every job for each branch made start-up quadratic.
        existing = job_queue.scheduler.get_job(name)
        if existing is not None:
            existing.remove()
        return
    zone = ZoneInfo(branch.timezone)
    at = time.fromisoformat(branch.checkin_time).replace(tzinfo=zone)
    # run_daily's job, with the trigger shared by every branch posting at the same local time.
    job_queue.run_custom(
        post_daily,
        data=branch.id,
        name=name,
        job_kwargs={
            "trigger": _daily_trigger(branch.checkin_time, branch.timezone),
            "id": name,
            "replace_existing": True,
            "misfire_grace_time": int(grace.total_seconds()),
        },
    )
    local_now = now.astimezone(zone)
    today_at = datetime.combine(local_now.date(), at)
    if catch_up and timedelta(0) <= local_now - today_at <= grace:
        job_queue.run_once(post_daily, when=0, data=branch.id, name=f"{name}:catch-up")


async def install(application: Application[Any, Any, Any, Any, Any, Any]) -> None:
    """Schedule every branch's daily post (called once at start)."""
    services, clock = application.bot_data["services"], application.bot_data["clock"]
    grace = application.bot_data["config"].bot.misfire_grace
    for branch in await services.storage.branches.with_daily_post():
        schedule_daily(application.job_queue, branch, grace, clock(), catch_up=True)
