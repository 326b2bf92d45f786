"""``/role``, ``/roster`` with its roll-call button, and members joining or leaving the group."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from telegram import ChatMember, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import BaseHandler, ChatMemberHandler

from bot import commands
from bot.context import BotContext
from bot.errors import UserError
from bot.i18n import Words
from bot.members import ROLE_WORDS, ROLES, ROSTER_WORDS
from handlers.gate.access import command
from handlers.gate.buttons import button
from handlers.gate.callbacks import RosterJoin
from handlers.gate.place import ADMIN_STATUSES, arguments, here, named_person, person_of
from handlers.outbound.menus import give_private_menu, take_private_menu, update_secretary_menu
from handlers.outbound.private import renders, send_private
from handlers.outbound.replies import reply
from storage.models import Branch


async def role(update: Update, context: BotContext) -> None:
    """Sets a member's role: ``/role <user> <role>`` (secretary, 管理员, …), or as a reply."""
    message, branch, services = update.effective_message, here(context).branch, context.services
    args = arguments(context).split()
    person = named_person(message)
    # A reply or a text mention names the user; any other arguments before the role are the
    # mention's own text. Without one, the user is the first of exactly two arguments.
    new_role = ROLE_WORDS.code(args[-1]) if args else None
    if new_role is None or (person is None and len(args) != 2):
        raise UserError("role.usage")
    word = None if person else args[0]
    member = await services.members.resolve(
        branch, person=person, word=word, now=context.clock(), usage="role.usage"
    )
    _, changed = await services.members.set_role(branch, member.user.id, new_role)
    role_name = context.words(f"role.{new_role}")
    await reply(update, context, "role.set", name=member.user.display_name, role=role_name)
    if changed:
        await update_secretary_menu(
            context, branch=branch, user_id=member.user.id, granted=new_role == "secretary"
        )
        await send_private(
            context,
            user_id=member.user.id,
            branch=branch,
            key="role.told",
            dedupe_key=f"role:{message.chat_id}:{message.message_id}",
            role=new_role,
        )


@renders("role.told")
async def role_told_text(
    context: BotContext, branch: Branch, words: Words, params: Mapping[str, Any]
) -> str:
    """The member's new role, named in the member's own language when it is sent.

    Kept as the role's code; a notice kept before that holds the name as it was written.
    """
    role_name = params["role"]
    if role_name in ROLES:
        role_name = words(f"role.{role_name}")
    return words("role.told", branch_title=branch.title, role=role_name)


async def roster(update: Update, context: BotContext) -> None:
    """Posts the roll-call button; ``list`` shows the roster; ``remove <user>`` takes one off."""
    message, branch, services = update.effective_message, here(context).branch, context.services
    args = arguments(context).split()
    action = ROSTER_WORDS.code(args[0]) if args else None
    if not args:
        join = InlineKeyboardButton(
            context.words("roster.button"), callback_data=RosterJoin().pack()
        )
        await message.reply_text(
            context.words("roster.call"), reply_markup=InlineKeyboardMarkup([[join]])
        )
    elif action == "list" and len(args) == 1:
        members = await services.members.roster(branch)
        if not members:
            await reply(update, context, "roster.empty")
            return
        names = "\n".join(f"{i}. {m.user.display_name}" for i, m in enumerate(members, 1))
        text = context.words("roster.list", count=len(members), names=names)
        await message.reply_text(text)
    elif action == "remove":
        person = named_person(message)
        if person is None and len(args) != 2:
            raise UserError("roster.usage")
        member = await services.members.resolve(
            branch,
            person=person,
            word=None if person else args[1],
            now=context.clock(),
            usage="roster.usage",
        )
        await services.members.remove_from_roster(branch, member.user.id)
        await reply(update, context, "roster.removed", name=member.user.display_name)
    else:
        raise UserError("roster.usage")


async def join_roster(
    update: Update, context: BotContext, data: RosterJoin, branch: Branch
) -> None:
    """The roll-call button: the presser (whoever it is) joins the roster; a toast confirms."""
    query = update.callback_query
    person = person_of(query.from_user)
    joined = await context.services.members.join_roster(person, branch, context.clock())
    await query.answer(context.toast_words("roster.joined" if joined else "roster.already"))


def _in_chat(member: ChatMember) -> bool:
    if member.status == ChatMember.RESTRICTED:
        return bool(getattr(member, "is_member", False))
    return member.status in (ChatMember.MEMBER, *ADMIN_STATUSES)


async def member_changed(update: Update, context: BotContext) -> None:
    """Someone joined (onto the roster), left (off it) or was promoted or demoted."""
    change, place, services = update.chat_member, here(context), context.services
    old, new = change.old_chat_member, change.new_chat_member
    user = new.user
    was_admin, is_admin = old.status in ADMIN_STATUSES, new.status in ADMIN_STATUSES
    if was_admin != is_admin:
        services.auth.admin_changed(place.chat_id, user.id, is_admin)
    branch = place.branch
    person = person_of(user)
    if branch is None or not branch.active or person is None:
        return
    if not _in_chat(old) and _in_chat(new):
        await services.members.joined(person, branch, context.clock())
    elif _in_chat(old) and not _in_chat(new):
        await services.members.left(user.id, branch, context.clock())
        await update_secretary_menu(context, branch=branch, user_id=user.id, granted=False)
        return
    if is_admin and not was_admin:
        await give_private_menu(context, branch=branch, user_id=user.id)
    elif was_admin and not is_admin:
        await take_private_menu(context, user.id)


def handlers() -> list[BaseHandler]:
    """Handlers of this module."""
    return [
        command(commands.ROLE, role),
        command(commands.ROSTER, roster),
        button(RosterJoin, join_roster),
        ChatMemberHandler(member_changed, ChatMemberHandler.CHAT_MEMBER),
    ]
