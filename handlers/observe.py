"""Group −2: runs for every update before any feature handler.

It records the people who interact (members are recorded when they interact) and resolves
where the update happened once, so the gate and the handlers share one answer.
"""

from __future__ import annotations

from telegram import Chat, Update
from telegram.ext import TypeHandler

from bot.context import BotContext, Here
from bot.i18n import language_of
from handlers.common import actor_of, person_of


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
        return Here(chat.id, False, branch, language, actor_of(update))
    stored = await services.storage.users.get(user.id) if user else None
    branch_id = stored.private_branch_id if stored else None
    branch = await services.branches.get(branch_id) if branch_id else None
    if stored is not None and (branch is None or not branch.active):
        # Nothing chosen: a member of exactly one branch needs no choosing.
        own = await services.branches.of_member(stored.id)
        branch = own[0] if len(own) == 1 else None
    language = (
        language_of(user.language_code if user else None)
        or language_of(stored.language_code if stored else None)
        or (branch.language if branch else context.config.bot.language)
    )
    return Here(chat.id, True, branch, language, actor_of(update))


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
