"""Meeting commands, the guided ``/meeting_add`` and the meeting check-in button.

``/meeting_add`` (one line, or step by step with buttons), ``/meetings``, ``/meeting_cancel``,
``/meeting_notes``, ``/attendance`` and ``/checkin_open``.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from functools import partial
from typing import Any
from zoneinfo import ZoneInfo

from telegram import Message, Update
from telegram.ext import BaseHandler

from bot import commands
from bot.commands import Access
from bot.context import BotContext
from bot.errors import UserError
from bot.i18n import Words
from bot.meeting_flow import meeting_request, passed
from bot.meetings import (
    ATTENDANCE_WORDS,
    EVERYONE_WORDS,
    SERIES_WORDS,
    CheckinResult,
    minutes_late,
    parse_meeting_add,
    parse_place,
)
from bot.recurrence import HORIZON
from bot.settings import normalize
from handlers.gate.access import access_of, command
from handlers.gate.buttons import button, replied
from handlers.gate.callbacks import MeetingCancel, MeetingCheckin, MeetingFlow
from handlers.gate.place import (
    arguments,
    here,
    named_person,
    parse_id,
    person_of,
    written_arguments,
)
from handlers.jobs.changes import sends_owed
from handlers.jobs.sends import post_checkin, request_count_refresh, unschedule
from handlers.outbound import policy
from handlers.outbound.private import answer_privately, reader_words, renders, send_private
from handlers.outbound.replies import reply
from handlers.views.keyboards import keyboard
from handlers.views.meetings import (
    cancel_buttons,
    cancelled_text,
    compliance_lines,
    flow_already,
    flow_first_step,
    flow_step_view,
    occurrence_line,
    placed,
    scheduled_text,
)
from storage.models import Branch, Meeting, OccurrenceView

# Before any meeting a branch can record (meetings start in 1970 at the earliest).
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


async def meeting_add(update: Update, context: BotContext) -> None:
    """Schedules a meeting from one line and says when it first takes place."""
    message, branch, services = update.effective_message, here(context).branch, context.services
    if not arguments(context):
        text, keyboard = flow_first_step(context.words)
        await message.reply_text(text, reply_markup=keyboard)
        return
    request = parse_meeting_add(written_arguments(context))
    meeting, sends = await services.meetings.add(
        branch,
        request,
        key=f"{message.chat_id}:{message.message_id}",
        by=update.effective_user.id,
        now=context.clock(),
        secretaries=await services.auth.secretaries(branch) if request.held else (),
    )
    await sends_owed(context, sends)
    if request.held:
        # Its one occurrence, named so that notes and attendance can be added to it.
        (held,) = await services.storage.meetings.upcoming_of_meeting(meeting.id, EPOCH)
        text = context.words("meeting_add.held", meeting=occurrence_line(context.words, held))
        await message.reply_text(placed(context.words, text, held.place))
    else:
        await message.reply_text(await _scheduled(context, meeting))


async def _scheduled(context: BotContext, meeting: Meeting) -> str:
    """What the secretary is told once a meeting is scheduled."""
    now = context.clock()
    upcoming = await context.services.meetings.upcoming_of(meeting, now)
    return scheduled_text(context.words, meeting, upcoming, now + HORIZON)


async def meetings(update: Update, context: BotContext) -> None:
    """Lists the next occurrences: of this branch, or in private of all the user's branches."""
    place, services = here(context), context.services
    if place.private:
        branch_ids = await services.storage.memberships.branch_ids(update.effective_user.id)
    else:
        if place.branch is None or not place.branch.active:
            raise UserError("branch.not_registered")
        branch_ids = [place.branch.id]
    upcoming = await services.meetings.upcoming(branch_ids, context.clock())
    lines = [placed(context.words, occurrence_line(context.words, o), o.place) for o in upcoming]
    text = (
        context.words("meetings.list", meetings="\n".join(lines))
        if lines
        else context.words("meetings.none")
    )
    if not place.private and await access_of(context) >= Access.SECRETARY:
        text += "\n\n" + await compliance_text(context, place.branch)
    await update.effective_message.reply_text(text)


async def compliance_text(context: BotContext, branch: Branch) -> str:
    """The compliance of each meeting type, for secretaries."""
    states = await context.services.meetings.compliance(
        branch, context.config.cadence, context.clock()
    )
    return compliance_lines(context.words, states)


async def attendance(update: Update, context: BotContext) -> None:
    """Corrects one member's attendance row of a closed occurrence, or everyone's (全体)."""
    message, branch, services = update.effective_message, here(context).branch, context.services
    args = arguments(context).split()
    person = named_person(message)
    status = ATTENDANCE_WORDS.code(args[-1]) if args else None
    if len(args) < 2 or (person is None and len(args) != 3) or status is None:
        raise UserError("attendance.usage")
    target = parse_id(args[0], "attendance.usage")
    if person is None and len(args) == 3 and EVERYONE_WORDS.code(args[1]) == "all":
        occurrence, count = await services.meetings.correct_everyone(branch, target, status)
        await reply(
            update,
            context,
            "attendance.everyone",
            meeting=occurrence_line(context.words, occurrence),
            status=context.words(f"attendance.{status}"),
            count=count,
        )
        return
    member = await services.members.resolve(
        branch,
        person=person,
        word=None if person else args[1],
        now=context.clock(),
        usage="attendance.usage",
    )
    occurrence = await services.meetings.correct_attendance(branch, target, member.user.id, status)
    # A member's attendance is theirs: the detail goes privately, the group sees a reaction.
    secretary = update.effective_user
    if person_of(secretary) is None:  # an anonymous admin cannot be written to
        await reply(update, context, "attendance.corrected", id=occurrence.id)
    else:
        await answer_privately(
            update,
            context,
            branch,
            "attendance.done",
            occurrence=occurrence.id,
            member=member.user.id,
            status=status,
        )
    if member.user.id != secretary.id:
        words = await reader_words(context, member.user.id, branch)
        await send_private(
            context,
            user_id=member.user.id,
            branch=branch,
            key="attendance.changed",
            dedupe_key=f"attendance:{message.chat_id}:{message.message_id}",
            fallback=False,
            meeting=occurrence_line(words, occurrence),
            status=words(f"attendance.{status}"),
        )


@renders("attendance.done")
async def correction_text(
    context: BotContext, branch: Branch, words: Words, params: Mapping[str, Any]
) -> str | None:
    """A secretary's note of an attendance correction, naming the member as they are now."""
    storage = context.services.storage
    user = await storage.users.get(int(params["member"]))
    occurrence = await storage.meetings.occurrence(int(params["occurrence"]))
    if user is None or user.forgotten or occurrence is None:
        return None
    return words(
        "attendance.done",
        name=user.display_name,
        meeting=occurrence_line(words, occurrence),
        status=words(f"attendance.{params['status']}"),
    )


async def meeting_cancel(update: Update, context: BotContext) -> None:
    """Cancels an occurrence, or with ``series`` (系列) it and the rest of its series.

    An occurrence of a series named without ``series`` is asked about with buttons: this one,
    the rest of the series, or keep it.
    """
    message, branch, services = update.effective_message, here(context).branch, context.services
    args = arguments(context).split()
    if not 1 <= len(args) <= 2 or (len(args) == 2 and not SERIES_WORDS.code(args[1])):
        raise UserError("meeting_cancel.usage")
    target = parse_id(args[0], "meeting_cancel.usage")
    occurrence = await services.meetings.occurrence_of(branch, target)
    series = len(args) == 2
    meeting = await services.storage.meetings.meeting_of(target)
    if not series and not occurrence.cancelled and meeting is not None and meeting.rule:
        line = occurrence_line(context.words, occurrence)
        await message.reply_text(
            context.words("meeting_cancel.ask", meeting=line),
            reply_markup=keyboard(context.words, cancel_buttons(target)),
        )
        return
    await message.reply_text(await _cancel(context, branch, occurrence, series=series))


async def cancel_pressed(
    update: Update, context: BotContext, data: MeetingCancel, branch: Branch
) -> None:
    """An answer to the question about an occurrence of a series; only the first one acts."""
    query, services, now = update.callback_query, context.services, context.clock()
    prompt = f"{query.message.chat_id}:{query.message.message_id}"
    occurrence = await services.meetings.occurrence_of(branch, data.occurrence_id)
    line = occurrence_line(context.words, occurrence)
    if data.choice == "keep":
        if not await services.meetings.settle(prompt, now):
            raise UserError("button.stale")
        await query.answer()
        await query.edit_message_text(context.words("meeting_cancel.kept", meeting=line))
        return
    text = await _cancel(
        context, branch, occurrence, series=data.choice == "series", prompt=prompt
    )
    if text is None:
        raise UserError("button.stale")
    await query.answer()
    await query.edit_message_text(text)


async def _cancel(
    context: BotContext,
    branch: Branch,
    occurrence: OccurrenceView,
    *,
    series: bool,
    prompt: str | None = None,
) -> str | None:
    """Cancels, unschedules and tells privately those who had said they would come.

    Returns:
        The answer; None for a question answered before (``prompt``), which changes nothing.
    """
    done = await context.services.meetings.cancel(
        branch, occurrence.id, series=series, now=context.clock(), prompt=prompt
    )
    if prompt is not None and not done.occurrences and not done.ended:
        return None
    unschedule(context.job_queue, done.keys)
    await sends_owed(context, done.sends)
    # No start-link fallback: the group is told at once, and a notice kept until /start
    # would come after the meeting it calls off.
    await policy.each(
        done.going,
        lambda going: send_private(
            context,
            user_id=going[1],
            branch=branch,
            key="meeting_cancel.notice",
            dedupe_key=f"cancelled:{going[0]}:{going[1]}",
            fallback=False,
            occurrence=going[0],
        ),
        what=f"cancel notices of occurrence {occurrence.id}",
    )
    told = len({user_id for _, user_id in done.going})
    return cancelled_text(
        context.words,
        occurrence,
        len(done.occurrences),
        series=series,
        ended=done.ended,
        told=told,
    )


async def meeting_notes(update: Update, context: BotContext) -> None:
    """Records the minutes of an occurrence."""
    # The minutes as written (全角 punctuation and line breaks kept): the raw text after the id.
    written = (update.effective_message.text or "").split(maxsplit=2)
    if len(written) != 3:
        raise UserError("meeting_notes.usage")
    target = parse_id(normalize(written[1]), "meeting_notes.usage")
    occurrence = await context.services.meetings.set_notes(
        here(context).branch, target, written[2]
    )
    line = occurrence_line(context.words, occurrence)
    await reply(update, context, "meeting_notes.done", meeting=line)


async def checkin_open(update: Update, context: BotContext) -> None:
    """Posts a check-in message now: for the occurrence named, today's nearest, or ad hoc."""
    message, branch, services = update.effective_message, here(context).branch, context.services
    args = arguments(context).split()
    if len(args) > 1:
        raise UserError("checkin_open.usage")
    named = parse_id(args[0], "checkin_open.usage") if args else None
    now = context.clock()
    occurrence, sends, fresh = await services.meetings.for_checkin_now(
        branch,
        named,
        key=f"{message.chat_id}:{message.message_id}",
        by=update.effective_user.id,
        now=now,
    )
    await sends_owed(context, sends)
    if not fresh:
        return  # a redelivered update: the check-in was posted the first time
    key = f"open:{occurrence.id}"
    unschedule(context.job_queue, [key])
    sent = await post_checkin(context, occurrence)
    if sent.delivered:
        await services.sends.record_post(key, occurrence.id, now, sent.result.message_id)


async def meeting_checkin(
    update: Update, context: BotContext, data: MeetingCheckin, branch: Branch
) -> None:
    """The check-in post's button: records whoever pressed it; a toast says how it went."""
    query, now = update.callback_query, context.clock()
    result, occurrence = await context.services.meetings.check_in(
        branch, data.occurrence_id, query.from_user.id, now
    )
    minutes = minutes_late(occurrence, now)
    await query.answer(context.toast_words(f"checkin.{result.value}", minutes=minutes))
    if result in (CheckinResult.PRESENT, CheckinResult.LATE):
        request_count_refresh(context.job_queue, occurrence.id)


async def flow_step(
    update: Update, context: BotContext, state: MeetingFlow, branch: Branch
) -> None:
    """A press in the guided flow: the next step, the confirmation, or cancel.

    A choice that has passed meanwhile (the flow was left open) is offered again, with a
    toast saying why, rather than refused at the confirmation.
    """
    query, services = update.callback_query, context.services
    if state.type is None:
        await query.answer()
        await query.edit_message_text(context.words("flow.cancelled"))
        return
    message, now = query.message, context.clock()
    key = _flow_key(message)
    meeting = await services.storage.meetings.by_key(key) if state.confirmed else None
    if meeting is None:
        local = _local(now, branch)
        back = passed(state.day, state.at, local)
        if back is not None:
            await query.answer(context.toast_words("flow.past"))
            text, markup = flow_step_view(context.words, state.back_to(back), local)
            await query.edit_message_text(text, reply_markup=markup)
            return
        if not state.confirmed:
            await query.answer()
            text, markup = flow_step_view(context.words, state, local)
            await query.edit_message_text(text, reply_markup=markup)
            return
        request = meeting_request(state.type, state.day, state.at, state.repeat, state.remind)
        meeting, sends = await services.meetings.add(
            branch, request, key=key, by=query.from_user.id, now=now
        )
        await sends_owed(context, sends)
    await query.answer()
    await query.edit_message_text(await _scheduled(context, meeting))


async def flow_place(
    update: Update, context: BotContext, state: MeetingFlow, branch: Branch
) -> None:
    """A reply to the flow's last step: the place; the meeting is scheduled with it.

    The flow's message keys the meeting as its confirm button does, so a reply and a press
    (or two replies) schedule it once; its buttons are taken away. A reply after that
    changes nothing and says so (there is no command that edits a meeting).
    """
    message, services, now = update.effective_message, context.services, context.clock()
    flow = message.reply_to_message
    key = _flow_key(flow)
    meeting = await services.storage.meetings.by_key(key)
    if meeting is not None:
        upcoming = await services.meetings.upcoming_of(meeting, now)
        await message.reply_text(flow_already(context.words, meeting, upcoming))
        return
    local = _local(now, branch)
    back = passed(state.day, state.at, local)
    if back is not None:
        text, markup = flow_step_view(context.words, state.back_to(back), local)
        await policy.attempt(
            partial(flow.edit_text, text, reply_markup=markup),
            what=f"flow step of message {flow.message_id}",
        )
        raise UserError("flow.past_reply")
    try:
        place = parse_place(" ".join(message.text.split()))
    except UserError as error:
        # Answered in the flow's words: the one-line /meeting_add's usage is not what was typed.
        reason = "flow.place_empty" if error.key == "meeting_add.place_empty" else error.key
        raise UserError(reason, **error.params) from None
    request = meeting_request(state.type, state.day, state.at, state.repeat, state.remind, place)
    meeting, sends = await services.meetings.add(
        branch, request, key=key, by=message.from_user.id, now=now
    )
    await sends_owed(context, sends)
    await policy.attempt(
        partial(flow.edit_reply_markup, None), what=f"flow buttons of message {flow.message_id}"
    )
    await message.reply_text(await _scheduled(context, meeting))


def _flow_key(flow: Message) -> str:
    """What keys the meeting a flow schedules: its message, whether pressed or replied to."""
    return f"flow:{flow.chat_id}:{flow.message_id}"


def _local(now: datetime, branch: Branch) -> datetime:
    """``now`` in the branch's timezone, as the flow's choices are (naive)."""
    return now.astimezone(ZoneInfo(branch.timezone)).replace(tzinfo=None)


def handlers() -> list[BaseHandler]:
    """Handlers of this module."""
    return [
        command(commands.MEETINGS, meetings),
        command(commands.MEETING_ADD, meeting_add),
        command(commands.MEETING_CANCEL, meeting_cancel),
        command(commands.MEETING_NOTES, meeting_notes),
        command(commands.ATTENDANCE, attendance),
        command(commands.CHECKIN_OPEN, checkin_open),
        button(MeetingCheckin, meeting_checkin),
        button(MeetingFlow, flow_step),
        replied(MeetingFlow, flow_place, pick=lambda state: state.confirmed),
        button(MeetingCancel, cancel_pressed),
    ]
