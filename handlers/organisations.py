"""``/org_add``: operators create organisations, whose code lets branches join."""

from __future__ import annotations

from telegram import Update
from telegram.ext import BaseHandler

from bot import commands
from bot.context import BotContext
from bot.errors import UserError
from handlers.gate.access import command
from handlers.gate.place import written_arguments
from handlers.outbound.replies import reply


async def org_add(update: Update, context: BotContext) -> None:
    """Creates an organisation and prints its code; the operator becomes its admin."""
    message = update.effective_message
    name = written_arguments(context)
    if not name:
        raise UserError("org_add.usage")
    organisation = await context.services.organisations.create(
        name=name,
        admin_user_id=update.effective_user.id,
        request_key=f"{message.chat_id}:{message.message_id}",
        now=context.clock(),
    )
    await reply(update, context, "org_add.done", name=organisation.name, code=organisation.code)


def handlers() -> list[BaseHandler]:
    """Handlers of this module."""
    return [command(commands.ORG_ADD, org_add)]
