"""Meeting sends: reminders, check-in posts and closes, owed in the database, run as jobs.

At start every owed send is put back on the queue under its own key (``replace_existing``,
so restarts never duplicate a job); sends missed while the bot was down run once if younger
than ``bot.misfire_grace``. Each job claims its send in the database before posting and
records after it what the send policy made of the post: sent; owed again after a backoff
(its job queued again) when it provably did not arrive; never again when it may have.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import timedelta
from functools import partial
from typing import Any

from telegram import Message
from telegram.ext import Application, JobQueue

from bot.context import BotContext
from bot.i18n import Words
from handlers.outbound import policy
from handlers.outbound.private import renders, send_private
from handlers.views.keyboards import keyboard
from handlers.views.meetings import (
    checkin_markup,
    checkin_post_text,
    closed_counts_text,
    nudge_text,
    reminder_text,
    roll_text,
    rsvp_buttons,
)
from storage.models import Branch, OccurrenceView, ScheduledSend

logger = logging.getLogger(__name__)

EXTEND_EVERY = timedelta(hours=6)
# Only sends due within this window are put on the job queue (at start and at every extend);
# the rest wait in the database, so start-up does not grow with the year's meetings.
JOB_WINDOW = 2 * EXTEND_EVERY
# A check-in post's count is edited at most this often, however many press.
COUNT_EDIT_EVERY = timedelta(seconds=3)
# How long the key of a command's act is kept against a redelivery of its update.
ACTS_KEPT = timedelta(days=2)


def _grace(application: Application[Any, Any, Any, Any, Any, Any]) -> timedelta:
    return application.bot_data["config"].bot.misfire_grace


def schedule_sends(
    job_queue: JobQueue[Any], sends: list[ScheduledSend], grace: timedelta, *, now: bool = False
) -> None:
    """Put sends on the job queue under their keys (at once if ``now``)."""
    for send in sends:
        job_queue.run_once(
            run_send,
            when=0 if now else send.due_at,
            data=send.key,
            name=send.key,
            job_kwargs={
                "id": send.key,
                "replace_existing": True,
                # APScheduler's default of one second drops a job whenever the loop is busy.
                "misfire_grace_time": int(grace.total_seconds()),
            },
        )


def unschedule(job_queue: JobQueue[Any], keys: list[str]) -> None:
    """Remove the jobs of sends no longer owed."""
    for key in keys:
        # Each send's job has its key as id: a look-up, not a scan of every job.
        job = job_queue.scheduler.get_job(key)
        if job is not None:
            job.remove()


async def install(application: Application[Any, Any, Any, Any, Any, Any]) -> None:
    """Rebuild every meeting send's job from the database (called once at start)."""
    services, clock = application.bot_data["services"], application.bot_data["clock"]
    job_queue, grace = application.job_queue, _grace(application)
    await services.meetings.extend(clock())
    now = clock()
    recovery = await services.sends.recover(now, grace, until=now + JOB_WINDOW)
    schedule_sends(job_queue, recovery.due_now, grace, now=True)
    schedule_sends(job_queue, recovery.future, grace)
    job_queue.run_repeating(
        extend_series,
        interval=EXTEND_EVERY,
        first=EXTEND_EVERY,
        name="extend",
        job_kwargs={"id": "extend", "replace_existing": True},
    )
    logger.info(
        "schedule rebuilt: %d due now, %d queued (due within %s), %d owed later",
        len(recovery.due_now),
        len(recovery.future),
        JOB_WINDOW,
        recovery.later,
    )


async def extend_series(context: BotContext) -> None:
    """Keep every series materialised to the horizon; queue the sends now due within the window.

    It also lets go of the keys that stop a redelivered command acting twice, once they are
    older than any update Telegram could deliver again (it keeps undelivered ones a day).
    """
    services, now = context.services, context.clock()
    await services.sends.settle_expired(now)  # claims a stopped instance left
    await services.storage.acts.forget_before(now - ACTS_KEPT)
    await services.meetings.extend(now)
    sends = await services.sends.pending_before(now + JOB_WINDOW)
    schedule_sends(context.job_queue, sends, context.config.bot.misfire_grace)


async def run_send(context: BotContext) -> None:
    """Claim a scheduled send, post it, record what came of it."""
    services, key, now = context.services, context.job.data, context.clock()
    owed = await services.sends.claim(key, now)
    if owed is None:
        return
    occurrence = await services.storage.meetings.occurrence(owed.occurrence_id)
    branch = await services.branches.get(occurrence.branch_id) if occurrence else None
    if occurrence is None or occurrence.cancelled or branch is None or not branch.active:
        await services.sends.confirm(key, now, None)  # nothing is owed any more
        return
    if owed.kind == "remind":
        sent = await post_reminder(context, occurrence, offset=int(key.rsplit(":", 1)[1]))
    elif owed.kind == "open":
        sent = await post_checkin(context, occurrence)
    else:
        sent = await post_close(context, occurrence, retry=owed.attempts > 1)
    now = context.clock()
    if sent is None or sent.delivered:
        await services.sends.confirm(key, now, sent.result.message_id if sent else None)
    elif sent.outcome.worth_retrying:
        again = await services.sends.retry(owed, now, sent.reason)
        if again is not None:
            schedule_sends(context.job_queue, [again], context.config.bot.misfire_grace)
    elif sent.outcome is policy.Outcome.UNCONFIRMED:
        await services.sends.abandon(key, now, sent.reason)
    else:
        await services.sends.fail(key, now, sent.reason)


async def post_reminder(
    context: BotContext, occurrence: OccurrenceView, *, offset: int
) -> policy.Sent[Message]:
    """The reminder in the group with RSVP buttons; with the last one, private nudges."""
    services, words = context.services, context.words_for(occurrence)
    sent = await policy.send(
        context,
        occurrence.chat_id,
        partial(
            context.bot.send_message,
            text=reminder_text(words, occurrence),
            # A committee meeting's answers come from those expected only, in their nudges.
            reply_markup=(
                None
                if occurrence.type == "committee"
                else keyboard(words, rsvp_buttons(occurrence.id))
            ),
        ),
        what=f"reminder {offset} min before occurrence {occurrence.id}",
    )
    meeting = await services.storage.meetings.meeting_of(occurrence.id)
    if sent.delivered and meeting is not None and offset == min(meeting.remind_min):
        await _nudge(context, occurrence)
    return sent


async def _nudge(context: BotContext, occurrence: OccurrenceView) -> None:
    """Privately remind the expected roster members who have not answered.

    Those who never started the bot cannot be written to: expected, and not announced.
    """
    services = context.services
    branch = await services.branches.get(occurrence.branch_id)
    await policy.each(
        await services.leaves.unanswered(occurrence),
        lambda user_id: send_private(
            context,
            user_id=user_id,
            branch=branch,
            key="meeting.nudge",
            dedupe_key=f"nudge:{occurrence.id}:{user_id}",
            buttons=rsvp_buttons(occurrence.id),
            fallback=False,
            occurrence=occurrence.id,
        ),
        what=f"nudge of occurrence {occurrence.id}",
    )


async def post_checkin(context: BotContext, occurrence: OccurrenceView) -> policy.Sent[Message]:
    """The check-in post with its button."""
    words = context.words_for(occurrence)
    count = await context.services.meetings.checkin_count(occurrence.id)
    return await policy.send(
        context,
        occurrence.chat_id,
        partial(
            context.bot.send_message,
            text=checkin_post_text(words, occurrence, count),
            reply_markup=checkin_markup(words, occurrence),
        ),
        what=f"check-in post of occurrence {occurrence.id}",
    )


async def post_close(
    context: BotContext, occurrence: OccurrenceView, *, retry: bool
) -> policy.Sent[Message] | None:
    """Freeze attendance; counts to the group, the roll to each secretary privately.

    Args:
        context: the job's context.
        occurrence: the occurrence to close.
        retry: an earlier try of this close froze the attendance, and its post provably did
            not arrive: the frozen roll is posted now.

    Returns:
        The counts' post, or None if the occurrence was closed already (nothing is posted).
    """
    services = context.services
    branch = await services.branches.get(occurrence.branch_id)
    secretaries = await services.auth.secretaries(branch)
    roll = await services.meetings.close(occurrence, context.clock(), secretaries)
    if roll is None and retry:
        roll = await services.meetings.roll(occurrence)
    if roll is None:
        return None
    sent = await policy.send(
        context,
        occurrence.chat_id,
        partial(
            context.bot.send_message, text=closed_counts_text(context.words_for(occurrence), roll)
        ),
        what=f"close of occurrence {occurrence.id}",
    )
    if not sent.delivered:
        return sent
    branch = await services.branches.get(occurrence.branch_id)  # its chat may have moved
    # The occurrence's id: the roll is rendered from it, in each reader's language, now or
    # when a kept one is delivered.
    await policy.each(
        secretaries,
        lambda user_id: send_private(
            context,
            user_id=user_id,
            branch=branch,
            key="meeting.roll",
            dedupe_key=f"roll:{occurrence.id}:{user_id}",
            occurrence=occurrence.id,
        ),
        what=f"roll of occurrence {occurrence.id}",
    )
    return sent


@renders("meeting.nudge")
async def nudge_message(
    context: BotContext, branch: Branch, words: Words, params: Mapping[str, Any]
) -> str | None:
    """A nudge to answer, with the meeting's place, in the reader's words."""
    occurrence = await context.services.storage.meetings.occurrence(int(params["occurrence"]))
    return None if occurrence is None else nudge_text(words, occurrence)


@renders("meeting.roll")
async def roll_message(
    context: BotContext, branch: Branch, words: Words, params: Mapping[str, Any]
) -> str | None:
    """The roll, from the occurrence's attendance as it is now, in the reader's words."""
    services = context.services
    occurrence = await services.storage.meetings.occurrence(int(params["occurrence"]))
    if occurrence is None:
        return None
    roll = await services.meetings.roll(occurrence)
    return words("meeting.roll", roll=roll_text(words, roll))


async def refresh_count(context: BotContext) -> None:
    """Edit a check-in post to show the current count (the throttled edit's job)."""
    occurrence_id = context.job.data
    services = context.services
    occurrence = await services.storage.meetings.occurrence(occurrence_id)
    message_id = await services.sends.message_of(f"open:{occurrence_id}")
    if occurrence is None or message_id is None:
        return
    count = await services.meetings.checkin_count(occurrence_id)
    words = context.words_for(occurrence)
    await policy.send(
        context,
        occurrence.chat_id,
        lambda chat_id: context.bot.edit_message_text(
            checkin_post_text(words, occurrence, count),
            chat_id=chat_id,
            message_id=message_id,
            reply_markup=checkin_markup(words, occurrence),
        ),
        what=f"check-in count of occurrence {occurrence_id}",
    )


def request_count_refresh(job_queue: JobQueue[Any], occurrence_id: int) -> None:
    """Schedule one count edit for the post unless one is already waiting."""
    name = f"count:{occurrence_id}"
    if job_queue.scheduler.get_job(name) is None:  # by id: a press must not scan every job
        job_queue.run_once(
            refresh_count,
            when=COUNT_EDIT_EVERY,
            data=occurrence_id,
            name=name,
            job_kwargs={"id": name},
        )
