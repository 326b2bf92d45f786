"""The gate of buttons and start links: each is checked against what its class declares.

Callback data and ``/start`` payloads are user input (Telegram hands back whatever a client
sends), so they pass one gate, as commands do. It reads the data once into its typed class,
resolves the branch it acts for and checks the presser against the class's ``Needs``: the
chat, a person, the user it was made for, a member or a secretary of that branch. Only then
does the feature run, given the typed data and the branch. A press that is forged, stale or
foreign gets one alert and changes nothing; so does a press no button kind takes.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from enum import Enum
from typing import Any, Protocol, TypeVar

from telegram import Message, Update, User
from telegram.ext import BaseHandler, CallbackQueryHandler, MessageHandler, filters

from bot.auth import ActorKind
from bot.commands import Access, Named, Needs
from bot.context import BotContext
from bot.deeplinks import StartLink, unpack_link
from bot.errors import UserError
from bot.services import Services
from handlers.gate.callbacks import CallbackData, unpack
from handlers.gate.place import here, person_of
from handlers.outbound.replies import reply
from storage.models import Branch

logger = logging.getLogger(__name__)

K = TypeVar("K", bound=CallbackData)
# A feature's button callback: the update, the context, the typed data and its branch.
Pressed = Callable[[Update, BotContext, Any, Branch | None], Awaitable[None]]


class Refusal(Enum):
    """Why a button or link may not act."""

    STALE = "stale"  # forged, gone, or used where it does not belong
    NOT_MEMBER = "not_member"  # the user is not of the branch it names
    DENIED = "denied"  # a member without the access it needs
    NOT_YOURS = "not_yours"  # made for another user


class Refused(Exception):
    """Raised by ``admit`` with the reason."""

    def __init__(self, refusal: Refusal) -> None:
        super().__init__(refusal.value)
        self.refusal = refusal


class Gated(Protocol):
    """A button's data or a link's payload: it says what it needs."""

    def needs(self) -> Needs:
        """What using it needs."""


async def _record(
    services: Services, named: Named, record_id: int
) -> tuple[int | None, int | None]:
    """The branch id and the user of a record a button names (None: it has none).

    Raises:
        Refused: there is no such record (gone, or never was).
    """
    found: tuple[int | None, int | None] | None = None
    if named is Named.BRANCH:
        found = record_id, None
    elif named is Named.OCCURRENCE:
        occurrence = await services.storage.meetings.occurrence(record_id)
        found = (occurrence.branch_id, None) if occurrence else None
    elif named is Named.LEAVE:
        leave = await services.leaves.get(record_id)
        found = (leave[1].branch_id, leave[0].user_id) if leave else None
    elif named is Named.ATTEMPT:
        attempt = await services.storage.quiz.get(record_id)
        found = (attempt.branch_id, attempt.user_id) if attempt else None
    elif named is Named.DRAFT:
        draft = await services.storage.study.draft(record_id)
        found = (None, draft.user_id) if draft else None
    if found is None:
        raise Refused(Refusal.STALE)
    return found


async def admit(context: BotContext, payload: Gated, user: User) -> Branch | None:
    """Check a button's data or a link's payload against what it needs.

    Returns:
        The branch it acts for: the one it names, else the group's; None for a private
        button about no branch.

    Raises:
        Refused: why it may not act.
    """
    place, services, needs = here(context), context.services, payload.needs()
    group = None if place.private else place.branch
    # A reply posted as the group itself: one of its admins, whom Telegram does not name.
    anonymous = place.actor is not None and place.actor.kind is ActorKind.ANONYMOUS_ADMIN
    if not needs.where.allows(place.private) or (person_of(user) is None and not anonymous):
        raise Refused(Refusal.STALE)
    if not place.private and group is None:
        raise Refused(Refusal.STALE)  # a group that is not a branch
    records = {
        named: await _record(services, named, getattr(payload, named.value))
        for named in {needs.branch, needs.made_for} - {None}
    }
    if needs.made_for is not None and records[needs.made_for][1] != user.id:
        raise Refused(Refusal.NOT_YOURS)
    branch = group
    if needs.branch is not None:
        branch_id = records[needs.branch][0]
        branch = await services.branches.get(branch_id) if branch_id else None
        if branch is None or (group is not None and branch.id != group.id):
            raise Refused(Refusal.STALE)  # in a group, a button acts for its branch only
    if branch is None:
        return None
    if not branch.active:
        raise Refused(Refusal.STALE)
    if anonymous:
        return branch  # an admin of the branch's own group: a secretary of it
    if not await services.auth.belongs_to(branch, user.id):
        raise Refused(Refusal.NOT_MEMBER)
    if needs.access is Access.SECRETARY and not await services.auth.is_secretary_of(
        branch, user.id
    ):
        raise Refused(Refusal.DENIED)
    return branch


def _refusal(refusal: Refusal, needs: Needs) -> UserError:
    """The one answer to a refused press."""
    if refusal is Refusal.STALE:
        return UserError("button.stale")
    if refusal is Refusal.NOT_MEMBER:
        return UserError("button.not_member")
    if refusal is Refusal.NOT_YOURS:
        return UserError(needs.not_yours or "button.stale")
    key = needs.refusal or f"access.{needs.access.name.lower()}"
    return UserError(key, command=needs.command)


def button(
    kind: type[CallbackData], callback: Pressed, *, pattern: str | None = None
) -> CallbackQueryHandler[Any, Any]:
    """The handler of a button kind: the gate first, then ``callback``.

    Args:
        kind: the button's data class; its prefix gives the handler's pattern.
        callback: the feature, given the typed data and the branch ``admit`` resolved.
        pattern: a narrower pattern than the kind's (branch buttons, one per command).
    """

    async def gated(update: Update, context: BotContext) -> None:
        query = update.callback_query
        data = unpack(query.data)
        if not isinstance(data, kind):
            raise UserError("button.stale")
        try:
            branch = await admit(context, data, query.from_user)
        except Refused as refused:
            logger.info(
                "refused %s to user %s: %s", kind.__name__, query.from_user.id, refused.refusal
            )
            raise _refusal(refused.refusal, data.needs()) from None
        await callback(update, context, data, branch)

    gated.__name__ = callback.__name__
    return CallbackQueryHandler(gated, pattern=pattern or kind.pattern())


def replied_data(message: Message, kind: type[K], pick: Callable[[K], bool]) -> K | None:
    """The data of a button of ``kind`` that ``pick`` takes, under the message replied to."""
    original = message.reply_to_message
    if original is None or original.from_user is None or not original.from_user.is_bot:
        return None
    for row in original.reply_markup.inline_keyboard if original.reply_markup else ():
        for key in row:
            data = unpack(key.callback_data if isinstance(key.callback_data, str) else None)
            if isinstance(data, kind) and pick(data):
                return data
    return None


class _RepliedTo(filters.MessageFilter):
    """A reply to a message with a button of ``kind`` that ``pick`` takes."""

    def __init__(self, kind: type[CallbackData], pick: Callable[[Any], bool]) -> None:
        super().__init__(name=f"replied_to_{kind.__name__}")
        self._kind, self._pick = kind, pick

    def filter(self, message: Message) -> bool:
        return replied_data(message, self._kind, self._pick) is not None


def replied(
    kind: type[CallbackData], callback: Pressed, *, pick: Callable[[Any], bool]
) -> MessageHandler[Any, Any]:
    """The handler of a text reply to the bot's message under a button of ``kind``.

    The reply carries what a button cannot (free text); the button's data says what it
    answers and passes the same gate as a press, for the one who replied (an anonymous admin
    of the group included). A refused reply is left unanswered: replying to the bot's post
    is how a group talks about it, so it is ordinary chat, not a use of the button.
    """

    async def gated(update: Update, context: BotContext) -> None:
        message = update.effective_message
        data = replied_data(message, kind, pick)
        author = message.reply_to_message.from_user if message.reply_to_message else None
        if data is None or author is None or author.id != context.bot.id:
            return  # another bot's message: its buttons are not ours to read
        if message.from_user is None:
            return  # no sender at all: no one to admit
        try:
            branch = await admit(context, data, message.from_user)
        except Refused as refused:
            logger.info("ignored a reply to %s: %s", kind.__name__, refused.refusal)
            return
        await callback(update, context, data, branch)

    gated.__name__ = callback.__name__
    reply_filter = filters.TEXT & ~filters.COMMAND & filters.REPLY & _RepliedTo(kind, pick)
    return MessageHandler(reply_filter, gated)


async def open_link(update: Update, context: BotContext) -> tuple[StartLink, Branch | None] | None:
    """The ``/start`` link and its branch, if it passes the gate.

    Otherwise the user is told why (a refused link is answered, not an error: ``/start``
    goes on to deliver what waits), and None is returned; None also without a link.
    """
    if not context.args:
        return None
    link = unpack_link(context.args[0])
    if link is None:
        await reply(update, context, "start.bad_link")  # cut short, altered or made up
        return None
    try:
        branch = await admit(context, link, update.effective_user)
    except Refused as refused:
        known = refused.refusal is Refusal.NOT_MEMBER
        await reply(update, context, "start.not_member" if known else "start.unknown_branch")
        return None
    return link, branch


async def stale_button(update: Update, context: BotContext) -> None:
    """A press no button kind takes: forged data, or a keyboard from an older version."""
    raise UserError("button.stale")


def handlers() -> list[BaseHandler[Any, Any, Any]]:
    """The catch-all for presses no button took (registered after every feature's)."""
    return [CallbackQueryHandler(stale_button)]
