"""The one error handler.

User errors become localized answers; a failed request to Telegram goes to the send policy,
which settles what changes a branch's state or means no harm; anything else is logged (without
the update's content) and operators are told.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from functools import partial

from telegram import Update

from bot.context import BotContext
from bot.errors import UserError
from bot.i18n import language_of
from handlers.gate.place import locate
from handlers.outbound import policy

logger = logging.getLogger(__name__)

NOTIFY_EVERY = timedelta(minutes=10)


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
    if update.callback_query:
        # A button is not typed: no usage line (and an alert holds 200 characters).
        text = context.toast_words(error.key, **error.params)
        await update.callback_query.answer(text, show_alert=True)
    elif update.effective_message:
        text = context.words(error.key, **error.params)
        if error.usage is not None and error.usage != error.key:
            text += "\n\n" + context.words(error.usage)
        await policy.attempt(
            partial(update.effective_message.reply_text, text),
            what=f"answer to {describe(update)}",
        )


async def _notify_operators(context: BotContext, error: Exception) -> None:
    """Tell operators privately, at most once per NOTIFY_EVERY for each kind of error."""
    last: dict[str, datetime] = context.bot_data.setdefault("errors_notified", {})
    kind, now = type(error).__name__, context.clock()
    if kind in last and now - last[kind] < NOTIFY_EVERY:
        return
    last[kind] = now

    async def tell(operator: int) -> None:
        # An operator reads their own language (as Telegram last told it), else the bot's.
        user = await context.services.storage.users.get(operator)
        language = language_of(user.language_code if user else None)
        words = context.services.catalogs.words(language or context.config.bot.language)
        await policy.send(
            context,
            operator,
            partial(context.bot.send_message, text=words("error.operator", kind=kind)),
            what=f"error notice to operator {operator}",
        )

    await policy.each(sorted(context.config.bot.operators), tell, what="error notice")


async def on_error(update: object, context: BotContext) -> None:
    """Handle any exception raised by a handler or job."""
    error = context.error
    chat = update.effective_chat if isinstance(update, Update) else None
    if isinstance(error, UserError) and isinstance(update, Update):
        await _tell_user(update, context, error)
        return
    if isinstance(error, policy.NotDelivered) and isinstance(update, Update):
        # Nothing was kept: the user must not believe it went out.
        await _tell_user(update, context, UserError("private.not_delivered"))
    if not await policy.settle(context, chat.id if chat else None, error):
        logger.error("error while handling %s", describe(update), exc_info=error)
        await _notify_operators(context, error)
