"""What the bot sends fits Telegram's limits: long texts as several messages.

``LimitedBot`` is the application's bot, so a reply, a scheduled post, a private message or
an edit is split by ``bot.text.split_message`` at line boundaries (a longer line is cut too),
whichever handler sends it. A keyboard goes under the last part, where the text ends.
A callback answer (a toast or an alert) longer than Telegram's 200 characters is cut with "…",
and goes through the send policy: an answer that fails (a press answered before, around a
restart) is logged, never the handler's error.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from telegram import Message
from telegram.ext import BaseRateLimiter, ExtBot
from telegram.request import HTTPXRequest

from bot.text import shorten, split_message
from handlers.outbound.policy import attempt

# As ApplicationBuilder would build them: many concurrent sends, one long poll.
CONNECTION_POOL_SIZE = 256
# Positional place of ``reply_markup`` after ``chat_id`` and ``text`` in ``send_message``.
_MARKUP_ARG = 4
# A callback answer (toast or alert) takes at most 200 characters.
CALLBACK_ANSWER_LIMIT = 200


def parts(text: str) -> list[str]:
    """The messages a text is sent as (never a blank one unless the text is blank)."""
    chunks = [chunk for chunk in split_message(text) if chunk.strip()]
    return chunks or [text]


class LimitedBot(ExtBot[Any]):
    """The bot, sending long texts as several messages."""

    async def send_message(  # type: ignore[override]
        self, chat_id: int | str, text: str, *args: Any, **kwargs: Any
    ) -> Message:
        """Send ``text``; above the limit, as consecutive messages, the keyboard on the last.

        Returns:
            The last message sent (the one carrying the keyboard).
        """
        chunks = parts(text)
        if len(chunks) == 1:
            return await super().send_message(chat_id, chunks[0], *args, **kwargs)
        head = list(args)
        markup = kwargs.pop("reply_markup", None)
        if len(head) > _MARKUP_ARG:
            markup, head[_MARKUP_ARG] = head[_MARKUP_ARG], None
        for chunk in chunks[:-1]:
            await super().send_message(chat_id, chunk, *head, **kwargs)
        return await super().send_message(
            chat_id, chunks[-1], *head, reply_markup=markup, **kwargs
        )

    async def answer_callback_query(  # type: ignore[override]
        self, callback_query_id: str, text: str | None = None, *args: Any, **kwargs: Any
    ) -> bool:
        """Answer a button press; a longer text is cut to the limit with "…".

        A press Telegram delivers again (around a restart) was answered the first time, and
        Telegram refuses a second answer: that refusal, like any failed answer, is no error of
        the handler's (the send policy logs it).

        Returns:
            Whether Telegram took the answer.
        """
        if text is not None:
            text = shorten(text, CALLBACK_ANSWER_LIMIT)
        answer = partial(super().answer_callback_query, callback_query_id, text, *args, **kwargs)
        sent = await attempt(answer, what=f"answer to button press {callback_query_id}")
        return sent.delivered

    async def edit_message_text(  # type: ignore[override]
        self, text: str, *args: Any, **kwargs: Any
    ) -> Message | bool:
        """Edit a message's text; above the limit, the rest follows as new messages.

        The keyboard goes under the last part. An inline message (no chat) is cut to the
        first part.
        """
        chunks = parts(text)
        if len(chunks) == 1:
            return await super().edit_message_text(chunks[0], *args, **kwargs)
        chat_id = kwargs.get("chat_id", args[0] if args else None)
        markup = kwargs.pop("reply_markup", None)
        edited = await super().edit_message_text(chunks[0], *args, **kwargs)
        if chat_id is None:
            return edited
        for chunk in chunks[1:-1]:
            await super().send_message(chat_id, chunk)
        await super().send_message(chat_id, chunks[-1], reply_markup=markup)
        return edited


def build_bot(
    *, token: str, base_url: str, base_file_url: str, rate_limiter: BaseRateLimiter[Any]
) -> LimitedBot:
    """The application's bot, with the requests ApplicationBuilder would have made."""
    return LimitedBot(
        token=token,
        base_url=base_url,
        base_file_url=base_file_url,
        request=HTTPXRequest(connection_pool_size=CONNECTION_POOL_SIZE),
        get_updates_request=HTTPXRequest(connection_pool_size=1),
        rate_limiter=rate_limiter,
    )
