"""Reaching a member privately, with the group's start-link button when Telegram refuses.

A bot may write to a user only after the user started it. When a private message is refused,
it is kept, the group is shown once a button that opens the private chat, and it is
delivered when the user starts the bot.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import Forbidden

from bot.context import BotContext
from bot.deeplinks import branch_payload
from bot.i18n import language_of
from handlers.common import NOT_PEOPLE
from storage.models import Branch

logger = logging.getLogger(__name__)


def keyboard(
    context: BotContext, language: str, buttons: Sequence[tuple[str, str]]
) -> InlineKeyboardMarkup | None:
    """One button per row: (catalog key of the label, callback data)."""
    if not buttons:
        return None
    translate = context.services.translate
    return InlineKeyboardMarkup(
        [
            [InlineKeyboardButton(translate(language, label), callback_data=data)]
            for label, data in buttons
        ]
    )


async def send_private(
    context: BotContext,
    *,
    user_id: int,
    branch: Branch,
    key: str,
    dedupe_key: str,
    buttons: Sequence[tuple[str, str]] = (),
    fallback: bool = True,
    **params: Any,
) -> bool:
    """Send a catalog message to a user privately; keep it for later if Telegram refuses.

    Args:
        context: the callback context.
        user_id: the recipient.
        branch: the branch the message is about (its group gets the fallback button).
        key: the catalog key; rendered in the user's language, else the branch's.
        dedupe_key: identifies the act behind the message, so a replay keeps nothing twice.
        buttons: (label key, callback data) pairs shown under the message.
        fallback: if False, a refused message is dropped instead of kept (a nudge).
        **params: the key's parameters.

    Returns:
        True if delivered now, False if it waits for the user to start the bot (or, without
        fallback, was dropped).
    """
    services = context.services
    if user_id in NOT_PEOPLE:
        # Telegram's stand-in for anonymous admins and channels is no one: nothing is sent
        # to it or kept for it (anonymous admins get a "send it to me" button instead).
        logger.warning("not sending %s privately to the stand-in sender %s", key, user_id)
        return False
    user = await services.storage.users.get(user_id)
    language = language_of(user.language_code if user else None) or branch.language
    try:
        await context.bot.send_message(
            user_id,
            services.translate(language, key, **params),
            reply_markup=keyboard(context, language, buttons),
        )
    except Forbidden as exc:
        logger.info("user %s cannot be written to privately (%s)", user_id, exc)
        if not fallback:
            return False
    else:
        return True
    must_prompt = await services.delivery.hold(
        user_id=user_id,
        branch_id=branch.id,
        message_key=key,
        params=params,
        dedupe_key=dedupe_key,
        now=context.clock(),
        buttons=list(buttons),
    )
    if must_prompt:
        name = user.display_name if user else str(user_id)
        link = f"https://t.me/{context.bot.username}?start={branch_payload(branch.id)}"
        button = InlineKeyboardButton(
            services.translate(branch.language, "private.open"), url=link
        )
        await context.bot.send_message(
            branch.chat_id,
            services.translate(branch.language, "private.waiting", name=name),
            reply_markup=InlineKeyboardMarkup([[button]]),
        )
    return False


async def deliver_waiting(context: BotContext, user_id: int, language: str) -> int:
    """Send a user who just started the bot everything kept for them; return how many."""
    services = context.services
    delivered = 0
    for message in await services.delivery.waiting(user_id):
        text = services.translate(language, message.message_key, **message.params)
        await context.bot.send_message(
            user_id, text, reply_markup=keyboard(context, language, message.buttons)
        )
        await services.delivery.delivered(message, context.clock())
        delivered += 1
    return delivered
