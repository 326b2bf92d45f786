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
from bot.leave import LEAVE_WORDS
from bot.settings import normalize
from handlers.gate.access import command
from handlers.gate.buttons import button
from handlers.gate.callbacks import LeaveChoice, LeaveDecision, LeaveStart, LeaveWithdraw, Rsvp
from handlers.gate.place import arguments, here, parse_id, person_of
from handlers.outbound import policy
from handlers.outbound.leave_copies import request_text, show_on_copies
from handlers.outbound.private import on_delivery, send_private, start_button
from handlers.outbound.replies import reply
from handlers.views.keyboards import keyboard
from handlers.views.meetings import occurrence_line
from storage.leaves import Leave
from storage.models import Branch, OccurrenceView


async def rsvp(update: Update, context: BotContext, data: Rsvp, branch: Branch) -> None:
    """A reminder's button: going (which withdraws a pending request), or cannot come.

    The reason is then asked privately; one who never started the bot is told to start it.
    """
    query, services = update.callback_query, context.services
    user_id = query.from_user.id
    occurrence, withdrawn = await services.leaves.answer(
        data.occurrence_id, user_id, going=data.going, now=context.clock()
    )
    if data.going:
        if withdrawn is not None:
            await show_on_copies(context, withdrawn.id, branch)
        going = "rsvp.going_withdrawn" if withdrawn else "rsvp.going"
        await query.answer(context.toast_words(going))
        return
    asked = await _ask_reason(context, user_id, branch, occurrence)
    await query.answer(context.toast_words("rsvp.not_going" if asked else "rsvp.not_going_kept"))


async def _ask_reason(
    context: BotContext, user_id: int, branch: Branch, occurrence: OccurrenceView
) -> bool:
    """The reason prompt, privately (kept with the start link if the member never started).

    Returns:
        True if it was delivered now.
    """
    return await send_private(
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
    # The reason as written (full-width punctuation kept): the raw text after the id.
    message = update.effective_message
    written = (message.text or "").split(maxsplit=2)
    if len(written) != 3:
        raise UserError("leave.usage")
    target = parse_id(normalize(written[1]), "leave.usage")
    place = here(context)
    await _submit(
        context,
        message,
        target,
        written[2],
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
    if await send_private(
        context,
        user_id=user_id,
        branch=place.branch,
        key="leave.start",
        dedupe_key=f"leave-start:{update.effective_message.message_id}:{user_id}",
        buttons=[("leave.start_button", LeaveStart().pack())],
        announce=False,
    ):
        await reply(update, context, "leave.continue_privately")
        return
    await update.effective_message.reply_text(
        context.words("leave.start_kept"),
        reply_markup=start_button(context, context.words, place.branch),
    )


async def _offer(context: BotContext, user_id: int, answer: Any) -> None:
    """The member's coming meetings (of all their branches) as buttons.

    With only one, its reason prompt at once.
    """
    services, words = context.services, context.words
    branch_ids = await services.storage.memberships.branch_ids(user_id)
    choices = await services.leaves.choices(branch_ids, user_id, context.clock())
    if not choices:
        await answer(words("leave.nothing_to_choose"))
        return
    if len(choices) == 1:
        (occurrence,) = choices
        branch = await services.branches.get(occurrence.branch_id)
        await _ask_reason(context, user_id, branch, occurrence)
        return
    # A member of several branches is shown whose meeting each is.
    titles = (
        {b: (await services.branches.get(b)).title for b in branch_ids}
        if len(branch_ids) > 1
        else {}
    )

    def label(o: OccurrenceView) -> str:
        line = occurrence_line(words, o)
        title = titles.get(o.branch_id)
        return words("list.labelled", head=title, items=line) if title else line

    rows = [
        [InlineKeyboardButton(label(o), callback_data=LeaveChoice(o.id).pack())] for o in choices
    ]
    await answer(words("leave.choose"), reply_markup=InlineKeyboardMarkup(rows))


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
    """A private reply to a reason prompt: the member's request, for the prompt's meeting.

    A reply to a prompt answered before is told so; a reply to any other message (one that
    asked nothing) and a redelivered reply are left unanswered.
    """
    message, leaves = update.effective_message, context.services.leaves
    replied = message.reply_to_message
    if replied.from_user is None or replied.from_user.id != context.bot.id:
        return  # a reply to the member's own message: nothing asked
    user_id = update.effective_user.id
    occurrence_id = await leaves.prompt_of(user_id, replied.message_id)
    if occurrence_id is None:
        if await leaves.redelivered(_act(message)):
            return
        if await leaves.answered_before(user_id, replied.message_id):
            raise UserError("leave.prompt_stale")
        return
    await _submit(context, message, occurrence_id, message.text, branch_id=None)


def _act(message: Message) -> str:
    """The message that asks for leave, as its request records it."""
    return f"{message.chat_id}:{message.message_id}"


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
        act=_act(message),
    )
    if not fresh:
        return  # a redelivered update: answered, and the secretaries told, the first time
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
    # Copies of an earlier reason, or of the request before it was withdrawn, act no more.
    await show_on_copies(context, request.id, branch, note="leave.superseded_note")
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
    await show_on_copies(
        context, request.id, branch, pressed=(query.message.chat_id, query.message.message_id)
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
        await show_on_copies(context, request.id, branch)


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
        raise UserError("access.secretary", command=f"{commands.LEAVE.name} list")
    pending = await services.leaves.pending([b.id for b in branches], deciding=user_id)
    if not pending:
        await reply(update, context, "leave.list_none")
        return
    by_id = {b.id: b for b in branches}
    for request, occurrence in pending:
        branch = by_id[occurrence.branch_id]
        text = await request_text(context, branch, context.words, {"leave": request.id})
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
