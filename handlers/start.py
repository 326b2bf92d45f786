"""``/start`` (with its deep links) and ``/help``."""

from __future__ import annotations

from telegram import Update
from telegram.ext import BaseHandler

from bot import commands
from bot.auth import ActorKind
from bot.context import BotContext
from handlers.gate.access import access_of, command
from handlers.gate.buttons import open_link
from handlers.gate.place import here
from handlers.outbound.private import deliver_waiting
from handlers.outbound.replies import reply
from handlers.views.quiz import start_button
from handlers.views.study import module_text
from storage.models import Branch


async def start(update: Update, context: BotContext) -> None:
    """Greets; in private a start link chooses the branch and waiting messages are delivered."""
    place, services = here(context), context.services
    if not place.private:
        key = "start.group" if place.branch and place.branch.active else "start.group_unregistered"
        await reply(update, context, key)
        return
    user = update.effective_user
    await services.storage.users.mark_started(user.id, context.clock())
    opened = await open_link(update, context)  # a refused link is answered by the gate
    if opened is not None:
        link, branch = opened
        await services.storage.users.set_private_branch(user.id, branch.id)
        await reply(update, context, "start.branch_chosen", branch=branch.title)
    elif not context.args:
        await reply(update, context, "start.private", name=user.first_name)
    await deliver_waiting(context, user.id)
    if opened is not None and link.module_id is not None:
        await show_module(update, context, branch, link.module_id)


async def show_module(update: Update, context: BotContext, branch: Branch, module_id: int) -> None:
    """A module's material, opened privately through its link."""
    content = await context.services.study.open_module(branch, module_id)
    await update.effective_message.reply_text(
        module_text(context.words, content),
        reply_markup=start_button(context.words, content.id, branch.id),
    )


async def help_command(update: Update, context: BotContext) -> None:
    """Lists the commands this user may use in this chat."""
    place = here(context)
    registered = place.branch is not None and place.branch.active
    person = place.actor is not None and place.actor.kind is ActorKind.PERSON
    specs = commands.available(
        await access_of(context), private=place.private, registered=registered, person=person
    )
    words = context.words
    lines = [
        words("help.line", command=spec.name, summary=words(spec.summary_key)) for spec in specs
    ]
    await reply(update, context, "help.header", commands="\n".join(lines))


def handlers() -> list[BaseHandler]:
    """Handlers of this module."""
    return [command(commands.START, start), command(commands.HELP, help_command)]
