"""``/checkin``, and the button of the daily check-in post."""

from __future__ import annotations

from functools import partial

from telegram import InlineKeyboardButton, Update
from telegram.ext import BaseHandler

from bot import commands
from bot.context import BotContext
from bot.errors import UserError
from bot.meetings import CheckinResult, minutes_late
from handlers.gate.access import command
from handlers.gate.buttons import button
from handlers.gate.callbacks import CheckinPage, DailyCheckin, MeetingCheckin
from handlers.gate.place import here, person_of
from handlers.jobs.sends import request_count_refresh
from handlers.outbound import policy
from handlers.outbound.replies import turn_to
from handlers.views.keyboards import paged_keyboard
from handlers.views.meetings import occurrence_line
from storage.models import Branch, OccurrenceView

# A late meeting check-in is acknowledged with a salute, not a thumbs-up.
RECORDED, LATE, ALREADY = "👍", "🫡", "👌"


async def checkin(update: Update, context: BotContext) -> None:
    """Checks in for today, or to the meeting whose window is open; answered with a reaction."""
    message, branch, services = update.effective_message, here(context).branch, context.services
    person = person_of(update.effective_user)
    if person is None:
        raise UserError("checkin.person_only")
    now = context.clock()
    open_now = await services.meetings.open_for_checkin(branch, person.id, now)
    if len(open_now) > 1:
        await message.reply_text(
            context.words("checkin.choose"),
            reply_markup=paged_keyboard(
                _meeting_buttons(context, branch, open_now), 0, CheckinPage(0)
            ),
        )
        return
    if open_now:
        result, occurrence = await services.meetings.check_in(
            branch, open_now[0].id, person.id, now
        )
        recorded = result in (CheckinResult.PRESENT, CheckinResult.LATE)
        if recorded:
            request_count_refresh(context.job_queue, occurrence.id)
        said, late = f"checkin.{result.value}", result is CheckinResult.LATE
        minutes = minutes_late(occurrence, now)
    else:  # the day's check-in is never late
        recorded = await services.checkins.check_in(branch, person.id, now)
        said = "checkin.daily_recorded" if recorded else "checkin.daily_already"
        late, minutes = False, 0
    # A reaction instead of a message: a group allows the bot about 20 messages a minute.
    reacted = await policy.attempt(
        partial(message.set_reaction, (LATE if late else RECORDED) if recorded else ALREADY),
        what=f"check-in reaction in chat {message.chat_id}",
    )
    if not reacted.delivered:  # a group that allows no reactions: the answer in words
        streak = await services.checkins.streak(branch, person.id, now)
        await message.reply_text(context.words(said, streak=streak, minutes=minutes))


def _meeting_buttons(
    context: BotContext, branch: Branch, open_now: list[OccurrenceView]
) -> list[InlineKeyboardButton]:
    """A check-in button per meeting whose window is open."""
    words = context.words_for(branch)
    return [
        InlineKeyboardButton(
            occurrence_line(words, o),
            callback_data=MeetingCheckin(o.id).pack(),
        )
        for o in open_now
    ]


async def turn_page(
    update: Update, context: BotContext, data: CheckinPage, branch: Branch
) -> None:
    """◀ ▶ under the choice of meetings to check in to."""
    user_id, now = update.callback_query.from_user.id, context.clock()
    open_now = await context.services.meetings.open_for_checkin(branch, user_id, now)
    buttons = _meeting_buttons(context, branch, open_now)
    await turn_to(update.callback_query, paged_keyboard(buttons, data.page, data))


async def daily_button(
    update: Update, context: BotContext, data: DailyCheckin, branch: Branch
) -> None:
    """The daily post's button: today's check-in for the presser; the toast shows the streak."""
    query, services, now = update.callback_query, context.services, context.clock()
    user_id = query.from_user.id
    recorded = await services.checkins.check_in(branch, user_id, now)
    streak = await services.checkins.streak(branch, user_id, now)
    key = "checkin.daily_recorded" if recorded else "checkin.daily_already"
    await query.answer(context.toast_words(key, streak=streak))


def handlers() -> list[BaseHandler]:
    """Handlers of this module."""
    return [
        command(commands.CHECKIN, checkin),
        button(DailyCheckin, daily_button),
        button(CheckinPage, turn_page),
    ]
