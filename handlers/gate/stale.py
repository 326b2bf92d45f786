"""Button presses no feature recognises: forged data, or a keyboard from an older version."""

from __future__ import annotations

from telegram import Update
from telegram.ext import BaseHandler, CallbackQueryHandler

from bot.context import BotContext


async def stale_button(update: Update, context: BotContext) -> None:
    """Tells the presser the button no longer works; nothing is recorded."""
    await update.callback_query.answer(context.text("button.stale"), show_alert=True)


def handlers() -> list[BaseHandler]:
    """Handlers of this module (registered after every feature's own button handlers)."""
    return [CallbackQueryHandler(stale_button)]
