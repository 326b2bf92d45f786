"""``/report`` and ``/export``: a branch's participation over a period, sent privately."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from functools import partial
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.ext import BaseHandler

from bot import commands
from bot.auth import ActorKind
from bot.commands import CommandSpec
from bot.context import BotContext
from bot.deeplinks import branch_payload, start_link
from bot.errors import UserError
from bot.i18n import Words
from bot.periods import Period
from bot.reports import export_period, report_period
from handlers.gate.access import command
from handlers.gate.branch_choice import acting_branch, choice_handler
from handlers.gate.buttons import button
from handlers.gate.callbacks import SendToMe
from handlers.gate.place import arguments, here
from handlers.outbound import policy
from handlers.outbound.private import reader_words, renders, send_private
from handlers.outbound.replies import reply
from handlers.views.participation import organisation_report_text, report_text
from storage.models import Branch, from_epoch, to_epoch, to_epoch_end


def period_reference(period: Period) -> dict[str, Any]:
    """A report's period as a kept message holds it (instants in whole seconds)."""
    return {
        "start": to_epoch(period.start),
        "end": to_epoch_end(period.end),
        "first": period.first.isoformat(),
        "last": period.last.isoformat(),
    }


@renders("report.part")
async def kept_report(
    context: BotContext, branch: Branch, words: Words, params: Mapping[str, Any]
) -> str | None:
    """A kept report: computed again over its period, from the rows as they are now."""
    period = Period(
        from_epoch(int(params["start"])),  # type: ignore[arg-type]
        from_epoch(int(params["end"])),  # type: ignore[arg-type]
        date.fromisoformat(params["first"]),
        date.fromisoformat(params["last"]),
    )
    result = await context.services.reports.report(branch, period)
    return report_text(words, branch, result)


async def organisation_report(update: Update, context: BotContext) -> None:
    """``/report org``: each branch of the user's organisations (all, for operators)."""
    if not here(context).private:
        raise UserError("where.private_only")
    services, now, user_id = context.services, context.clock(), update.effective_user.id
    organisations = await services.organisation_reports.visible_to(
        user_id, operator=services.auth.is_operator(user_id)
    )
    if not organisations:
        raise UserError("org_report.none")
    standings = [
        (organisation, await services.organisation_reports.standings(organisation, now))
        for organisation in organisations
    ]
    await update.effective_message.reply_text(organisation_report_text(context.words, standings))


async def report(update: Update, context: BotContext) -> None:
    """Sends the branch's report privately (split at line boundaries)."""
    if arguments(context) == "org":
        await organisation_report(update, context)
        return
    branch = await acting_branch(update, context, commands.REPORT, secretary=True)
    if branch is None:
        return  # asked which branch: the button runs /report
    period = report_period(branch, arguments(context), context.clock())
    if await _offer_to_presser(update, context, commands.REPORT):
        return
    message = update.effective_message
    delivered = await _send_report(
        context,
        branch,
        period,
        user_id=update.effective_user.id,
        dedupe_key=f"report:{message.chat_id}:{message.message_id}",
    )
    if not here(context).private:
        # Kept (the secretary never started the bot): the group got the start-link button.
        await reply(update, context, "report.sent_privately" if delivered else "private.kept")


async def _send_report(
    context: BotContext, branch: Branch, period: Period, *, user_id: int, dedupe_key: str
) -> bool:
    """Send the report privately (the bot splits it); True if delivered now.

    If it must wait for the user to start the bot, the period is kept, not the text: it is
    computed again when delivered, from the rows as they are then.
    """
    result = await context.services.reports.report(branch, period)
    words = await reader_words(context, user_id, branch)
    text = report_text(words, branch, result)
    return await send_private(
        context,
        user_id=user_id,
        branch=branch,
        key="report.part",
        dedupe_key=dedupe_key,
        keep=period_reference(period),
        text=text,
    )


async def export(update: Update, context: BotContext) -> None:
    """Sends the four CSV files privately as documents."""
    branch = await acting_branch(update, context, commands.EXPORT, secretary=True)
    if branch is None:
        return  # asked which branch: the button runs /export
    period = export_period(branch, arguments(context), context.clock())
    if await _offer_to_presser(update, context, commands.EXPORT):
        return
    sent = await _send_export(
        context, branch, period, user_id=update.effective_user.id, asked=update.effective_message
    )
    if sent and not here(context).private:
        await reply(update, context, "export.sent_privately", first=period.first, last=period.last)


async def _send_export(
    context: BotContext, branch: Branch, period: Period, *, user_id: int, asked: Message
) -> bool:
    """Send the CSV files privately; True if sent (a failure stops the rest).

    If the user never started the bot, ``asked`` is answered with a button that opens the
    private chat and False is returned.

    Raises:
        policy.NotDelivered: a file did not arrive for another reason.
    """
    files = await context.services.reports.export(branch, period)
    for name, content in files.items():
        sent = await policy.send(
            context,
            user_id,
            partial(context.bot.send_document, document=content, filename=name),
            what=f"export file to {user_id}",
        )
        if sent.outcome is policy.Outcome.FORBIDDEN:
            link = start_link(context.bot.username, branch_payload(branch.id))
            button = InlineKeyboardButton(context.words("private.open"), url=link)
            await asked.reply_text(
                context.words("export.start_first"), reply_markup=InlineKeyboardMarkup([[button]])
            )
            return False
        if not sent.delivered:
            raise policy.NotDelivered(f"export file to {user_id}", sent)
    return True


async def _offer_to_presser(update: Update, context: BotContext, spec: CommandSpec) -> bool:
    """An anonymous admin cannot be written to: the group gets a "send it to me" button.

    Returns:
        True if the button was posted (nothing is sent now).
    """
    actor = here(context).actor
    if actor is None or actor.kind is not ActorKind.ANONYMOUS_ADMIN:
        return False
    data = SendToMe(spec.name, arguments(context))
    if not data.fits():
        raise UserError(f"{spec.name}.usage")
    offer = InlineKeyboardButton(context.words("send_to_me.button"), callback_data=data.pack())
    await update.effective_message.reply_text(
        context.words("send_to_me.ask", command=spec.name),
        reply_markup=InlineKeyboardMarkup([[offer]]),
    )
    return True


async def send_to_me(update: Update, context: BotContext, data: SendToMe, branch: Branch) -> None:
    """The "send it to me" button: a secretary who presses it gets the report or files."""
    query, now = update.callback_query, context.clock()
    user_id, message = query.from_user.id, query.message
    if data.command == commands.REPORT.name:
        period = report_period(branch, data.args, now)
        delivered = await _send_report(
            context,
            branch,
            period,
            user_id=user_id,
            dedupe_key=f"report:{message.chat_id}:{message.message_id}:{user_id}",
        )
        await query.answer(context.words("report.sent_privately" if delivered else "private.kept"))
        return
    period = export_period(branch, data.args, now)
    if await _send_export(context, branch, period, user_id=user_id, asked=message):
        await query.answer(
            context.words("export.sent_privately", first=period.first, last=period.last)
        )
    else:
        await query.answer()


def handlers() -> list[BaseHandler]:
    """Handlers of this module."""
    return [
        command(commands.REPORT, report),
        choice_handler(commands.REPORT, report),
        command(commands.EXPORT, export),
        choice_handler(commands.EXPORT, export),
        button(SendToMe, send_to_me),
    ]
