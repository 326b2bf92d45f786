"""Answering the update in hand: a reply in the chat's language, a page turned in place."""

from __future__ import annotations

from functools import partial
from typing import Any

from telegram import CallbackQuery, InlineKeyboardMarkup, Message, Update

from bot.context import BotContext
from handlers.outbound.policy import attempt


async def reply(update: Update, context: BotContext, key: str, **params: Any) -> Message:
    """Answer the update's message in the chat's language."""
    message = update.effective_message
    if message is None:
        raise RuntimeError("no message to answer")
    return await message.reply_text(context.words(key, **params))


async def turn_to(query: CallbackQuery, markup: InlineKeyboardMarkup | None) -> None:
    """Answer a ◀ ▶ press by showing ``markup`` (a second tap on the same page changes nothing)."""
    await query.answer()
    await attempt(
        partial(query.edit_message_reply_markup, markup), what=f"page turn of press {query.id}"
    )
