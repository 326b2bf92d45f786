"""The send policy: what each outcome of a request to Telegram means, decided and applied here.

``outcome_of`` sorts a failure by what it proves: the bot was removed (``Forbidden``), the group
moved (``ChatMigrated``), nothing arrived (a ``RetryAfter`` beyond the rate limiter's own
retries, a 5xx, a connection never made: worth another try later), something may have arrived
(a read timeout, a broken response: never sent again), or Telegram refused it for good (any
other ``BadRequest``), besides the refusals that mean no harm (an edit to what a message shows
already, a button press answered before).

``send`` makes a request in a chat and applies its outcome there: a group that removed the bot
makes its branch inactive; a group that became a supergroup is followed and the request is made
once more in the new chat. Callers read the outcome (owe a send again, keep a private message,
give up) and never catch a Telegram error themselves. ``each`` is the one rule for a batch: a
recipient that fails is logged and skipped.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from enum import Enum
from functools import partial
from typing import Any, Generic, TypeVar

import httpx
from telegram import Bot
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
    TelegramError,
    TimedOut,
)

from bot.auth import AdminFetcher, AdminsUnavailable
from bot.context import BotContext

logger = logging.getLogger(__name__)

T = TypeVar("T")
R = TypeVar("R")


class Outcome(Enum):
    """What a request to Telegram came to."""

    DELIVERED = "delivered"
    FORBIDDEN = "forbidden"  # a group removed the bot, or a user never started it
    MIGRATED = "migrated"  # the group became a supergroup
    RETRY = "retry"  # provably not delivered: another try later may succeed
    UNCONFIRMED = "unconfirmed"  # may have been delivered: never made again
    REFUSED = "refused"  # refused for good
    NOT_MODIFIED = "not_modified"  # an edit to what the message shows already
    ANSWERED = "answered"  # a button press answered before (Telegram takes one answer)

    @property
    def worth_retrying(self) -> bool:
        """Provably not delivered, and a later try may succeed (a group moved twice included)."""
        return self in (Outcome.RETRY, Outcome.MIGRATED)


# Refusals that mean no harm, by what Telegram says.
_HARMLESS = {"not modified": Outcome.NOT_MODIFIED, "query is too old": Outcome.ANSWERED}
# Transport failures after which Telegram cannot have received the request.
_NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)


def outcome_of(error: TelegramError) -> Outcome:
    """Sort a request's failure by whether Telegram may have delivered it, and why not."""
    if isinstance(error, RetryAfter):
        return Outcome.RETRY  # the rate limiter's own retries were used up
    if isinstance(error, Forbidden):
        return Outcome.FORBIDDEN
    if isinstance(error, ChatMigrated):
        return Outcome.MIGRATED
    if isinstance(error, BadRequest):
        said = str(error).lower()
        return next((o for words, o in _HARMLESS.items() if words in said), Outcome.REFUSED)
    if isinstance(error, NetworkError):
        cause = error.__cause__
        if isinstance(cause, _NOT_SENT) or (cause is None and not isinstance(error, TimedOut)):
            return Outcome.RETRY  # never sent, or Telegram answered with a 5xx
        return Outcome.UNCONFIRMED  # a read timeout or a broken response: it may have arrived
    return Outcome.REFUSED


@dataclass(frozen=True)
class Sent(Generic[T]):
    """A request's outcome, with Telegram's answer when it was delivered."""

    outcome: Outcome
    result: T | None = None
    error: TelegramError | None = None

    @property
    def delivered(self) -> bool:
        """Whether Telegram confirmed the request."""
        return self.outcome is Outcome.DELIVERED

    @property
    def reason(self) -> str:
        """Why it failed, in one line for the records (never what the message said)."""
        return "" if self.error is None else _reason(self.error)


class NotDelivered(Exception):  # noqa: N818 - it names the outcome, as Telegram's errors do
    """A private message or file that did not arrive (or may not have), nor was kept.

    Raised where the caller cannot go on as if it had: the error handler tells the user it
    did not go out and reports it; a batch logs it and goes on with the others.
    """

    def __init__(self, what: str, sent: Sent[Any]) -> None:
        super().__init__(f"{what}: {sent.outcome.value} ({sent.reason})")
        self.sent = sent


def _reason(error: TelegramError) -> str:
    return f"{type(error).__name__}: {error}"


_LOGGED = {
    Outcome.FORBIDDEN: (logging.INFO, "%s refused: the bot may not write there (%s)"),
    Outcome.MIGRATED: (logging.INFO, "%s: the group became a supergroup (%s)"),
    Outcome.RETRY: (logging.WARNING, "%s not delivered (%s)"),
    Outcome.UNCONFIRMED: (
        logging.WARNING,
        "%s may or may not have arrived (%s): it is not sent again",
    ),
    Outcome.REFUSED: (logging.WARNING, "%s refused for good (%s)"),
    Outcome.NOT_MODIFIED: (logging.INFO, "%s changed nothing (%s)"),
    Outcome.ANSWERED: (logging.INFO, "%s was answered before (%s)"),
}


async def attempt(call: Callable[[], Awaitable[T]], *, what: str) -> Sent[T]:
    """Make one request to Telegram; a failure is sorted and logged, never raised.

    For a request whose outcome concerns no chat's state (a command menu, a callback answer, a
    reply to a failed command); in a chat, ``send``.

    Args:
        call: makes the request.
        what: names the request in the log, by ids (never by what it says).
    """
    try:
        result = await call()
    except TelegramError as error:
        sent: Sent[T] = Sent(outcome_of(error), error=error)
        _log(sent.outcome, what, sent.reason)
        return sent
    return Sent(Outcome.DELIVERED, result)


def _log(outcome: Outcome, what: str, reason: str) -> None:
    level, message = _LOGGED[outcome]
    logger.log(level, message, what, reason)


async def send(
    context: BotContext, chat_id: int, call: Callable[[int], Awaitable[T]], *, what: str
) -> Sent[T]:
    """Make a request in a chat and apply its outcome to the chat.

    A group that removed the bot makes its branch inactive. A group that became a supergroup
    is followed (see ``follow_migration``) and the request is made once more in the new chat:
    a new message arrives there; an edit of a message left behind is refused there (logged).

    Args:
        context: the callback context.
        chat_id: the chat the request goes to.
        call: makes the request in the chat it is given.
        what: names the request in the log, by ids (never by what it says).
    """
    sent = await attempt(partial(call, chat_id), what=what)
    moved_to = await _apply(context, chat_id, sent.error)
    if moved_to is None:
        return sent
    sent = await attempt(partial(call, moved_to), what=what)
    await _apply(context, moved_to, sent.error)
    return sent


async def settle(context: BotContext, chat_id: int | None, error: BaseException | None) -> bool:
    """Apply a handler's failed request to its chat; whether that settles the error.

    Settled: a group that removed the bot (its branch goes inactive), a group that became a
    supergroup (followed), and the refusals that mean no harm. Anything else is for the error
    handler to log and report.
    """
    if not isinstance(error, TelegramError):
        return False
    outcome = outcome_of(error)
    what = f"a request in chat {chat_id}"
    if chat_id is not None and (
        outcome is Outcome.MIGRATED or (outcome is Outcome.FORBIDDEN and _is_group(chat_id))
    ):
        _log(outcome, what, _reason(error))
        await _apply(context, chat_id, error)
        return True
    if outcome in (Outcome.NOT_MODIFIED, Outcome.ANSWERED):
        _log(outcome, what, _reason(error))
        return True
    return False


def _is_group(chat_id: int) -> bool:
    # Telegram gives users positive ids, groups (and channels) negative ones.
    return chat_id < 0


async def _apply(context: BotContext, chat_id: int, error: TelegramError | None) -> int | None:
    """Apply a failure to the chat it happened in; the chat's new id if the group moved."""
    if isinstance(error, ChatMigrated):
        await follow_migration(context, chat_id, error.new_chat_id)
        return error.new_chat_id
    if isinstance(error, Forbidden) and _is_group(chat_id):
        await context.services.branches.deactivate_chat(chat_id, str(error))
        context.services.auth.forget_chat(chat_id)
    return None


# What else is tied to a group's chat id (its command menus) and follows it to the
# supergroup: (context, old chat id, new chat id). Registered by the modules that own it,
# which import this one (so it cannot import them).
ChatFollower = Callable[[BotContext, int, int], Awaitable[None]]
_FOLLOWERS: list[ChatFollower] = []


def follows_migration(follower: ChatFollower) -> ChatFollower:
    """Register ``follower`` to run once a branch followed its group to a supergroup."""
    _FOLLOWERS.append(follower)
    return follower


async def follow_migration(context: BotContext, old: int, new: int) -> None:
    """Move the branch to the supergroup's chat id; tell the group if a branch was retired.

    ``/setup`` sent in the new supergroup before the bot learnt of the upgrade registers a
    second, empty branch there. The group's own branch, with all its data, takes the chat
    over; the one registered in between is retired (its daily post stops by itself), and
    the group is told both numbers. What else is tied to the chat id follows then.
    """
    services = context.services
    swapped = await services.branches.move_chat(old, new)
    services.auth.forget_chat(old)
    services.auth.forget_chat(new)
    for follower in _FOLLOWERS:
        await follower(context, old, new)
    if swapped is None:
        return
    moved, retired = swapped
    text = context.words_for(moved)(
        "branch.migrated", branch=moved.title, id=moved.id, retired=retired.id
    )
    await attempt(partial(context.bot.send_message, new, text), what=f"migration notice in {new}")


async def each(
    recipients: Iterable[R], deliver: Callable[[R], Awaitable[object]], *, what: str
) -> None:
    """Deliver to every recipient in turn: one that fails is logged and skipped.

    Whatever goes wrong for one recipient (a refusal, a message that cannot be rendered or
    kept), the rest of the batch still gets theirs and nothing escapes.

    Args:
        recipients: who gets it, in order.
        deliver: sends (or keeps) it for one recipient.
        what: names the batch in the log, by ids.
    """
    for recipient in recipients:
        try:
            await deliver(recipient)
        except NotDelivered as error:
            logger.warning("%s to %s: %s; the others still get theirs", what, recipient, error)
        except Exception:
            logger.exception("%s to %s failed; the others still get theirs", what, recipient)


def admin_fetcher(bot: Bot) -> AdminFetcher:
    """The fetcher of a chat's administrators (bots left out) that ``Authorizer`` asks.

    A list Telegram does not give becomes ``AdminsUnavailable``, for the authorizer's fallback.
    """

    async def fetch(chat_id: int) -> frozenset[int]:
        try:
            members = await bot.get_chat_administrators(chat_id)
        except TelegramError as error:
            raise AdminsUnavailable(chat_id, _reason(error)) from error
        return frozenset(member.user.id for member in members if not member.user.is_bot)

    return fetch


class StartFailure(Enum):
    """Why the Bot API did not let the bot start."""

    UNAUTHORIZED = "unauthorized"  # it rejected the token
    UNREACHABLE = "unreachable"  # it could not be reached
    REFUSED = "refused"  # it refused something else (the mode, the webhook)


def start_failure_of(error: BaseException) -> StartFailure | None:
    """Sort an error that stopped the bot at start; None if it is not the Bot API's."""
    if isinstance(error, InvalidToken):
        return StartFailure.UNAUTHORIZED
    if isinstance(error, NetworkError):
        return StartFailure.UNREACHABLE
    if isinstance(error, TelegramError):
        return StartFailure.REFUSED
    return None
