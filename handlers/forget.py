"""``/forget``: a member deletes their personal data, after a confirmation button."""

from __future__ import annotations

from telegram import Update
from telegram.ext import BaseHandler, CallbackQueryHandler

from bot import commands
from bot.context import BotContext
from bot.errors import UserError
from handlers.common import command, here
from handlers.private import keyboard

YES, NO = "forget:yes", "forget:no"


async def forget(update: Update, context: BotContext) -> None:
    """Asks for confirmation."""
    buttons = [("forget.yes_button", YES), ("forget.no_button", NO)]
    await update.effective_message.reply_text(
        context.text("forget.confirm"),
        reply_markup=keyboard(context, here(context).language, buttons),
    )


async def confirmed(update: Update, context: BotContext) -> None:
    """The confirmation buttons: delete, or keep everything."""
    query = update.callback_query
    if not here(context).private:
        raise UserError("button.stale")
    if query.data == YES:
        await context.services.members.forget(query.from_user.id)
    await query.answer()
    await query.edit_message_text(
        context.text("forget.done" if query.data == YES else "forget.kept")
    )


def handlers() -> list[BaseHandler]:
    """Handlers of this module."""
    return [
        command(commands.FORGET, forget),
        CallbackQueryHandler(confirmed, pattern=f"^({YES}|{NO})$"),
    ]
