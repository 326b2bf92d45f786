"""Reaching a member privately, with the group's start-link button when Telegram refuses.

A bot may write to a user only after the user started it. When a private message is refused,
it is kept, the group is shown once a button that opens the private chat, and it is
delivered when the user starts the bot.

A kept message holds references, not text: a message that names other people (a leave
request, a roll, a report) is kept as the ids it is about and rendered from the live rows when
it is delivered, by the renderer registered for its catalog key. So ``/forget`` has nothing to
rewrite in it: the forgotten person is simply not named, or the message is dropped. A delivered
message is deleted, and nothing is ever sent to a forgotten person's stand-in.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Mapping, Sequence
from functools import partial
from typing import Any

from telegram import (
    ForceReply,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
    ReplyParameters,
    Update,
)

from bot.context import BotContext
from bot.deeplinks import branch_payload, start_link
from bot.i18n import Words, language_of
from handlers.gate.place import NOT_PEOPLE
from handlers.outbound import policy
from handlers.views.keyboards import keyboard
from handlers.views.meetings import occurrence_line
from storage.models import Branch, User

logger = logging.getLogger(__name__)

# The reaction under a group command whose answer went privately.
SENT_PRIVATELY = "✍"


# Renders a kept message from its references: (context, branch, the reader's words, params)
# -> the text to send (the bot splits a long one), or None when there is nothing left to say
# (its subject was forgotten or gone).
Renderer = Callable[[BotContext, Branch, Words, Mapping[str, Any]], Awaitable[str | None]]
_RENDERERS: dict[str, Renderer] = {}
# Whether a kept message's buttons still act, from its references (a request decided while
# it waited is delivered showing its outcome, without buttons).
Live = Callable[[BotContext, Mapping[str, Any]], Awaitable[bool]]
_LIVE: dict[str, Live] = {}


def renders(key: str, *, live: Live | None = None) -> Callable[[Renderer], Renderer]:
    """Register the renderer of the catalog key ``key``: its params are references.

    ``live`` says whether the buttons kept with it still act when it is delivered late.
    """

    def register(renderer: Renderer) -> Renderer:
        _RENDERERS[key] = renderer
        if live is not None:
            _LIVE[key] = live
        return renderer

    return register


# What follows a private message's delivery, now or once kept until a start: (context, the
# recipient, the message Telegram made, its references); a prompt also asks for a reply.
Delivered = Callable[[BotContext, int, Message, Mapping[str, Any]], Awaitable[None]]
_DELIVERED: dict[str, Delivered] = {}
_PROMPTS: set[str] = set()


def on_delivery(key: str, *, prompt: bool = False) -> Callable[[Delivered], Delivered]:
    """Register what follows the delivery of the catalog key ``key`` (recording its id).

    A ``prompt`` is sent with the reply field open (Telegram's ForceReply).
    """

    def register(delivered: Delivered) -> Delivered:
        _DELIVERED[key] = delivered
        if prompt:
            _PROMPTS.add(key)
        return delivered

    return register


def _markup(
    words: Words, key: str, buttons: Sequence[tuple[str, str]]
) -> InlineKeyboardMarkup | ForceReply | None:
    return ForceReply(selective=True) if key in _PROMPTS else keyboard(words, buttons)


async def _delivered(
    context: BotContext, user_id: int, key: str, message: Message, refs: Mapping[str, Any]
) -> None:
    hook = _DELIVERED.get(key)
    if hook is not None:
        await hook(context, user_id, message, refs)


async def render(
    context: BotContext, branch: Branch, words: Words, key: str, params: Mapping[str, Any]
) -> str | None:
    """The text of a private message now, in the reader's ``words``.

    Its renderer's, if the key has one; else the catalog text of ``key``, with the line of
    the occurrence it names (``occurrence``) written now, so a meeting type is named in the
    reader's language (None if the occurrence is gone).
    """
    renderer = _RENDERERS.get(key)
    if renderer is not None:
        return await renderer(context, branch, words, params)
    if "occurrence" not in params:
        return words(key, **params)
    occurrence = await context.services.storage.meetings.occurrence(int(params["occurrence"]))
    if occurrence is None:
        return None
    return words(key, meeting=occurrence_line(words, occurrence), id=occurrence.id)


async def reader_words(context: BotContext, user_id: int, branch: Branch) -> Words:
    """The words of a private message to ``user_id`` about ``branch``."""
    return _words_of(context, await context.services.storage.users.get(user_id), branch)


def _words_of(context: BotContext, user: User | None, branch: Branch) -> Words:
    return context.services.catalogs.words(
        reader_language(user.language_code if user else None, branch.language)
    )


def reader_language(language_code: str | None, branch_language: str) -> str:
    """A member reads their own language (as Telegram last told it), else the branch's."""
    return language_of(language_code) or branch_language


async def send_private(
    context: BotContext,
    *,
    user_id: int,
    branch: Branch,
    key: str,
    dedupe_key: str,
    buttons: Sequence[tuple[str, str]] = (),
    fallback: bool = True,
    announce: bool = True,
    keep: Mapping[str, Any] | None = None,
    asked: Message | None = None,
    **params: Any,
) -> bool:
    """Send a catalog message to a user privately; keep it for later if Telegram refuses.

    Args:
        context: the callback context.
        user_id: the recipient; never a forgotten person's stand-in (nothing is sent).
        branch: the branch the message is about (its group gets the fallback button).
        key: the catalog key, or a key with a registered renderer; rendered in the user's
            language, else the branch's.
        dedupe_key: identifies the act behind the message, so a replay keeps nothing twice;
            made of ids only, never of what the message says.
        buttons: (label key, callback data) pairs shown under the (last) message.
        fallback: if False, a refused message is dropped instead of kept (a nudge).
        announce: if False, a kept message does not post the group's start-link button:
            the caller answers in the group with its own line and button (``start_button``).
        keep: what to keep instead of ``params`` if the message must wait: the references
            that the key's renderer reads when it is delivered (``params`` then hold the
            text as sent now). Without it, ``params`` are kept, so they must be references
            for a key with a renderer, and plain values naming nobody for any other key.
        asked: the group message that asked for it, if any: a kept message is answered with
            one reply to it (the start-link button, or a line pointing to the one shown).
        **params: the key's parameters now; for a key with a renderer and no ``keep``, the
            references it reads.

    Returns:
        True if delivered now, False if it waits for the user to start the bot (or, without
        fallback, was dropped, or there was nothing to send).

    Raises:
        policy.NotDelivered: Telegram did not take it for another reason (or may have taken
            it): nothing is kept, and the user cannot be told it went out.
    """
    services = context.services
    if user_id in NOT_PEOPLE:
        # Telegram's stand-in for anonymous admins and channels is no one: nothing is sent
        # to it or kept for it (anonymous admins get a "send it to me" button instead).
        logger.warning("not sending %s privately to the stand-in sender %s", key, user_id)
        return False
    user = await services.storage.users.get(user_id)
    if user is not None and user.forgotten:
        logger.info("private %s not sent: its recipient used /forget", key)
        return False
    words = _words_of(context, user, branch)
    text = (
        await render(context, branch, words, key, params) if keep is None else words(key, **params)
    )
    if not text:
        return False
    sent = await policy.send(
        context,
        user_id,
        partial(
            context.bot.send_message,
            text=text,
            reply_markup=_markup(words, key, buttons),
        ),
        what=f"private {key} to {user_id}",
    )
    if sent.delivered:
        await _delivered(context, user_id, key, sent.result, params if keep is None else keep)
        return True
    if sent.outcome is not policy.Outcome.FORBIDDEN:
        raise policy.NotDelivered(f"private {key} to {user_id}", sent)
    if not fallback:
        return False
    must_prompt = await services.delivery.hold(
        user_id=user_id,
        branch_id=branch.id,
        message_key=key,
        params=dict(params if keep is None else keep),
        dedupe_key=dedupe_key,
        now=context.clock(),
        buttons=list(buttons),
    )
    group_words = context.words_for(branch)
    if must_prompt and announce:
        name = user.display_name if user else str(user_id)
        await policy.send(
            context,
            branch.chat_id,
            partial(
                context.bot.send_message,
                text=group_words("private.waiting", name=name),
                reply_markup=start_button(context, group_words, branch),
                reply_parameters=(
                    ReplyParameters(asked.message_id, allow_sending_without_reply=True)
                    if asked
                    else None
                ),
            ),
            what=f"start-link button of branch {branch.id}",
        )
    elif asked is not None:
        await policy.attempt(
            partial(asked.reply_text, group_words("private.kept")),
            what=f"kept notice in chat {asked.chat_id}",
        )
    return False


def start_button(context: BotContext, words: Words, branch: Branch) -> InlineKeyboardMarkup:
    """The button that opens the private chat with the bot, from the branch's group."""
    link = start_link(context.bot.username, branch_payload(branch.id))
    return InlineKeyboardMarkup([[InlineKeyboardButton(words("private.open"), url=link)]])


async def answer_privately(
    update: Update, context: BotContext, branch: Branch, key: str, **params: Any
) -> None:
    """A personal answer asked for in a group goes privately; the group gets a reaction.

    A group that allows no reactions gets one short line instead. One who never started the
    bot gets it kept and one reply: the start-link button (or, once shown, a line pointing to
    it). ``key`` and ``params`` are as for ``send_private``.
    """
    message = update.effective_message
    delivered = await send_private(
        context,
        user_id=update.effective_user.id,
        branch=branch,
        key=key,
        dedupe_key=f"{key}:{message.chat_id}:{message.message_id}",
        asked=message,
        **params,
    )
    if not delivered:
        return
    reacted = await policy.attempt(
        partial(message.set_reaction, SENT_PRIVATELY),
        what=f"sent-privately reaction in chat {message.chat_id}",
    )
    if not reacted.delivered:
        await message.reply_text(context.words("private.sent"))


async def deliver_waiting(context: BotContext, user_id: int) -> int:
    """Send a user who just started the bot everything kept for them; return how many.

    Each is rendered now, from the live rows, in the words a private message about its
    branch is written in; one with nothing left to say is dropped. Either way the kept row is
    deleted, unless the send provably did not arrive and may later (it waits for the next
    start); one that may have arrived is not sent again.
    """
    services = context.services
    delivered = 0
    user = await services.storage.users.get(user_id)
    for message in await services.delivery.waiting(user_id):
        branch = await services.branches.get(message.branch_id)
        key, text, words = message.message_key, None, None
        try:
            if branch is not None:
                words = _words_of(context, user, branch)
                text = await render(context, branch, words, key, message.params)
        except (KeyError, TypeError, ValueError):
            # A kept message this version cannot read must not block all that follow it.
            logger.exception("kept message %s (%s) dropped", message.id, key)
        if text and words is not None:
            live = _LIVE.get(key)
            acts = live is None or await live(context, message.params)
            buttons = message.buttons if acts else ()
            sent = await policy.send(
                context,
                user_id,
                partial(
                    context.bot.send_message,
                    text=text,
                    reply_markup=_markup(words, key, buttons),
                ),
                what=f"kept message {message.id} to {user_id}",
            )
            if sent.delivered:
                delivered += 1
                await _delivered(context, user_id, key, sent.result, message.params)
            elif sent.outcome.worth_retrying or sent.outcome is policy.Outcome.FORBIDDEN:
                continue  # provably not delivered: it waits for the next start
        await services.delivery.delivered(message)
    return delivered
