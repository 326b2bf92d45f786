"""Answers to reminders (going / cannot come), ``/leave``, and secretaries' decisions."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from telegram import Update
from telegram.ext import BaseHandler

from bot import commands
from bot.context import BotContext
from bot.errors import UserError
from bot.i18n import Words
from handlers.gate.access import command
from handlers.gate.buttons import button
from handlers.gate.callbacks import LeaveDecision, Rsvp
from handlers.gate.place import arguments, here, parse_id, person_of
from handlers.outbound import policy
from handlers.outbound.private import renders, send_private
from handlers.outbound.replies import reply
from handlers.views.meetings import occurrence_line
from storage.models import Branch


async def rsvp(update: Update, context: BotContext, data: Rsvp, branch: Branch) -> None:
    """A reminder's button: going, or cannot come (the reason is then asked privately)."""
    query, services = update.callback_query, context.services
    user_id = query.from_user.id
    occurrence = await services.leaves.answer(
        data.occurrence_id, user_id, going=data.going, now=context.clock()
    )
    if data.going:
        await query.answer(context.words("rsvp.going"))
        return
    await query.answer(context.words("rsvp.not_going"))
    await send_private(
        context,
        user_id=user_id,
        branch=branch,
        key="leave.ask_reason",
        dedupe_key=f"ask-reason:{occurrence.id}:{user_id}",
        occurrence=occurrence.id,
    )


async def leave(update: Update, context: BotContext) -> None:
    """Asks to be excused from an occurrence; the secretaries get approve / decline buttons."""
    services = context.services
    args = arguments(context).split(maxsplit=1)
    if len(args) != 2:
        raise UserError("leave.usage")
    target = parse_id(args[0], "leave.usage")
    user = update.effective_user
    if person_of(user) is None:
        raise UserError("access.person_only", command=commands.LEAVE.name)
    place = here(context)
    message = update.effective_message
    request, occurrence, fresh = await services.leaves.request(
        target,
        user.id,
        args[1],
        context.clock(),
        branch_id=None if place.private or place.branch is None else place.branch.id,
        act=f"{message.chat_id}:{message.message_id}",
    )
    branch = await services.branches.get(occurrence.branch_id)
    await reply(
        update,
        context,
        "leave.requested",
        meeting=occurrence_line(context.words, occurrence),
    )
    if not fresh:
        return  # a redelivered update: the secretaries were told the first time
    # Kept as the leave's id: the name and reason are read when it is delivered, so a new
    # reason is shown and a member who used /forget is not (one kept per secretary).
    await policy.each(
        await services.auth.secretaries(branch),
        lambda secretary: send_private(
            context,
            user_id=secretary,
            branch=branch,
            key="leave.for_secretary",
            dedupe_key=f"leave:{request.id}:{secretary}",
            buttons=[
                ("leave.approve_button", LeaveDecision(request.id, approve=True).pack()),
                ("leave.decline_button", LeaveDecision(request.id, approve=False).pack()),
            ],
            leave=request.id,
        ),
        what=f"leave request {request.id}",
    )


@renders("leave.for_secretary")
async def leave_request_text(
    context: BotContext, branch: Branch, words: Words, params: Mapping[str, Any]
) -> str | None:
    """A leave request for a secretary, from the live rows; None if its member was forgotten."""
    services = context.services
    found = await services.leaves.get(int(params["leave"]))
    if found is None:
        return None
    request, occurrence = found
    member = await services.storage.users.get(request.user_id)
    if member is None or member.forgotten:
        return None
    return words(
        "leave.for_secretary",
        name=member.display_name,
        meeting=occurrence_line(words, occurrence),
        reason=request.reason,
    )


async def decide(update: Update, context: BotContext, data: LeaveDecision, branch: Branch) -> None:
    """A secretary's approve / decline button; the member is told the outcome."""
    query, services = update.callback_query, context.services
    found = await services.leaves.get(data.leave_id)
    if found is None:
        raise UserError("button.stale")  # gone since the gate looked
    request, occurrence = found
    decided = await services.leaves.decide(
        request, occurrence, approve=data.approve, by=query.from_user.id, now=context.clock()
    )
    if not decided:
        await query.answer(context.words("leave.decided_before"), show_alert=True)
        return
    outcome = "leave.approved" if data.approve else "leave.declined"
    await query.answer(context.words(outcome + "_toast"))
    await query.edit_message_reply_markup(None)
    await send_private(
        context,
        user_id=request.user_id,
        branch=branch,
        key=outcome,
        dedupe_key=f"leave-outcome:{request.id}",
        occurrence=occurrence.id,
    )


def handlers() -> list[BaseHandler]:
    """Handlers of this module."""
    return [
        command(commands.LEAVE, leave),
        button(Rsvp, rsvp),
        button(LeaveDecision, decide),
    ]
