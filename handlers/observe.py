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


async def observe(update: Update, context: BotContext) -> None:
    """Record the sender and set ``context.here``; the user sees nothing."""
    services, now = context.services, context.clock()
    chat, user = update.effective_chat, update.effective_user
    if chat is None:
        # poll_answer and the like: no chat, so no branch and the default language.
        context.here = Here(0, False, None, context.config.bot.language, None)
        return
    private = chat.type == Chat.PRIVATE
    person = person_of(user) if user else None
    if private:
        stored = await services.storage.users.get(user.id) if user else None
        branch_id = stored.private_branch_id if stored else None
        branch = await services.branches.get(branch_id) if branch_id else None
        language = (
            language_of(user.language_code if user else None)
            or language_of(stored.language_code if stored else None)
            or (branch.language if branch else context.config.bot.language)
        )
    else:
        branch = await services.branches.for_chat(chat.id)
        language = branch.language if branch else context.config.bot.language
    if person is not None and (private or (branch is not None and branch.active)):
        await services.members.seen(person, None if private else branch, now)
    context.here = Here(chat.id, private, branch, language, actor_of(update))


def handlers() -> list[TypeHandler[Update, BotContext]]:
    """The observe handler (registered in group −2)."""
    return [TypeHandler(Update, observe)]
