"""The one error handler.

User errors become localized answers, Telegram refusals change the branch's state, and
anything else is logged (without the update's content) and operators are told.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from telegram import Chat, Update
from telegram.error import ChatMigrated, Forbidden, TelegramError

from bot.context import BotContext
from bot.errors import UserError
from handlers.gate.place import locate
from handlers.outbound.policy import follow_migration

logger = logging.getLogger(__name__)

NOTIFY_EVERY = timedelta(minutes=10)
GROUP_TYPES = (Chat.GROUP, Chat.SUPERGROUP)


def describe(update: object) -> str:
    """Name an update for the log by its id, kind and chat, never by what it says."""
    if not isinstance(update, Update):
        return "a job" if update is None else type(update).__name__
    kinds = [key for key, value in update.to_dict().items() if key != "update_id" and value]
    chat = update.effective_chat
    return f"update {update.update_id} ({', '.join(kinds)}) in chat {chat.id if chat else '-'}"


async def _tell_user(update: Update, context: BotContext, error: UserError) -> None:
    # PTB hands error handlers a fresh context: the place is resolved again for the language.
    context.here = await locate(update, context)
    text = context.text(error.key, **error.params)
    try:
        if update.callback_query:
            # A button is not typed: no usage line (and an alert holds 200 characters).
            await update.callback_query.answer(text, show_alert=True)
        elif update.effective_message:
            if error.usage is not None and error.usage != error.key:
                text += "\n\n" + context.text(error.usage)
            await update.effective_message.reply_text(text)
    except TelegramError as exc:
        logger.warning("could not answer %s: %s", describe(update), exc)


async def _notify_operators(context: BotContext, error: Exception) -> None:
    """Tell operators privately, at most once per NOTIFY_EVERY for each kind of error."""
    last: dict[str, datetime] = context.bot_data.setdefault("errors_notified", {})
    kind, now = type(error).__name__, context.clock()
    if kind in last and now - last[kind] < NOTIFY_EVERY:
        return
    last[kind] = now
    for operator in context.config.bot.operators:
        try:
            await context.bot.send_message(
                operator,
                context.services.translate(
                    context.config.bot.language, "error.operator", kind=kind
                ),
            )
        except TelegramError as exc:
            logger.warning("could not notify operator %s: %s", operator, exc)


async def on_error(update: object, context: BotContext) -> None:
    """Handle any exception raised by a handler or job."""
    error = context.error
    chat = update.effective_chat if isinstance(update, Update) else None
    if isinstance(error, UserError) and isinstance(update, Update):
        await _tell_user(update, context, error)
    elif isinstance(error, ChatMigrated) and chat is not None:
        await follow_migration(context, chat.id, error.new_chat_id)
    elif isinstance(error, Forbidden) and chat is not None and chat.type in GROUP_TYPES:
        await context.services.branches.deactivate_chat(chat.id, str(error))
    else:
        logger.error("error while handling %s", describe(update), exc_info=error)
        await _notify_operators(context, error)
