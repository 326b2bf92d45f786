"""``BotContext``: the typed callback context every handler receives."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from telegram.ext import Application, CallbackContext, ExtBot

from bot.auth import Actor
from bot.clock import Clock
from bot.config import Config
from bot.i18n import Words
from bot.services import Services
from storage.models import Branch, OccurrenceView


@dataclass(frozen=True)
class Here:
    """Where an update happened, resolved once per update by the observe handler.

    Attributes:
        chat_id: the chat of the update.
        private: whether it is the user's private chat with the bot.
        branch: the group's branch; in private the branch the user chose (a start link or a
            branch button), else their only branch, else None.
        language: the language replies are written in.
        actor: who sent it (None for updates without a sender).
        own_language: the sender's own language, as Telegram tells it (None: it tells none).
    """

    chat_id: int
    private: bool
    branch: Branch | None
    language: str
    actor: Actor | None
    own_language: str | None = None


class BotContext(CallbackContext[ExtBot[None], dict[Any, Any], dict[Any, Any], dict[Any, Any]]):
    """Callback context with typed access to the services, config and clock."""

    def __init__(
        self,
        application: Application[Any, Any, Any, Any, Any, Any],
        chat_id: int | None = None,
        user_id: int | None = None,
    ) -> None:
        super().__init__(application, chat_id=chat_id, user_id=user_id)
        self.here: Here | None = None

    @property
    def services(self) -> Services:
        """The services built in ``post_init``."""
        return self.application.bot_data["services"]

    @property
    def config(self) -> Config:
        """The loaded configuration."""
        return self.application.bot_data["config"]

    @property
    def clock(self) -> Clock:
        """The injected clock."""
        return self.application.bot_data["clock"]

    @property
    def words(self) -> Words:
        """The texts of the update's chat (the bot's language where there is no update)."""
        language = self.here.language if self.here else self.config.bot.language
        return self.services.catalogs.words(language)

    @property
    def toast_words(self) -> Words:
        """The texts of a button's toast or alert: only the presser sees it, so their own."""
        own = self.here.own_language if self.here else None
        return self.services.catalogs.words(own) if own else self.words

    def words_for(self, group: Branch | OccurrenceView) -> Words:
        """The texts of a branch's group: of the branch, or of the occurrence's branch."""
        language = group.language if isinstance(group, Branch) else group.branch_language
        return self.services.catalogs.words(language)
