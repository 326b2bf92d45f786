"""Group −2: runs for every update before any feature handler.

It records the people who interact (members are recorded when they interact) and resolves
where the update happened once, so the gate and the handlers share one answer.
"""

from __future__ import annotations

from telegram import Update
from telegram.ext import TypeHandler

from bot.context import BotContext
from handlers.gate.place import locate, person_of


async def observe(update: Update, context: BotContext) -> None:
    """Record the sender and set ``context.here``; the user sees nothing."""
    place = await locate(update, context)
    context.here = place
    person = person_of(update.effective_user) if update.effective_user else None
    if person is None or (not place.private and (place.branch is None or not place.branch.active)):
        return
    branch = None if place.private else place.branch
    await context.services.members.seen(person, branch, context.clock())


def handlers() -> list[TypeHandler[Update, BotContext]]:
    """The observe handler (registered in group −2)."""
    return [TypeHandler(Update, observe)]
