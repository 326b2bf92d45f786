"""Answers to reminders (going / cannot come), ``/leave``, and secretaries' decisions."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from telegram import Update
from telegram.ext import BaseHandler, CallbackQueryHandler

from bot import commands
from bot.context import BotContext
from bot.errors import UserError
from handlers.gate.access import command
from handlers.gate.place import arguments, here, parse_id, person_of
from handlers.outbound import policy
from handlers.outbound.private import renders, send_private
from handlers.outbound.replies import reply
from handlers.views.meetings import RSVP_PREFIX, occurrence_line
from storage.models import Branch

DECIDE_PREFIX = "lv:"
_RSVP = re.compile(r"^rsvp:([1-9]\d{0,17}):([yn])$", re.ASCII)
_DECIDE = re.compile(r"^lv:([1-9]\d{0,17}):([ad])$", re.ASCII)


async def rsvp(update: Update, context: BotContext) -> None:
    """A reminder's button: going, or cannot come (the reason is then asked privately)."""
    query, services = update.callback_query, context.services
    person = person_of(query.from_user)
    match = _RSVP.match(query.data)
    if person is None or match is None:
        raise UserError("button.stale")
    going = match.group(2) == "y"
    occurrence = await services.leaves.answer(
        int(match.group(1)), person.id, going=going, now=context.clock()
    )
    if going:
        await query.answer(context.text("rsvp.going"))
        return
    await query.answer(context.text("rsvp.not_going"))
    branch = await services.branches.get(occurrence.branch_id)
    await send_private(
        context,
        user_id=person.id,
        branch=branch,
        key="leave.ask_reason",
        dedupe_key=f"ask-reason:{occurrence.id}:{person.id}",
        occurrence=occurrence.id,
    )


async def leave(update: Update, context: BotContext) -> None:
    """Asks to be excused from an occurrence; the secretaries get approve / decline buttons."""
    services = context.services
    words = arguments(context).split(maxsplit=1)
    if len(words) != 2:
        raise UserError("leave.usage")
    target = parse_id(words[0], "leave.usage")
    user = update.effective_user
    if person_of(user) is None:
        raise UserError("access.person_only", command=commands.LEAVE.name)
    place = here(context)
    message = update.effective_message
    request, occurrence, fresh = await services.leaves.request(
        target,
        user.id,
        words[1],
        context.clock(),
        branch_id=None if place.private or place.branch is None else place.branch.id,
        act=f"{message.chat_id}:{message.message_id}",
    )
    branch = await services.branches.get(occurrence.branch_id)
    await reply(
        update,
        context,
        "leave.requested",
        meeting=occurrence_line(services.translate, place.language, occurrence),
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
                ("leave.approve_button", f"{DECIDE_PREFIX}{request.id}:a"),
                ("leave.decline_button", f"{DECIDE_PREFIX}{request.id}:d"),
            ],
            leave=request.id,
        ),
        what=f"leave request {request.id}",
    )


@renders("leave.for_secretary")
async def leave_request_text(
    context: BotContext, branch: Branch, language: str, params: Mapping[str, Any]
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
    return services.translate(
        language,
        "leave.for_secretary",
        name=member.display_name,
        meeting=occurrence_line(services.translate, language, occurrence),
        reason=request.reason,
    )


async def decide(update: Update, context: BotContext) -> None:
    """A secretary's approve / decline button; the member is told the outcome."""
    query, services = update.callback_query, context.services
    match = _DECIDE.match(query.data)
    found = await services.leaves.get(int(match.group(1))) if match else None
    if found is None:
        raise UserError("button.stale")
    request, occurrence = found
    branch = await services.branches.get(occurrence.branch_id)
    if not await services.auth.is_secretary_of(branch, query.from_user.id):
        raise UserError("access.secretary", command="leave")
    approve = match.group(2) == "a"
    decided = await services.leaves.decide(
        request, occurrence, approve=approve, by=query.from_user.id, now=context.clock()
    )
    if not decided:
        await query.answer(context.text("leave.decided_before"), show_alert=True)
        return
    outcome = "leave.approved" if approve else "leave.declined"
    await query.answer(context.text(outcome + "_toast"))
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
        CallbackQueryHandler(rsvp, pattern=f"^{RSVP_PREFIX}"),
        CallbackQueryHandler(decide, pattern=f"^{DECIDE_PREFIX}"),
    ]
