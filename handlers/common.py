"""Glue shared by the feature handlers: reading who and where, the command gate, replies."""

from __future__ import annotations

import logging
import re
from collections.abc import Awaitable, Callable
from typing import Any

from telegram import Chat, Message, Update, User
from telegram.constants import ChatID
from telegram.ext import CommandHandler

from bot.auth import Actor, ActorKind
from bot.commands import Access, CommandSpec
from bot.context import BotContext, Here
from bot.errors import UserError
from bot.members import Person
from bot.settings import normalize

logger = logging.getLogger(__name__)

Callback = Callable[[Update, BotContext], Awaitable[None]]

# Ids Telegram uses for senders that are not people: never recorded as members.
NOT_PEOPLE = frozenset({ChatID.ANONYMOUS_ADMIN, ChatID.SERVICE_CHAT, ChatID.FAKE_CHANNEL})


def person_of(user: User) -> Person | None:
    """The ``Person`` for a Telegram user, or None for bots and Telegram's stand-in senders."""
    if user.is_bot or user.id in NOT_PEOPLE:
        return None
    return Person(user.id, user.first_name, user.last_name, user.username, user.language_code)


def actor_of(update: Update) -> Actor | None:
    """Who sent the update: a person, an anonymous admin of the group, or a channel."""
    user, chat = update.effective_user, update.effective_chat
    if user is None or chat is None:
        return None
    private = chat.type == Chat.PRIVATE
    message = update.effective_message
    sender_chat = message.sender_chat if message and not update.callback_query else None
    kind = ActorKind.PERSON
    if sender_chat is not None:
        kind = ActorKind.ANONYMOUS_ADMIN if sender_chat.id == chat.id else ActorKind.CHANNEL
    elif user.id in NOT_PEOPLE:
        kind = ActorKind.CHANNEL
    return Actor(user.id, chat.id, private, kind)


_ID = re.compile(r"^#?([1-9]\d{0,17})$", re.ASCII)


def parse_id(word: str, usage: str) -> int:
    """``12`` or ``#12`` as an id, else the command's usage (``usage`` is its catalog key)."""
    match = _ID.match(word)
    if not match:
        raise UserError(usage)
    return int(match.group(1))


def here(context: BotContext) -> Here:
    """The resolved place of the update (set by the observe handler for every update)."""
    if context.here is None:
        raise RuntimeError("observe handler did not run")
    return context.here


def arguments(context: BotContext) -> str:
    """The command's arguments as one NFKC-normalized string."""
    return normalize(" ".join(context.args or ()))


async def reply(update: Update, context: BotContext, key: str, **params: Any) -> Message:
    """Answer the update's message in the chat's language."""
    message = update.effective_message
    if message is None:
        raise RuntimeError("no message to answer")
    return await message.reply_text(context.text(key, **params))


async def access_of(context: BotContext) -> Access:
    """The sender's access where the update happened."""
    place = here(context)
    if place.actor is None:
        return Access.MEMBER
    branch = None if place.private else place.branch
    return await context.services.auth.access(place.actor, branch)


def command(spec: CommandSpec, callback: Callback) -> CommandHandler[Any, Any]:
    """A ``CommandHandler`` for ``spec`` behind the gate."""
    return CommandHandler(spec.name, gate(spec, callback))


def gate(spec: CommandSpec, callback: Callback) -> Callback:
    """Wrap a callback: chat type, registration and access are checked first.

    A refusal is a ``UserError`` and reaches the user through the error handler, worded for
    what is missing.
    """

    async def gated(update: Update, context: BotContext) -> None:
        place = here(context)
        if not spec.where.allows(place.private):
            raise UserError("where.group_only" if place.private else "where.private_only")
        needs_branch = spec.needs_branch and not place.private
        if needs_branch and (place.branch is None or not place.branch.active):
            raise UserError("branch.not_registered")
        if spec.access > Access.MEMBER and await access_of(context) < spec.access:
            logger.info(
                "refused /%s to user %s in chat %s",
                spec.name,
                place.actor.user_id if place.actor else None,
                place.chat_id,
            )
            user_id = place.actor.user_id if place.actor else None
            if (
                place.private
                and spec.access is Access.SECRETARY
                and user_id is not None
                and not await context.services.branches.of_member(user_id)
            ):
                # Perhaps a group administrator the bot has not seen yet: say how to become
                # known rather than that only secretaries may ask.
                raise UserError("me.no_branch")
            raise UserError(f"access.{spec.access.name.lower()}", command=spec.name)
        await callback(update, context)

    gated.__name__ = callback.__name__
    return gated
