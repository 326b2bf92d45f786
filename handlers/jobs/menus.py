"""Command menus, brought up to date once the bot runs.

A first start (or a new version's) sets thousands of menus, one request each: done as a job,
so the bot answers updates meanwhile instead of starting minutes late.
"""

from __future__ import annotations

import asyncio
from typing import Any

from telegram.ext import Application

from bot.context import BotContext
from handlers.outbound.menus import set_command_menus

JOB = "menus"
# bot_data key: an event set once the start's menus are done (a deployment check, the tests).
MENUS_SET = "menus_set"


async def install(application: Application[Any, Any, Any, Any, Any, Any]) -> None:
    """Set the menus that changed, right after start."""
    application.bot_data[MENUS_SET] = asyncio.Event()
    application.job_queue.run_once(
        set_menus, when=0, name=JOB, job_kwargs={"id": JOB, "replace_existing": True}
    )


async def set_menus(context: BotContext) -> None:
    """Set every menu whose content changed since it was last set."""
    try:
        await set_command_menus(context.bot, context.services, context.config, context.clock)
    finally:
        context.bot_data[MENUS_SET].set()
