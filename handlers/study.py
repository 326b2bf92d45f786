"""``/study``, ``/publish`` and a module's material opened through its link."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import BaseHandler

from bot import commands
from bot.context import BotContext
from bot.deeplinks import module_payload
from bot.errors import UserError
from bot.text import split_message
from handlers.branch_choice import acting_branch, choice_handler
from handlers.common import arguments, command, here, parse_id, reply
from handlers.quiz import start_button
from storage.models import Branch


async def show_module(update: Update, context: BotContext, branch: Branch, module_id: int) -> None:
    """A module's material, opened privately through its link."""
    content = await context.services.study.open_module(branch, module_id)
    parts = [
        context.text("study.module", id=content.id, title=content.title, count=content.questions)
    ]
    parts += [part for part in (content.summary, content.material) if part]
    parts += [f"{title}: {url}" for title, url in content.links]
    chunks = split_message("\n\n".join(parts))
    for chunk in chunks[:-1]:
        await update.effective_message.reply_text(chunk)
    await update.effective_message.reply_text(
        chunks[-1], reply_markup=start_button(context, content.id, branch.id)
    )


async def study(update: Update, context: BotContext) -> None:
    """The modules published to the branch; in the group, buttons open each privately."""
    place, services = here(context), context.services
    branch = await acting_branch(update, context, commands.STUDY)
    if branch is None:
        return  # asked which branch: the button runs /study
    found = await services.study.published(branch, update.effective_user.id)
    if not found:
        await reply(update, context, "study.none")
        return
    lines = "\n".join(
        context.text(
            "study.line",
            id=m.id,
            title=m.title,
            count=m.questions,
            best="—" if best is None else f"{best}/{m.questions}",
        )
        for m, best in found
    )
    modules = [m for m, _ in found]
    markup = None
    if not place.private:
        link = f"https://t.me/{context.bot.username}?start="
        markup = InlineKeyboardMarkup(
            [
                [
                    InlineKeyboardButton(
                        f"#{m.id} {m.title}", url=link + module_payload(m.id, branch.id)
                    )
                ]
                for m in modules
            ]
        )
    await update.effective_message.reply_text(
        context.text("study.list", modules=lines), reply_markup=markup
    )


async def publish(update: Update, context: BotContext) -> None:
    """Publishes a module to this branch."""
    words = arguments(context).split()
    if len(words) != 1:
        raise UserError("publish.usage")
    module, newly = await context.services.study.publish(
        here(context).branch, parse_id(words[0], "publish.usage"), context.clock()
    )
    key = "publish.done" if newly else "publish.already"
    await reply(update, context, key, id=module.id, title=module.title)


def handlers() -> list[BaseHandler]:
    """Handlers of this module."""
    return [
        command(commands.PUBLISH, publish),
        command(commands.STUDY, study),
        choice_handler(commands.STUDY, study),
    ]
