"""Answers to reminders (going / cannot come), ``/leave``, and secretaries' decisions.

The leave flow keeps no state in memory: the meeting is chosen with buttons that carry its
id, and the reason is asked with a reply prompt whose message id is recorded with the
occurrence it asks about (for that member only), so a reply is matched after a restart and a
reply to any other message, or to a prompt answered before, asks for nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import partial
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.ext import BaseHandler, MessageHandler, filters

from bot import commands
from bot.context import BotContext
from bot.errors import UserError
from bot.i18n import Words
from bot.leave import LEAVE_WORDS
from handlers.gate.access import command
from handlers.gate.buttons import button
from handlers.gate.callbacks import LeaveChoice, LeaveDecision, LeaveStart, LeaveWithdraw, Rsvp
from handlers.gate.place import arguments, here, parse_id, person_of
from handlers.outbound import policy
from handlers.outbound.private import on_delivery, reader_words, renders, send_private
from handlers.outbound.replies import reply
from handlers.views.keyboards import keyboard
from handlers.views.meetings import occurrence_line
from storage.leaves import Leave
from storage.models import Branch, OccurrenceView


async def rsvp(update: Update, context: BotContext, data: Rsvp, branch: Branch) -> None:
    """A reminder's button: going, or cannot come (the reason is then asked privately)."""
    query, services = update.callback_query, context.services
    user_id = query.from_user.id
    occurrence = await services.leaves.answer(
        data.occurrence_id, user_id, going=data.going, now=context.clock()
    )
    if data.going:
        await query.answer(context.toast_words("rsvp.going"))
        return
    await query.answer(context.toast_words("rsvp.not_going"))
    await _ask_reason(context, user_id, branch, occurrence)


async def _ask_reason(
    context: BotContext, user_id: int, branch: Branch, occurrence: OccurrenceView
) -> None:
    """The reason prompt, privately (kept with the start link if the member never started)."""
    await send_private(
        context,
        user_id=user_id,
        branch=branch,
        key="leave.ask_reason",
        dedupe_key=f"ask-reason:{occurrence.id}:{user_id}",
        occurrence=occurrence.id,
    )


@on_delivery("leave.ask_reason", prompt=True)
async def _prompt_delivered(
    context: BotContext, user_id: int, message: Message, refs: Mapping[str, Any]
) -> None:
    """Its reply is the reason for this occurrence, from this member only."""
    await context.services.leaves.prompted(user_id, int(refs["occurrence"]), message.message_id)


async def leave(update: Update, context: BotContext) -> None:
    """``/leave``: choose a meeting, then give the reason.

    Also ``<id> <reason>`` at once, ``list`` (a secretary's pending requests) and
    ``cancel <id>`` (withdraw one's own).
    """
    args = arguments(context).split(maxsplit=1)
    user = update.effective_user
    if person_of(user) is None:
        raise UserError("access.person_only", command=commands.LEAVE.name)
    if not args:
        await _start(update, context)
        return
    word = LEAVE_WORDS.code(args[0])
    if word == "list":
        await _list(update, context)
        return
    if word == "cancel":
        if len(args) != 2:
            raise UserError("leave.usage")
        await _cancel(update, context, parse_id(args[1], "leave.usage"))
        return
    if len(args) != 2:
        raise UserError("leave.usage")
    target = parse_id(args[0], "leave.usage")
    place = here(context)
    message = update.effective_message
    await _submit(
        context,
        message,
        target,
        args[1],
        branch_id=None if place.private or place.branch is None else place.branch.id,
    )


async def _start(update: Update, context: BotContext) -> None:
    """Without arguments: the meetings to choose from, in private (a group is told so)."""
    place = here(context)
    user_id = update.effective_user.id
    if place.private:
        await _offer(context, user_id, update.effective_message.reply_text)
        return
    if place.branch is None or not place.branch.active:
        raise UserError("branch.not_registered")
    await reply(update, context, "leave.continue_privately")
    await send_private(
        context,
        user_id=user_id,
        branch=place.branch,
        key="leave.start",
        dedupe_key=f"leave-start:{update.effective_message.message_id}:{user_id}",
        buttons=[("leave.start_button", LeaveStart().pack())],
    )


async def _offer(context: BotContext, user_id: int, answer: Any) -> None:
    """The member's coming meetings (of all their branches) as buttons.

    With only one, its reason prompt at once.
    """
    services = context.services
    branch_ids = await services.storage.memberships.branch_ids(user_id)
    choices = await services.leaves.choices(branch_ids, user_id, context.clock())
    if not choices:
        await answer(context.words("leave.nothing_to_choose"))
        return
    if len(choices) == 1:
        (occurrence,) = choices
        branch = await services.branches.get(occurrence.branch_id)
        await _ask_reason(context, user_id, branch, occurrence)
        return
    rows = [
        [
            InlineKeyboardButton(
                occurrence_line(context.words, o), callback_data=LeaveChoice(o.id).pack()
            )
        ]
        for o in choices
    ]
    await answer(context.words("leave.choose"), reply_markup=InlineKeyboardMarkup(rows))


async def start_pressed(
    update: Update, context: BotContext, data: LeaveStart, branch: Branch | None
) -> None:
    """The private button sent after ``/leave`` in a group: the meetings to choose from."""
    query = update.callback_query
    await query.answer()
    await _offer(context, query.from_user.id, query.message.reply_text)


async def chosen(update: Update, context: BotContext, data: LeaveChoice, branch: Branch) -> None:
    """A meeting chosen: its reason is asked with a reply prompt."""
    query, services = update.callback_query, context.services
    occurrence = await services.leaves.occurrence_for(data.occurrence_id, query.from_user.id)
    await query.answer()
    await _ask_reason(context, query.from_user.id, branch, occurrence)


async def reason_reply(update: Update, context: BotContext) -> None:
    """A private reply to a reason prompt: the member's request, for the prompt's meeting."""
    message = update.effective_message
    replied = message.reply_to_message
    if replied.from_user is None or replied.from_user.id != context.bot.id:
        return  # a reply to the member's own message: nothing asked
    occurrence_id = await context.services.leaves.prompt_of(
        update.effective_user.id, replied.message_id
    )
    if occurrence_id is None:
        raise UserError("leave.prompt_stale")
    await _submit(context, message, occurrence_id, message.text, branch_id=None)


async def _submit(
    context: BotContext,
    message: Message,
    occurrence_id: int,
    reason: str,
    *,
    branch_id: int | None,
) -> None:
    """Record the request, confirm it (with a withdraw button) and tell the secretaries.

    A branch admin's own request goes to the other admins only; with none, it stays recorded
    (pending, withdrawable, shown to an admin named later in ``/leave list``) and the
    requester is told that nobody else can decide it.
    """
    services = context.services
    user_id = message.from_user.id
    request, occurrence, fresh = await services.leaves.request(
        occurrence_id,
        user_id,
        reason,
        context.clock(),
        branch_id=branch_id,
        act=f"{message.chat_id}:{message.message_id}",
    )
    branch = await services.branches.get(occurrence.branch_id)
    deciders = [s for s in await services.auth.secretaries(branch) if s != user_id]
    await message.reply_text(
        context.words(
            "leave.requested" if deciders else "leave.requested_alone",
            meeting=occurrence_line(context.words, occurrence),
        ),
        reply_markup=keyboard(
            context.words, [("leave.withdraw_button", LeaveWithdraw(request.id).pack())]
        ),
    )
    if not fresh:
        return  # a redelivered update: the secretaries were told the first time
    # Kept as the leave's id: the name and reason are read when it is delivered, so a new
    # reason is shown and a member who used /forget is not (one kept per secretary).
    await policy.each(
        deciders,
        lambda secretary: send_private(
            context,
            user_id=secretary,
            branch=branch,
            key="leave.for_secretary",
            dedupe_key=f"leave:{request.id}:{secretary}",
            buttons=_decision_buttons(request.id),
            leave=request.id,
        ),
        what=f"leave request {request.id}",
    )


def _decision_buttons(leave_id: int) -> list[tuple[str, str]]:
    return [
        ("leave.approve_button", LeaveDecision(leave_id, approve=True).pack()),
        ("leave.decline_button", LeaveDecision(leave_id, approve=False).pack()),
    ]


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


@on_delivery("leave.for_secretary")
async def _copy_delivered(
    context: BotContext, user_id: int, message: Message, refs: Mapping[str, Any]
) -> None:
    """Recorded, so that the request's outcome shows on this copy too."""
    await context.services.leaves.copied(int(refs["leave"]), message.chat_id, message.message_id)


async def _show_outcome(
    context: BotContext,
    request: Leave,
    branch: Branch,
    note: str,
    pressed: tuple[int, int] | None = None,
    **params: Any,
) -> None:
    """Every secretary's copy of the request shows its outcome (``note``), without buttons.

    A copy that cannot be edited does not stop the others.
    """
    copies = await context.services.leaves.copies(request.id)
    if pressed is not None and pressed not in copies:
        copies.append(pressed)  # a copy sent before copies were recorded

    async def edit(copy: tuple[int, int]) -> None:
        chat_id, message_id = copy
        words = await reader_words(context, chat_id, branch)
        text = await leave_request_text(context, branch, words, {"leave": request.id})
        outcome = words(note, **params)
        await policy.send(
            context,
            chat_id,
            lambda chat: context.bot.edit_message_text(
                text=f"{text}\n{outcome}" if text else outcome,
                chat_id=chat,
                message_id=message_id,
            ),
            what=f"copy {message_id} of leave {request.id} in {chat_id}",
        )

    await policy.each(copies, edit, what=f"copies of leave {request.id}")


async def decide(update: Update, context: BotContext, data: LeaveDecision, branch: Branch) -> None:
    """A secretary's approve / decline button: every copy shows it, the member is told."""
    query, services = update.callback_query, context.services
    found = await services.leaves.get(data.leave_id)
    if found is None:
        raise UserError("button.stale")  # gone since the gate looked
    request, occurrence = found
    if request.status == "withdrawn":
        raise UserError("leave.withdrawn_before")
    decided = await services.leaves.decide(
        request, occurrence, approve=data.approve, by=query.from_user.id, now=context.clock()
    )
    if not decided:
        await query.answer(context.toast_words("leave.decided_before"), show_alert=True)
        return
    outcome = "leave.approved" if data.approve else "leave.declined"
    await query.answer(context.toast_words(outcome + "_toast"))
    decider = await services.storage.users.get(query.from_user.id)
    await _show_outcome(
        context,
        request,
        branch,
        outcome + "_by",
        pressed=(query.message.chat_id, query.message.message_id),
        name=decider.display_name if decider else str(query.from_user.id),
    )
    await send_private(
        context,
        user_id=request.user_id,
        branch=branch,
        key=outcome,
        dedupe_key=f"leave-outcome:{request.id}",
        occurrence=occurrence.id,
    )


async def _withdraw(context: BotContext, request: Leave, user_id: int) -> None:
    """Withdraw the member's pending request; the secretaries' copies show it."""
    services = context.services
    await services.leaves.withdraw(request, user_id, context.clock())
    found = await services.leaves.get(request.id)
    branch = await services.branches.get(found[1].branch_id) if found else None
    if branch is not None:
        await _show_outcome(context, request, branch, "leave.withdrawn_note")


async def withdraw_pressed(
    update: Update, context: BotContext, data: LeaveWithdraw, branch: Branch
) -> None:
    """The 撤回 button under the member's confirmation."""
    query, services = update.callback_query, context.services
    found = await services.leaves.get(data.leave_id)
    if found is None:
        raise UserError("button.stale")
    await _withdraw(context, found[0], query.from_user.id)
    await query.answer(context.toast_words("leave.withdrawn"))
    await policy.attempt(
        partial(query.edit_message_text, context.words("leave.withdrawn")),
        what=f"withdrawn confirmation of leave {data.leave_id}",
    )


async def _cancel(update: Update, context: BotContext, occurrence_id: int) -> None:
    """``/leave cancel <id>``: withdraw one's pending request for an occurrence."""
    request = await context.services.leaves.of(occurrence_id, update.effective_user.id)
    await _withdraw(context, request, update.effective_user.id)
    await reply(update, context, "leave.withdrawn")


async def _list(update: Update, context: BotContext) -> None:
    """``/leave list``: a secretary's pending requests, privately, each with its buttons."""
    place, services = here(context), context.services
    if not place.private:
        raise UserError("leave.list_private")
    user_id = update.effective_user.id
    branches = await services.auth.secretary_branches(user_id)
    if not branches:
        raise UserError("access.secretary", command=commands.LEAVE.name)
    pending = [
        (request, occurrence)
        for request, occurrence in await services.leaves.pending([b.id for b in branches])
        if request.user_id != user_id  # one's own is decided by another admin
    ]
    if not pending:
        await reply(update, context, "leave.list_none")
        return
    by_id = {b.id: b for b in branches}
    for request, occurrence in pending:
        branch = by_id[occurrence.branch_id]
        text = await leave_request_text(context, branch, context.words, {"leave": request.id})
        if text is None:
            continue
        sent = await update.effective_message.reply_text(
            text, reply_markup=keyboard(context.words, _decision_buttons(request.id))
        )
        await services.leaves.copied(request.id, sent.chat_id, sent.message_id)


def handlers() -> list[BaseHandler]:
    """Handlers of this module."""
    return [
        command(commands.LEAVE, leave),
        button(Rsvp, rsvp),
        button(LeaveDecision, decide),
        button(LeaveStart, start_pressed),
        button(LeaveChoice, chosen),
        button(LeaveWithdraw, withdraw_pressed),
        MessageHandler(
            filters.ChatType.PRIVATE & filters.REPLY & filters.TEXT & ~filters.COMMAND,
            reason_reply,
        ),
    ]
