"""``/import`` (as a file's caption or a reply to a file) and ``/publish``."""

from __future__ import annotations

from telegram import Document, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import BaseHandler, MessageHandler, filters

from bot import commands
from bot.context import BotContext
from bot.deeplinks import module_payload
from bot.errors import UserError
from bot.module_formats import FormatError, Problem
from bot.text import split_message
from handlers.common import arguments, command, gate, here, parse_id, reply
from handlers.quiz import start_button
from storage.models import Branch

# A command in a caption is not seen by CommandHandler: the caption is matched explicitly.
IMPORT_CAPTION = filters.CaptionRegex(r"^/import(@\w+)?(\s|$)") & filters.Document.ALL
SHOWN_ERRORS = 20


def problem_line(context: BotContext, problem: Problem) -> str:
    """``line N: …`` for a problem found in a file, in the chat's language."""
    params = dict(problem.params)
    if "kind" in params:
        params["kind"] = context.text(f"kind.{params['kind']}")
    return context.text("import.line", line=problem.line, text=context.text(problem.key, **params))


async def import_file(update: Update, context: BotContext) -> None:
    """Imports the modules of the file this message carries or replies to, or says why not."""
    message, branch, services = update.effective_message, here(context).branch, context.services
    document: Document | None = message.document or (
        message.reply_to_message.document if message.reply_to_message else None
    )
    if document is None:
        raise UserError("import.usage")
    services.study.check_size(document.file_size)
    data = bytes(await (await document.get_file()).download_as_bytearray())
    try:
        imported = await services.study.import_file(
            branch,
            name=document.file_name or "module.txt",
            data=data,
            key=f"{message.chat_id}:{message.message_id}",
            by=update.effective_user.id,
            now=context.clock(),
        )
    except FormatError as error:
        lines = [problem_line(context, p) for p in error.problems[:SHOWN_ERRORS]]
        if len(error.problems) > SHOWN_ERRORS:
            lines.append(context.text("import.more", count=len(error.problems) - SHOWN_ERRORS))
        await reply(update, context, "import.rejected", errors="\n".join(lines))
        return
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
        skipped = "\n".join(problem_line(context, w) for w in imported.warnings)
        text += "\n\n" + context.text("import.skipped", lines=skipped)
    await message.reply_text(text)


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
    if place.branch is None or not place.branch.active:
        raise UserError("me.no_branch" if place.private else "branch.not_registered")
    found = await services.study.published(place.branch, update.effective_user.id)
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
                        f"#{m.id} {m.title}", url=link + module_payload(m.id, place.branch.id)
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
        command(commands.IMPORT, import_file),
        MessageHandler(IMPORT_CAPTION, gate(commands.IMPORT, import_file)),
        command(commands.PUBLISH, publish),
        command(commands.STUDY, study),
    ]
