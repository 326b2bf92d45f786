"""The bot's own HTTP server: Telegram's webhook today, every route listed in ``routes``.

In webhook mode the Application runs without PTB's Updater: this server takes Telegram's
POSTs, checks the secret token, drops an update another instance (or an earlier delivery)
already took in, and puts the rest on the Application's update queue.
"""

from __future__ import annotations

import hmac
import logging
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

from aiohttp import web
from telegram import Update
from telegram.ext import Application

from bot.app import ALLOWED_UPDATES
from bot.config import Config, WebConfig

logger = logging.getLogger(__name__)

WEBHOOK_PATH = "/telegram"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"  # noqa: S105 (a header name)
# Telegram gives up on an update within a day; two days of ids outlast any redelivery.
UPDATES_KEPT = timedelta(hours=48)
# Old ids are pruned when an update_id is a multiple of this: ids are consecutive, so one
# instance prunes now and then, with no timer, whichever instance receives it.
PRUNE_EVERY = 1000
UPDATE_ID_LIMIT = 2**63


def webhook_url(web_config: WebConfig) -> str:
    """The URL Telegram posts updates to."""
    return web_config.public_url + WEBHOOK_PATH


class Webhook:
    """Telegram's POSTs: the secret checked, redeliveries dropped, the rest queued."""

    def __init__(self, application: Application[Any, Any, Any, Any, Any, Any], secret: str):
        self._application = application
        self._secret = secret.encode()

    async def receive(self, request: web.Request) -> web.Response:
        """403 without the secret, 400 for what is no update, else 200 at once."""
        given = request.headers.get(SECRET_HEADER, "").encode()
        if not hmac.compare_digest(given, self._secret):
            return web.Response(status=403)
        try:
            data = await request.json()
        except ValueError:
            return web.Response(status=400)
        update = _update_of(data, self._application)
        if update is None:
            return web.Response(status=400)
        storage = self._application.bot_data["services"].storage
        now = self._application.bot_data["clock"]()
        # Recorded before dispatch: a second delivery, to this instance or another, is dropped.
        if await storage.updates.record(update.update_id, now):
            await self._application.update_queue.put(update)
        else:
            logger.info("update %s was taken in before: dropped", update.update_id)
        if update.update_id % PRUNE_EVERY == 0:
            await storage.updates.forget_before(now - UPDATES_KEPT)
        return web.Response()


def _update_of(
    data: object, application: Application[Any, Any, Any, Any, Any, Any]
) -> Update | None:
    """The update a body holds, or None for anything else (the request is then refused)."""
    if not isinstance(data, dict):
        return None
    update_id = data.get("update_id")
    # An id the database keeps (a signed 64-bit integer), never a bool.
    if type(update_id) is not int or not 0 <= update_id < UPDATE_ID_LIMIT:
        return None
    try:
        return Update.de_json(data, application.bot)
    except (TypeError, ValueError, KeyError, AttributeError):  # a field of the wrong shape
        return None


def routes(
    application: Application[Any, Any, Any, Any, Any, Any], config: Config
) -> list[web.RouteDef]:
    """Every route the server serves."""
    served: list[web.RouteDef] = []
    if config.web is not None and config.telegram.webhook is not None:
        path = urlsplit(webhook_url(config.web)).path
        served.append(
            web.post(path, Webhook(application, config.telegram.webhook.secret_token).receive)
        )
    return served


@asynccontextmanager
async def serving(application: Application[Any, Any, Any, Any, Any, Any]) -> AsyncIterator[None]:
    """Run the Application fed by the server, in ``run_webhook``'s order, until the block ends.

    The webhook is registered with Telegram only where ``telegram.set_webhook`` says so.
    """
    config: Config = application.bot_data["config"]
    if config.web is None or config.telegram.webhook is None:
        raise ValueError("not in webhook mode")
    server = web.AppRunner(web.Application(), access_log=None)
    server.app.add_routes(routes(application, config))
    async with AsyncExitStack() as stack:
        await application.initialize()
        stack.push_async_callback(application.post_shutdown, application)
        stack.push_async_callback(application.shutdown)
        await application.post_init(application)
        await application.start()
        stack.push_async_callback(application.stop)
        await server.setup()
        stack.push_async_callback(server.cleanup)
        await web.TCPSite(server, config.web.listen, config.web.port).start()
        logger.info("serving on %s:%s", config.web.listen, config.web.port)
        if config.telegram.webhook.set_webhook:
            await application.bot.set_webhook(
                url=webhook_url(config.web),
                secret_token=config.telegram.webhook.secret_token,
                allowed_updates=ALLOWED_UPDATES,
            )
        yield
