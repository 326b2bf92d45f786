"""Who sent an update and where: the resolved place every gate and router reads."""

from __future__ import annotations

import re

from telegram import Chat, ChatMember, Message, Update, User
from telegram.constants import ChatID

from bot.auth import Actor, ActorKind
from bot.context import BotContext, Here
from bot.errors import UserError
from bot.i18n import language_of
from bot.members import Person
from bot.settings import normalize

# Ids Telegram uses for senders that are not people: never recorded as members.
NOT_PEOPLE = frozenset({ChatID.ANONYMOUS_ADMIN, ChatID.SERVICE_CHAT, ChatID.FAKE_CHANNEL})
ADMIN_STATUSES = (ChatMember.ADMINISTRATOR, ChatMember.OWNER)


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
    """The command's arguments as one NFKC-normalized string: words, numbers, dates, ids."""
    return normalize(" ".join(context.args or ()))


def written_arguments(context: BotContext) -> str:
    """The command's arguments as typed, for free text (NFKC would make “，” a ",")."""
    return " ".join(context.args or ())


def named_person(message: Message) -> Person | None:
    """The person a command names by replying to them or by a text mention (which has an id)."""
    replied = message.reply_to_message
    if replied and replied.from_user:
        return person_of(replied.from_user)
    for entity in message.entities:
        if entity.type == entity.TEXT_MENTION and entity.user:
            return person_of(entity.user)
    return None


async def locate(update: Update, context: BotContext) -> Here:
    """Resolve the chat, branch, reply language and sender of an update."""
    services = context.services
    chat, user = update.effective_chat, update.effective_user
    if chat is None:
        # poll_answer and the like: no chat, so no branch and the default language.
        return Here(0, False, None, context.config.bot.language, None)
    if chat.type != Chat.PRIVATE:
        branch = await services.branches.for_chat(chat.id)
        language = branch.language if branch else context.config.bot.language
        own = language_of(user.language_code if user else None)
        return Here(chat.id, False, branch, language, actor_of(update), own)
    stored = await services.storage.users.get(user.id) if user else None
    branch_id = stored.private_branch_id if stored else None
    branch = await services.branches.get(branch_id) if branch_id else None
    if stored is not None and (branch is None or not branch.active):
        # Nothing chosen: a member of exactly one branch needs no choosing.
        own = await services.branches.of_member(stored.id)
        branch = own[0] if len(own) == 1 else None
    own = language_of(user.language_code if user else None)
    language = (
        own
        or language_of(stored.language_code if stored else None)
        or (branch.language if branch else context.config.bot.language)
    )
    return Here(chat.id, True, branch, language, actor_of(update), own)
