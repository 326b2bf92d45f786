"""``/study``, ``/publish`` and a module's material opened through its link."""

from __future__ import annotations

import re

from telegram import InlineKeyboardButton, Update
from telegram.ext import BaseHandler, CallbackQueryHandler

from bot import commands
from bot.context import BotContext
from bot.deeplinks import module_payload
from bot.errors import UserError
from bot.text import TITLE_MAX, shorten
from handlers.branch_choice import acting_branch, choice_handler
from handlers.common import arguments, command, here, parse_id, reply
from handlers.quiz import start_button
from handlers.sending import paged_keyboard, turn_to
from storage.models import Branch
from storage.modules import ModuleSummary

PAGE_PREFIX = "stp:"
# ◀ ▶ name the branch, so that they turn in private too: ``stp:<branch>:<page>``.
_PAGE = re.compile(r"^stp:([1-9]\d{0,17}):(\d{1,4})$", re.ASCII)


def page_data(branch: Branch) -> str:
    """The callback data of a page button of the branch's list, ``{page}`` to fill in."""
    return f"{PAGE_PREFIX}{branch.id}:{{page}}"


async def show_module(update: Update, context: BotContext, branch: Branch, module_id: int) -> None:
    """A module's material, opened privately through its link."""
    content = await context.services.study.open_module(branch, module_id)
    parts = [
        context.text("study.module", id=content.id, title=content.title, count=content.questions)
    ]
    parts += [part for part in (content.summary, content.material) if part]
    parts += [f"{title}: {url}" for title, url in content.links]
    await update.effective_message.reply_text(
        "\n\n".join(parts), reply_markup=start_button(context, content.id, branch.id)
    )


async def study(update: Update, context: BotContext) -> None:
    """The modules published to the branch, with buttons that open each privately."""
    services = context.services
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
    # In private too: the deep links open this same chat with their /start payload.
    markup = paged_keyboard(_module_buttons(context, branch, found), 0, page_data(branch))
    await update.effective_message.reply_text(
        context.text("study.list", modules=lines), reply_markup=markup
    )


def _module_buttons(
    context: BotContext, branch: Branch, found: list[tuple[ModuleSummary, int | None]]
) -> list[InlineKeyboardButton]:
    """A button per module that opens it privately through its deep link."""
    link = f"https://t.me/{context.bot.username}?start="
    return [
        InlineKeyboardButton(
            shorten(f"#{m.id} {m.title}", TITLE_MAX), url=link + module_payload(m.id, branch.id)
        )
        for m, _ in found
    ]


async def turn_page(update: Update, context: BotContext) -> None:
    """◀ ▶ under a module list: show that page of module buttons, to the branch's members."""
    query, place, services = update.callback_query, here(context), context.services
    match = _PAGE.match(query.data)
    if match is None:
        raise UserError("button.stale")
    branch = await services.branches.get(int(match.group(1)))
    group_id = None if place.private or place.branch is None else place.branch.id
    if not place.private and (branch is None or branch.id != group_id):
        branch = None  # a group's list is its own branch's
    if branch is None or not branch.active:
        raise UserError("button.stale")
    if not await services.auth.belongs_to(branch, query.from_user.id):
        raise UserError("button.not_member")
    found = await services.study.published(branch, query.from_user.id)
    buttons = _module_buttons(context, branch, found)
    await turn_to(query, paged_keyboard(buttons, int(match.group(2)), page_data(branch)))


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
        CallbackQueryHandler(turn_page, pattern=f"^{PAGE_PREFIX}"),
        choice_handler(commands.STUDY, study),
    ]
