"""``/forget``: a member deletes their personal data, after a confirmation button."""

from __future__ import annotations

from telegram import Update
from telegram.ext import BaseHandler

from bot import commands
from bot.context import BotContext
from handlers.gate.access import command
from handlers.gate.buttons import button
from handlers.gate.callbacks import Forget
from handlers.outbound.leave_copies import show_on_copies
from handlers.outbound.menus import forget_menus
from handlers.views.keyboards import keyboard
from storage.models import Branch


async def forget(update: Update, context: BotContext) -> None:
    """Asks for confirmation."""
    buttons = [
        ("forget.yes_button", Forget(confirmed=True).pack()),
        ("forget.no_button", Forget(confirmed=False).pack()),
    ]
    await update.effective_message.reply_text(
        context.words("forget.confirm"),
        reply_markup=keyboard(context.words, buttons),
    )


async def confirmed(
    update: Update, context: BotContext, data: Forget, branch: Branch | None
) -> None:
    """The confirmation buttons: delete, or keep everything."""
    query, services = update.callback_query, context.services
    if data.confirmed:
        user_id = query.from_user.id
        await forget_menus(context, user_id)
        # Pending requests are withdrawn with the person: their copies say so, naming no one.
        pending = await services.leaves.pending_of(user_id)
        await services.members.forget(user_id)
        for request, occurrence in pending:
            branch = await services.branches.get(occurrence.branch_id)
            if branch is not None:
                await show_on_copies(context, request.id, branch)
    await query.answer()
    await query.edit_message_text(
        context.words("forget.done" if data.confirmed else "forget.kept")
    )


def handlers() -> list[BaseHandler]:
    """Handlers of this module."""
    return [
        command(commands.FORGET, forget),
        button(Forget, confirmed),
    ]
