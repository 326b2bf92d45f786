"""Command menus per scope and language, set at start and when a secretary role changes.

Each menu's content is fingerprinted in the database, so a restart only sends the menus that
changed instead of one request per secretary of every branch.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from functools import partial

from telegram import (
    Bot,
    BotCommand,
    BotCommandScope,
    BotCommandScopeAllChatAdministrators,
    BotCommandScopeAllGroupChats,
    BotCommandScopeAllPrivateChats,
    BotCommandScopeChat,
    BotCommandScopeChatAdministrators,
    BotCommandScopeChatMember,
)

from bot.clock import Clock
from bot.commands import Access, available
from bot.config import LANGUAGES, Config
from bot.context import BotContext
from bot.services import Services
from handlers.outbound.policy import attempt, follows_migration
from handlers.outbound.private import reader_language
from storage.models import Branch


@dataclass(frozen=True)
class Menu:
    """One menu: a scope, the language it is for, and the access its commands assume."""

    key: str
    scope: BotCommandScope
    language_code: str | None  # None: users of any other language
    language: str
    access: Access
    private: bool
    registered: bool = True  # for a branch (False: any group, which may not be one yet)

    def commands(self, services: Services) -> list[BotCommand]:
        """The menu's commands, described in its language."""
        words = services.catalogs.words(self.language)
        return [
            BotCommand(spec.name, words(spec.summary_key))
            for spec in available(self.access, private=self.private, registered=self.registered)
        ]


def secretary_menu(chat_id: int, user_id: int, language: str) -> Menu:
    """The menu of one member granted the secretary role, in their group."""
    return Menu(
        f"member:{chat_id}:{user_id}",
        BotCommandScopeChatMember(chat_id, user_id),
        None,
        language,
        Access.SECRETARY,
        private=False,
    )


def branch_menus(chat_id: int, language: str) -> list[Menu]:
    """A branch's group menus: its members' and its administrators', in its language.

    Telegram prefers a chat's own scopes to the language-wide ones, so everyone in the group
    reads the branch's language, whatever their app speaks.
    """
    return [
        Menu(
            f"branch:{chat_id}",
            BotCommandScopeChat(chat_id),
            None,
            language,
            Access.MEMBER,
            private=False,
        ),
        Menu(
            f"branch-admins:{chat_id}",
            BotCommandScopeChatAdministrators(chat_id),
            None,
            language,
            Access.SECRETARY,
            private=False,
        ),
    ]


def private_secretary_menu(user_id: int, language: str) -> Menu:
    """A secretary's private menu (granted, or a group's administrator), in their language."""
    return Menu(
        f"private-secretary:{user_id}",
        BotCommandScopeChat(user_id),
        None,
        language,
        Access.SECRETARY,
        private=True,
    )


def all_menus(
    config: Config,
    secretaries: list[tuple[int, int, str, str | None]],
    branches: list[tuple[int, str]],
) -> list[Menu]:
    """Every menu the bot should have, given the granted secretaries and the active branches."""
    menus = []
    for code in (None, *LANGUAGES):
        language = code or config.bot.language
        suffix = code or "default"
        menus += [
            Menu(
                f"private:{suffix}",
                BotCommandScopeAllPrivateChats(),
                code,
                language,
                Access.MEMBER,
                private=True,
            ),
            Menu(
                f"groups:{suffix}",
                BotCommandScopeAllGroupChats(),
                code,
                language,
                Access.MEMBER,
                private=False,
                registered=False,
            ),
            Menu(
                f"admins:{suffix}",
                BotCommandScopeAllChatAdministrators(),
                code,
                language,
                Access.SECRETARY,
                private=False,
                registered=False,
            ),
        ]
    menus += [
        Menu(
            f"operator:{op}",
            BotCommandScopeChat(op),
            None,
            config.bot.language,
            Access.OPERATOR,
            private=True,
        )
        for op in sorted(config.bot.operators)
    ]
    menus += [secretary_menu(chat, user, language) for chat, user, language, _ in secretaries]
    private = {  # the user's own language, else their first branch's
        user: reader_language(code, language) for _, user, language, code in reversed(secretaries)
    }
    menus += [
        private_secretary_menu(user, language)
        for user, language in sorted(private.items())
        if user not in config.bot.operators  # an operator's own menu has more
    ]
    for chat_id, language in branches:
        menus += branch_menus(chat_id, language)
    return menus


def _fingerprint(menu: Menu, commands: list[BotCommand]) -> str:
    content = [menu.language_code, [(c.command, c.description) for c in commands]]
    return hashlib.sha256(json.dumps(content, ensure_ascii=False).encode()).hexdigest()


# A menu's content depends only on these; the secretaries' menus of one language share it.
_Content = tuple[str | None, str, Access, bool, bool]


async def _apply(
    bot: Bot,
    services: Services,
    menu: Menu,
    known: dict[str, str],
    clock: Clock,
    contents: dict[_Content, tuple[list[BotCommand], str]] | None = None,
) -> None:
    content = (menu.language_code, menu.language, menu.access, menu.private, menu.registered)
    if contents is not None and content in contents:
        commands, fingerprint = contents[content]
    else:
        commands = menu.commands(services)
        fingerprint = _fingerprint(menu, commands)
        if contents is not None:
            contents[content] = commands, fingerprint
    if known.get(menu.key) == fingerprint:
        return
    set_menu = partial(
        bot.set_my_commands, commands, scope=menu.scope, language_code=menu.language_code
    )
    if (await attempt(set_menu, what=f"command menu {menu.key}")).delivered:
        await services.storage.menus.save(menu.key, fingerprint, clock())


async def set_command_menus(bot: Bot, services: Services, config: Config, clock: Clock) -> None:
    """Set every menu whose content changed since it was last set."""
    known = await services.storage.menus.fingerprints()
    secretaries = await services.storage.memberships.granted_secretaries()
    branches = await services.storage.branches.active_chats()
    contents: dict[_Content, tuple[list[BotCommand], str]] = {}  # built once per content
    for menu in all_menus(config, secretaries, branches):
        await _apply(bot, services, menu, known, clock, contents)


async def update_branch_menus(context: BotContext, branch: Branch) -> None:
    """Set a branch's group menus (registered, or its language changed)."""
    services = context.services
    known = await services.storage.menus.fingerprints()
    for menu in branch_menus(branch.chat_id, branch.language):
        await _apply(context.bot, services, menu, known, context.clock)


@follows_migration
async def follow_chat(context: BotContext, old: int, new: int) -> None:
    """A group became a supergroup: its branch's menus are set for the new chat id.

    The old chat is gone with its menus, so only their fingerprints are dropped (a request
    for the old scope would be answered with the migration again).
    """
    services = context.services
    branch = await services.branches.for_chat(new)
    known = await services.storage.menus.fingerprints()
    for key in known:
        if key in (f"branch:{old}", f"branch-admins:{old}") or key.startswith(f"member:{old}:"):
            await services.storage.menus.forget(key)
    if branch is None or not branch.active:
        return
    await update_branch_menus(context, branch)
    known = await services.storage.menus.fingerprints()
    for chat_id, user_id, language, _ in await services.storage.memberships.granted_secretaries():
        if chat_id == new:
            await _apply(
                context.bot,
                services,
                secretary_menu(chat_id, user_id, language),
                known,
                context.clock,
            )


async def update_secretary_menu(
    context: BotContext, *, branch: Branch, user_id: int, granted: bool
) -> None:
    """Give a member the secretaries' menus (in their group, in private), or take them away.

    Called once the role is stored. The private menu goes only when no branch has the member
    as a secretary any more (granted, or as its group's administrator).
    """
    services = context.services
    known = await services.storage.menus.fingerprints()
    group = secretary_menu(branch.chat_id, user_id, branch.language)
    if granted:
        await _apply(context.bot, services, group, known, context.clock)
        await give_private_menu(context, branch=branch, user_id=user_id)
        return
    await _forget(context, group, known)
    await take_private_menu(context, user_id)


async def give_private_menu(context: BotContext, *, branch: Branch, user_id: int) -> None:
    """Give a secretary of ``branch`` the private secretary menu, in their own language.

    Only a member of the branch: in private the bot knows a secretary by their branches.
    """
    services = context.services
    if user_id in context.config.bot.operators:  # an operator's own menu has more
        return
    user = await services.storage.users.get(user_id)
    if (
        user is None
        or user.forgotten
        or not await services.storage.memberships.is_member(branch.id, user_id)
    ):
        return
    menu = private_secretary_menu(user_id, reader_language(user.language_code, branch.language))
    fingerprint = await services.storage.menus.fingerprint(menu.key)
    known = {menu.key: fingerprint} if fingerprint else {}
    await _apply(context.bot, services, menu, known, context.clock)


async def take_private_menu(context: BotContext, user_id: int) -> None:
    """Delete a user's private secretary menu once no branch has them as a secretary."""
    menu = private_secretary_menu(user_id, "")
    fingerprint = await context.services.storage.menus.fingerprint(menu.key)
    if fingerprint is None or await context.services.auth.secretary_branches(user_id):
        return
    await _forget(context, menu, {menu.key: fingerprint})


async def admins_fetched(
    context: BotContext, chat_id: int, before: frozenset[int] | None, after: frozenset[int]
) -> None:
    """A branch's administrator list was fetched: the private menus follow it.

    Its admins have the menu; those no longer admins lose it unless secretaries elsewhere.

    Only changes cost requests: a menu already set has its fingerprint stored.
    """
    branch = await context.services.branches.for_chat(chat_id)
    if branch is None or not branch.active:
        return
    for user_id in sorted(after):
        await give_private_menu(context, branch=branch, user_id=user_id)
    for user_id in sorted((before or frozenset()) - after):
        await take_private_menu(context, user_id)


async def forget_menus(context: BotContext, user_id: int) -> None:
    """Delete every menu set for one person (``/forget``): their secretary menus."""
    known = await context.services.storage.menus.fingerprints()
    for key in list(known):
        kind, _, rest = key.partition(":")
        if kind == "member" and rest.endswith(f":{user_id}"):
            chat_id = int(rest.split(":")[0])
            await _forget(context, secretary_menu(chat_id, user_id, ""), known)
        elif kind == "private-secretary" and rest == str(user_id):
            await _forget(context, private_secretary_menu(user_id, ""), known)


async def _forget(context: BotContext, menu: Menu, known: dict[str, str]) -> None:
    """Delete a menu Telegram holds, and its fingerprint (nothing if it was never set)."""
    if menu.key not in known:
        return
    delete = partial(context.bot.delete_my_commands, scope=menu.scope)
    if (await attempt(delete, what=f"deleting command menu {menu.key}")).delivered:
        await context.services.storage.menus.forget(menu.key)
