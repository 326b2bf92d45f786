"""Webhook mode: PTB's server checks the secret token before any handler runs."""

from __future__ import annotations

import json
import socket
from dataclasses import replace

import aiohttp

from bot.app import build_application
from bot.cli import webhook_options
from bot.config import TelegramConfig, WebhookConfig
from tests import factories
from tests.conftest import GROUP, MEMBER, TOKEN, make_config

SECRET = "s3cret-token_value"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


async def test_webhook_requires_the_secret_token(tmp_path, api, clock, database_url):
    port = free_port()
    webhook = WebhookConfig("https://bot.example.org/telegram/hook", "127.0.0.1", port, SECRET)
    config = replace(
        make_config(tmp_path, database_url),
        telegram=TelegramConfig(token=TOKEN, mode="webhook", webhook=webhook),
    )
    app = build_application(config, clock=clock, base_url=api.base_url)
    await app.initialize()
    await app.post_init(app)
    await app.updater.start_webhook(**webhook_options(config))
    await app.start()
    try:
        registered = api.of("setWebhook")[-1].params
        assert registered["url"] == webhook.url
        assert registered["secret_token"] == SECRET
        assert "chat_member" in registered["allowed_updates"]
        url = f"http://127.0.0.1:{port}/telegram/hook"
        body = json.dumps(factories.command("/start", chat=GROUP, user=MEMBER))
        headers = {"Content-Type": "application/json"}
        async with aiohttp.ClientSession() as http:
            for secret in (None, "wrong"):
                sent = dict(headers)
                if secret:
                    sent["X-Telegram-Bot-Api-Secret-Token"] = secret
                async with http.post(url, data=body, headers=sent) as response:
                    assert response.status == 403
            sent = {**headers, "X-Telegram-Bot-Api-Secret-Token": SECRET}
            async with http.post(url, data=body, headers=sent) as response:
                assert response.status == 200
        reply = await api.wait_for("sendMessage")
        reply.read = True
        assert len(api.of("sendMessage")) == 1
        assert "/setup" in reply.text
    finally:
        await app.updater.stop()
        await app.stop()
        await app.shutdown()
        await app.post_shutdown(app)
