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
    BotCommandScopeChatMember,
)

from bot.clock import Clock
from bot.commands import Access, available
from bot.config import LANGUAGES, Config
from bot.context import BotContext
from bot.services import Services
from handlers.outbound.policy import attempt
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

    def commands(self, services: Services) -> list[BotCommand]:
        """The menu's commands, described in its language."""
        words = services.catalogs.words(self.language)
        return [
            BotCommand(spec.name, words(spec.summary_key))
            for spec in available(self.access, private=self.private, registered=True)
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


def all_menus(config: Config, secretaries: list[tuple[int, int, str]]) -> list[Menu]:
    """Every menu the bot should have, given the granted secretaries."""
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
            ),
            Menu(
                f"admins:{suffix}",
                BotCommandScopeAllChatAdministrators(),
                code,
                language,
                Access.SECRETARY,
                private=False,
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
    menus += [secretary_menu(chat, user, language) for chat, user, language in secretaries]
    return menus


def _fingerprint(menu: Menu, commands: list[BotCommand]) -> str:
    content = [menu.language_code, [(c.command, c.description) for c in commands]]
    return hashlib.sha256(json.dumps(content, ensure_ascii=False).encode()).hexdigest()


# A menu's content depends only on these; the secretaries' menus of one language share it.
_Content = tuple[str | None, str, Access, bool]


async def _apply(
    bot: Bot,
    services: Services,
    menu: Menu,
    known: dict[str, str],
    clock: Clock,
    contents: dict[_Content, tuple[list[BotCommand], str]] | None = None,
) -> None:
    content = (menu.language_code, menu.language, menu.access, menu.private)
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
    contents: dict[_Content, tuple[list[BotCommand], str]] = {}  # built once per content
    for menu in all_menus(config, secretaries):
        await _apply(bot, services, menu, known, clock, contents)


async def update_secretary_menu(
    context: BotContext, *, branch: Branch, user_id: int, granted: bool
) -> None:
    """Give a member the secretaries' menu in their group, or take it away."""
    menu = secretary_menu(branch.chat_id, user_id, branch.language)
    services = context.services
    known = await services.storage.menus.fingerprints()
    if granted:
        await _apply(context.bot, services, menu, known, context.clock)
    elif menu.key in known:
        delete = partial(context.bot.delete_my_commands, scope=menu.scope)
        if (await attempt(delete, what=f"deleting command menu {menu.key}")).delivered:
            await services.storage.menus.forget(menu.key)
