"""Webhook mode end to end: the real Application fed by the bot's own server over HTTP.

The secret token is checked before anything is recorded or handled; an update delivered twice,
to one instance or to two on the same database, is handled once; only an instance told to
registers the webhook with Telegram.
"""

from __future__ import annotations

import json
import socket
from dataclasses import replace
from datetime import timedelta
from typing import Any

import aiohttp

from bot.app import build_application
from bot.config import Config, TelegramConfig, WebConfig, WebhookConfig
from bot.web import PRUNE_EVERY, SECRET_HEADER, UPDATES_KEPT, serving
from tests import factories
from tests.conftest import GROUP, MEMBER, TOKEN, make_config

SECRET = "s3cret-token_value"
PUBLIC_URL = "https://bot.example.org/branchbot"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def webhook_config(tmp_path, database_url: str, *, set_webhook: bool) -> Config:
    return replace(
        make_config(tmp_path, database_url),
        telegram=TelegramConfig(
            token=TOKEN, mode="webhook", webhook=WebhookConfig(SECRET, set_webhook)
        ),
        web=WebConfig(PUBLIC_URL, "127.0.0.1", free_port()),
    )


def hook(config: Config) -> str:
    return f"http://127.0.0.1:{config.web.port}/branchbot/telegram"


async def post(url: str, update: Any, secret: str | None = SECRET) -> int:
    headers = {"Content-Type": "application/json"}
    if secret is not None:
        headers[SECRET_HEADER] = secret
    body = update if isinstance(update, str) else json.dumps(update)
    async with aiohttp.ClientSession() as http, http.post(url, data=body, headers=headers) as r:
        return r.status


def start_reply(call) -> bool:
    return call.chat_id == GROUP.id and "/setup" in call.text


async def test_the_secret_token_is_checked_before_anything_is_handled(
    tmp_path, api, clock, database_url
):
    config = webhook_config(tmp_path, database_url, set_webhook=True)
    app = build_application(config, clock=clock, base_url=api.base_url)
    async with serving(app):
        registered = api.of("setWebhook")[-1].params
        assert registered["url"] == f"{PUBLIC_URL}/telegram"
        assert registered["secret_token"] == SECRET
        assert "chat_member" in registered["allowed_updates"]
        update = factories.command("/start", chat=GROUP, user=MEMBER)
        assert await post(hook(config), update, secret=None) == 403
        assert await post(hook(config), update, secret="wrong") == 403
        assert await post(hook(config), update, secret=SECRET[:-1]) == 403
        assert await post(hook(config), "not json") == 400
        assert await post(hook(config), [update]) == 400
        for body in (
            {"update_id": 7, "message": 5},
            {"update_id": 8, "message": {"chat": {}}},
            {"update_id": 2**64},
            {"update_id": -1},
            {"update_id": True},
            {"update_id": "9"},
        ):
            assert await post(hook(config), body) == 400, body
        # Refused requests recorded nothing: the same update, with the secret, is handled.
        assert await post(hook(config), update) == 200
        reply = await api.wait_for("sendMessage", start_reply)
        reply.read = True
    assert len(api.of("sendMessage")) == 1


async def test_an_update_delivered_to_two_instances_is_handled_once(
    tmp_path, api, clock, database_url
):
    first = webhook_config(tmp_path, database_url, set_webhook=False)
    second = replace(first, web=replace(first.web, port=free_port()))
    one = build_application(first, clock=clock, base_url=api.base_url)
    two = build_application(second, clock=clock, base_url=api.base_url)
    async with serving(one), serving(two):
        update = factories.command("/start", chat=GROUP, user=MEMBER)
        assert await post(hook(first), update) == 200
        (await api.wait_for("sendMessage", start_reply)).read = True
        assert await post(hook(second), update) == 200
        assert await post(hook(first), update) == 200
        # A later update is handled by each: the duplicates before it were dropped.
        for sent, config in enumerate((second, first), start=2):
            later = factories.command("/help", chat=GROUP, user=MEMBER)
            assert await post(hook(config), later) == 200
            await api.wait_for("sendMessage", lambda _, n=sent: len(api.of("sendMessage")) == n)
        assert len([c for c in api.of("sendMessage") if start_reply(c)]) == 1
        assert len(api.of("sendMessage")) == 3
        for call in api.of("sendMessage"):
            call.read = True
    assert api.of("setWebhook") == []


async def test_old_update_ids_are_pruned_now_and_then(tmp_path, api, clock, database_url):
    config = webhook_config(tmp_path, database_url, set_webhook=False)
    app = build_application(config, clock=clock, base_url=api.base_url)
    async with serving(app):
        updates = app.bot_data["services"].storage.updates
        await updates.record(1, clock() - UPDATES_KEPT - timedelta(minutes=1))
        await updates.record(2, clock() - UPDATES_KEPT + timedelta(minutes=1))
        update = factories.command("/start", chat=GROUP, user=MEMBER)
        update["update_id"] = PRUNE_EVERY * 7
        assert await post(hook(config), update) == 200
        (await api.wait_for("sendMessage", start_reply)).read = True
        assert await updates.record(1, clock())
        assert not await updates.record(2, clock())
