"""The command gate: chat type, registration and access, checked before a command runs."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from telegram import Update
from telegram.ext import CommandHandler

from bot.commands import Access, CommandSpec
from bot.context import BotContext
from bot.errors import UserError
from handlers.gate.place import here
from handlers.outbound.menus import give_private_menu

logger = logging.getLogger(__name__)

Callback = Callable[[Update, BotContext], Awaitable[None]]


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
        if spec.access is Access.SECRETARY and needs_branch and place.actor is not None:
            # A secretary known here (a group admin too) has the private secretary menu.
            await give_private_menu(context, branch=place.branch, user_id=place.actor.user_id)
        await callback(update, context)

    gated.__name__ = callback.__name__
    return gated
