"""Study: ``/import`` a module file, ``/publish`` it, ``/study`` the list, a module's material.

A module file comes as a caption's or a reply's subject, in the group or in private. In
private the answers stay hidden from the group: the file is checked and held, and buttons
choose which of the sender's branches gets it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from telegram import Document, InlineKeyboardButton, Update
from telegram.ext import BaseHandler, MessageHandler, filters

from bot import commands
from bot.context import BotContext
from bot.errors import UserError
from bot.i18n import Words
from bot.module_formats import FormatError
from handlers.gate.access import command, gate
from handlers.gate.branch_choice import acting_branch, choice_handler
from handlers.gate.buttons import button
from handlers.gate.callbacks import ImportChoice, ImportPage, StudyPage
from handlers.gate.place import arguments, here, parse_id, person_of
from handlers.outbound.private import renders, send_private
from handlers.outbound.replies import reply, turn_to
from handlers.views.keyboards import paged_keyboard
from handlers.views.study import (
    import_buttons,
    imported_text,
    module_buttons,
    module_list_text,
    rejected_text,
    scores_text,
)
from storage.models import Branch

# A command in a caption is not seen by CommandHandler: the caption is matched explicitly.
IMPORT_CAPTION = filters.CaptionRegex(r"^/import(@\w+)?(\s|$)") & filters.Document.ALL


async def study(update: Update, context: BotContext) -> None:
    """The modules published to the branch, with buttons that open each privately.

    In private with the reader's best scores; in the group without, and a member who has
    scores gets them privately.
    """
    services, private, user = context.services, here(context).private, update.effective_user
    branch = await acting_branch(update, context, commands.STUDY)
    if branch is None:
        return  # asked which branch: the button runs /study
    found = await services.study.published(branch, user.id)
    if not found:
        await reply(update, context, "study.none")
        return
    # In private too: the deep links open this same chat with their /start payload.
    buttons = module_buttons(context.bot.username, branch, found)
    message = update.effective_message
    await message.reply_text(
        module_list_text(context.words, found, scores=private),
        # ◀ ▶ name the branch, so that they turn in private too.
        reply_markup=paged_keyboard(buttons, 0, StudyPage(branch.id, 0)),
    )
    if not private and person_of(user) is not None and any(b is not None for _, b in found):
        await send_private(
            context,
            user_id=user.id,
            branch=branch,
            key="study.scores",
            dedupe_key=f"study.scores:{message.chat_id}:{message.message_id}",
            user=user.id,
        )


@renders("study.scores")
async def kept_scores(
    context: BotContext, branch: Branch, words: Words, params: Mapping[str, Any]
) -> str | None:
    """A member's best scores in the branch's modules, read now."""
    found = await context.services.study.published(branch, int(params["user"]))
    return scores_text(words, branch.title, found)


async def turn_page(update: Update, context: BotContext, data: StudyPage, branch: Branch) -> None:
    """◀ ▶ under a module list: show that page of module buttons, to the branch's members."""
    query = update.callback_query
    found = await context.services.study.published(branch, query.from_user.id)
    buttons = module_buttons(context.bot.username, branch, found)
    await turn_to(query, paged_keyboard(buttons, data.page, data))


async def publish(update: Update, context: BotContext) -> None:
    """Publishes a module to this branch."""
    args = arguments(context).split()
    if len(args) != 1:
        raise UserError("publish.usage")
    module, newly = await context.services.study.publish(
        here(context).branch, parse_id(args[0], "publish.usage"), context.clock()
    )
    key = "publish.done" if newly else "publish.already"
    await reply(update, context, key, id=module.id, title=module.title)


async def import_file(update: Update, context: BotContext) -> None:
    """Imports the file this message carries or replies to (in private: asks for the branch)."""
    message, place, services = update.effective_message, here(context), context.services
    words = context.words
    document: Document | None = message.document or (
        message.reply_to_message.document if message.reply_to_message else None
    )
    if document is None:
        raise UserError("import.usage")
    services.study.check_size(document.file_size)
    name, user_id = document.file_name or "module.txt", update.effective_user.id
    if place.private and not await services.auth.secretary_branches(user_id):
        # An operator seen in no branch: there would be no branch to choose.
        raise UserError("me.no_branch")
    data = bytes(await (await document.get_file()).download_as_bytearray())
    key, now = f"{message.chat_id}:{message.message_id}", context.clock()
    try:
        if not place.private:
            imported = await services.study.import_file(
                place.branch, name=name, data=data, key=key, by=user_id, now=now
            )
            await message.reply_text(imported_text(words, imported))
            return
        draft_id, parsed = await services.study.hold(
            user_id=user_id, key=key, name=name, data=data, now=now
        )
    except FormatError as error:
        await message.reply_text(rejected_text(words, error))
        return
    buttons = await _branch_buttons(context, draft_id, user_id)
    await message.reply_text(
        context.words(
            "import.choose_branch",
            name=name,
            modules=len(parsed.modules),
            count=sum(len(m.questions) for m in parsed.modules),
        ),
        reply_markup=paged_keyboard(buttons, 0, ImportPage(draft_id, 0)),
    )


async def _branch_buttons(
    context: BotContext, draft_id: int, user_id: int
) -> list[InlineKeyboardButton]:
    """A button per branch the user is a secretary of, importing the held file there."""
    return import_buttons(draft_id, await context.services.auth.secretary_branches(user_id))


async def turn_import_page(
    update: Update, context: BotContext, data: ImportPage, branch: Branch | None
) -> None:
    """◀ ▶ under the branch buttons of a privately sent file."""
    query = update.callback_query
    buttons = await _branch_buttons(context, data.draft_id, query.from_user.id)
    await turn_to(query, paged_keyboard(buttons, data.page, data))


async def choose_branch(
    update: Update, context: BotContext, data: ImportChoice, branch: Branch
) -> None:
    """A branch button under a privately sent file: import it there."""
    query, services = update.callback_query, context.services
    imported = await services.study.import_held(
        data.draft_id, query.from_user.id, branch, context.clock()
    )
    await query.answer()
    await query.edit_message_text(
        context.words("import.into", branch=branch.title)
        + "\n"
        + imported_text(context.words, imported)
    )


def handlers() -> list[BaseHandler]:
    """Handlers of this module."""
    return [
        command(commands.IMPORT, import_file),
        MessageHandler(IMPORT_CAPTION, gate(commands.IMPORT, import_file)),
        button(ImportChoice, choose_branch),
        button(ImportPage, turn_import_page),
        command(commands.PUBLISH, publish),
        command(commands.STUDY, study),
        button(StudyPage, turn_page),
        choice_handler(commands.STUDY, study),
    ]
