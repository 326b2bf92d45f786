"""``/setup``, ``/settings``, and following the group's life: bot added or removed, upgrades."""

from __future__ import annotations

from telegram import Chat, ChatMember, Update
from telegram.ext import BaseHandler, ChatMemberHandler, MessageHandler, filters

from bot import commands
from bot.context import BotContext
from handlers.gate.access import access_of, command
from handlers.gate.place import ADMIN_STATUSES, arguments, here
from handlers.jobs.changes import daily_changed
from handlers.outbound.menus import update_branch_menus
from handlers.outbound.policy import follow_migration
from handlers.views.settings import settings_text
from storage.models import Branch

GONE_STATUSES = (ChatMember.LEFT, ChatMember.BANNED)


async def setup(update: Update, context: BotContext) -> None:
    """Registers the group as a branch, or says it already is one; warns if the bot is no admin."""
    chat, services = update.effective_chat, context.services
    code = arguments(context) or None
    result = await services.branches.setup(
        chat_id=chat.id,
        title=chat.title or str(chat.id),
        code=code,
        access=await access_of(context),
        now=context.clock(),
    )
    await daily_changed(context, result.branch)
    words = context.words_for(result.branch)
    lines = [
        words(
            "setup.created" if result.created else "setup.already",
            branch=result.branch.title,
            id=result.branch.id,
        )
    ]
    if result.organisation:
        lines.append(words("setup.organisation", organisation=result.organisation.name))
    me = await context.bot.get_chat_member(chat.id, context.bot.id)
    if me.status not in ADMIN_STATUSES:
        lines.append(words("setup.bot_not_admin"))
    await update.effective_message.reply_text("\n\n".join(lines))
    await update_branch_menus(context, result.branch)


def render_settings(context: BotContext, branch: Branch, key: str) -> str:
    """The settings message for a branch, in the branch's (possibly new) language."""
    return settings_text(context.words_for(branch), branch, key)


async def settings(update: Update, context: BotContext) -> None:
    """Shows the branch's settings, or changes them when arguments are given."""
    branch = here(context).branch
    text = arguments(context)
    if not text:
        await update.effective_message.reply_text(
            render_settings(context, branch, "settings.show")
        )
        return
    updated = await context.services.branches.change_settings(branch, text)
    await daily_changed(context, updated)
    await update.effective_message.reply_text(render_settings(context, updated, "settings.saved"))
    await update_branch_menus(context, updated)  # a new language: the menus follow


async def bot_membership(update: Update, context: BotContext) -> None:
    """Added to a group: a greeting explaining /setup; removed: the branch goes inactive."""
    change, chat = update.my_chat_member, update.effective_chat
    if chat.type not in (Chat.GROUP, Chat.SUPERGROUP):
        return  # a user blocking or unblocking the bot in private
    old, new = change.old_chat_member.status, change.new_chat_member.status
    services = context.services
    if new in GONE_STATUSES:
        await services.branches.deactivate_chat(chat.id, f"bot status {new}")
        services.auth.forget_chat(chat.id)
    elif old in GONE_STATUSES:
        branch = await services.branches.bot_added(chat.id, chat.title or str(chat.id))
        if branch is not None:
            await daily_changed(context, branch)
        key = "bot.welcome_back" if branch else "bot.added"
        words = context.words_for(branch) if branch else context.words
        await context.bot.send_message(chat.id, words(key))
        if branch is not None:
            await update_branch_menus(context, branch)


async def chat_migrated(update: Update, context: BotContext) -> None:
    """A group became a supergroup: the branch follows its new chat id."""
    message = update.effective_message
    if message.migrate_to_chat_id:
        old, new = message.chat_id, message.migrate_to_chat_id
    else:
        old, new = message.migrate_from_chat_id, message.chat_id
    await follow_migration(context, old, new)


def handlers() -> list[BaseHandler]:
    """Handlers of this module."""
    return [
        command(commands.SETUP, setup),
        command(commands.SETTINGS, settings),
        ChatMemberHandler(bot_membership, ChatMemberHandler.MY_CHAT_MEMBER),
        MessageHandler(filters.StatusUpdate.MIGRATE, chat_migrated),
    ]
