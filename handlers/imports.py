"""``/import``: a module file as a caption's or a reply's subject, in the group or in private.

In private the answers stay hidden from the group: the file is checked and held, and buttons
choose which of the sender's branches gets it.
"""

from __future__ import annotations

import re

from telegram import Document, InlineKeyboardButton, Update
from telegram.ext import BaseHandler, CallbackQueryHandler, MessageHandler, filters

from bot import commands
from bot.context import BotContext
from bot.errors import UserError
from bot.module_formats import FormatError, Problem
from bot.study import Imported
from bot.text import NAME_MAX, shorten
from handlers.common import command, gate, here
from handlers.sending import paged_keyboard, turn_to

# A command in a caption is not seen by CommandHandler: the caption is matched explicitly.
IMPORT_CAPTION = filters.CaptionRegex(r"^/import(@\w+)?(\s|$)") & filters.Document.ALL
SHOWN_ERRORS = 20
CHOOSE_PREFIX = "imp:"
_CHOOSE = re.compile(r"^imp:([1-9]\d{0,17}):([1-9]\d{0,17})$", re.ASCII)
PAGE_PREFIX = "impp:"
_PAGE = re.compile(r"^impp:([1-9]\d{0,17}):(\d{1,4})$", re.ASCII)


def problem_line(context: BotContext, problem: Problem) -> str:
    """``line N: …`` for a problem found in a file, in the chat's language.

    A problem of the whole file (line 0) is told without a line.
    """
    params = dict(problem.params)
    if "kind" in params:
        params["kind"] = context.text(f"kind.{params['kind']}")
    text = context.text(problem.key, **params)
    return context.text("import.line", line=problem.line, text=text) if problem.line else text


def rejected_text(context: BotContext, error: FormatError) -> str:
    """The errors of a rejected file: the first ones by line, then how many more."""
    lines = [problem_line(context, p) for p in error.problems[:SHOWN_ERRORS]]
    if len(error.problems) > SHOWN_ERRORS:
        lines.append(context.text("import.more", count=len(error.problems) - SHOWN_ERRORS))
    return context.text("import.rejected", errors="\n".join(lines))


def imported_text(context: BotContext, imported: Imported) -> str:
    """Each stored module's id, title and size, and the questions skipped."""
    modules = "\n".join(
        context.text(
            "import.module",
            id=m.id,
            title=m.title,
            count=m.questions,
            not_ready=m.questions - m.poll_ready,
        )
        for m in imported.modules
    )
    text = context.text("import.done", modules=modules)
    if imported.warnings:
        lines = [problem_line(context, w) for w in imported.warnings[:SHOWN_ERRORS]]
        if len(imported.warnings) > SHOWN_ERRORS:
            more = len(imported.warnings) - SHOWN_ERRORS
            lines.append(context.text("import.more", count=more))
        text += "\n\n" + context.text("import.skipped", lines="\n".join(lines))
    return text


async def import_file(update: Update, context: BotContext) -> None:
    """Imports the file this message carries or replies to (in private: asks for the branch)."""
    message, place, services = update.effective_message, here(context), context.services
    document: Document | None = message.document or (
        message.reply_to_message.document if message.reply_to_message else None
    )
    if document is None:
        raise UserError("import.usage")
    services.study.check_size(document.file_size)
    data = bytes(await (await document.get_file()).download_as_bytearray())
    name, user_id = document.file_name or "module.txt", update.effective_user.id
    key, now = f"{message.chat_id}:{message.message_id}", context.clock()
    try:
        if not place.private:
            imported = await services.study.import_file(
                place.branch, name=name, data=data, key=key, by=user_id, now=now
            )
            await message.reply_text(imported_text(context, imported))
            return
        draft_id, parsed = await services.study.hold(
            user_id=user_id, key=key, name=name, data=data, now=now
        )
    except FormatError as error:
        await message.reply_text(rejected_text(context, error))
        return
    buttons = await _branch_buttons(context, draft_id, user_id)
    await message.reply_text(
        context.text(
            "import.choose_branch",
            name=name,
            modules=len(parsed.modules),
            count=sum(len(m.questions) for m in parsed.modules),
        ),
        reply_markup=paged_keyboard(buttons, 0, f"{PAGE_PREFIX}{draft_id}:{{page}}"),
    )


async def _branch_buttons(
    context: BotContext, draft_id: int, user_id: int
) -> list[InlineKeyboardButton]:
    """A button per branch the user is a secretary of, importing the held file there."""
    branches = await context.services.auth.secretary_branches(user_id)
    return [
        InlineKeyboardButton(
            shorten(b.title, NAME_MAX), callback_data=f"{CHOOSE_PREFIX}{draft_id}:{b.id}"
        )
        for b in branches
    ]


async def turn_page(update: Update, context: BotContext) -> None:
    """◀ ▶ under the branch buttons of a privately sent file."""
    query = update.callback_query
    match = _PAGE.match(query.data)
    if match is None or not here(context).private:
        raise UserError("button.stale")
    draft_id, page = int(match.group(1)), int(match.group(2))
    buttons = await _branch_buttons(context, draft_id, query.from_user.id)
    await turn_to(query, paged_keyboard(buttons, page, f"{PAGE_PREFIX}{draft_id}:{{page}}"))


async def choose_branch(update: Update, context: BotContext) -> None:
    """A branch button under a privately sent file: import it there."""
    query, services, place = update.callback_query, context.services, here(context)
    match = _CHOOSE.match(query.data)
    if match is None or not place.private:
        raise UserError("button.stale")
    draft_id, branch_id = int(match.group(1)), int(match.group(2))
    user_id = query.from_user.id
    branch = await services.branches.get(branch_id)
    if (
        branch is None
        or not branch.active
        or not await services.auth.is_secretary_of(branch, user_id)
    ):
        raise UserError("button.stale")
    imported = await services.study.import_held(draft_id, user_id, branch, context.clock())
    await query.answer()
    await query.edit_message_text(
        context.text("import.into", branch=branch.title) + "\n" + imported_text(context, imported)
    )


def handlers() -> list[BaseHandler]:
    """Handlers of this module."""
    return [
        command(commands.IMPORT, import_file),
        MessageHandler(IMPORT_CAPTION, gate(commands.IMPORT, import_file)),
        CallbackQueryHandler(choose_branch, pattern=f"^{CHOOSE_PREFIX}"),
        CallbackQueryHandler(turn_page, pattern=f"^{PAGE_PREFIX}"),
    ]
