"""``/backup`` and ``/branches``: what operators need to keep the bot and see its branches."""

from __future__ import annotations

from telegram import Update
from telegram.ext import BaseHandler

from bot import commands
from bot.context import BotContext
from handlers.gate.access import command
from handlers.outbound.replies import reply

# Telegram's upload limit for bots; a larger backup stays on disk and the reply names it.
UPLOAD_LIMIT = 50 * 1000 * 1000


async def backup(update: Update, context: BotContext) -> None:
    """A consistent, gzip-compressed copy of the live database."""
    if not context.services.storage.copies_itself:
        await reply(update, context, "backup.pg_dump")
        return
    stamp = context.clock().strftime("%Y%m%d-%H%M%S")
    path = await context.services.storage.backup(context.config.storage.backup_dir, stamp)
    size = path.stat().st_size
    if size > UPLOAD_LIMIT:
        await reply(update, context, "backup.kept", path=str(path), size=size // 1_000_000)
        return
    # The copy on disk is only the upload's source: removed whether the upload succeeds,
    # fails or is cancelled, so no stray copy of everyone's data stays behind.
    try:
        with path.open("rb") as file:
            await update.effective_message.reply_document(file, filename=path.name)
    finally:
        path.unlink(missing_ok=True)


async def branches(update: Update, context: BotContext) -> None:
    """Every branch with its state and last activity."""
    listing = await context.services.storage.branches.overview()
    lines = [
        context.words(
            "branches.line",
            id=b.id,
            title=b.title,
            state=context.words("branches.active" if b.active else "branches.inactive"),
            last=f"{b.last_activity:%Y-%m-%d %H:%M} UTC",
        )
        for b in listing
    ]
    await reply(update, context, "branches.list", lines="\n".join(lines) or context.words.none)


def handlers() -> list[BaseHandler]:
    """Handlers of this module."""
    return [command(commands.BACKUP, backup), command(commands.BRANCHES, branches)]
