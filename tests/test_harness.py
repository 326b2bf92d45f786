"""The harness itself: nothing leaves the machine, and replayed updates change nothing."""

from __future__ import annotations

import socket

import httpx
import pytest

from tests import conftest, factories
from tests.conftest import ADMIN, GROUP, MEMBER


def test_non_loopback_connections_are_refused():
    sock = socket.socket()
    try:
        with pytest.raises(ConnectionRefusedError):
            sock.connect(("93.184.216.34", 443))
    finally:
        sock.close()
    with pytest.raises(socket.gaierror):
        socket.getaddrinfo("api.telegram.org", 443)
    # Clear what this test provoked on purpose, so its own teardown check passes.
    del conftest.blocked[-2:]


async def test_the_real_telegram_is_unreachable_from_tests():
    async with httpx.AsyncClient() as client:
        with pytest.raises(httpx.ConnectError):
            await client.get("https://api.telegram.org/")
    assert conftest.blocked[-1] == "api.telegram.org"
    del conftest.blocked[-1:]


async def test_the_fake_rejects_requests_the_bot_api_would_reject(api):
    async with httpx.AsyncClient() as client:
        url = f"{api.base_url}{conftest.TOKEN}/sendMessage"
        await client.post(url, data={"chat_id": "1", "colour": "red"})
    assert api.problems == [
        "sendMessage: unknown parameter colour",
        "sendMessage: missing required parameter text",
    ]
    api.problems.clear()


async def test_a_replayed_setup_and_button_press_change_nothing(harness):
    harness.api.bot_status[GROUP.id] = "administrator"
    setup = factories.command("/setup", chat=GROUP, user=conftest.OPERATOR)
    harness.read(await harness.feed(setup))
    harness.read(await harness.feed(setup))
    press = factories.callback("roster:join", chat=GROUP, user=MEMBER)
    harness.read(await harness.feed(press))
    harness.read(await harness.feed(press))
    # Telegram refuses the second answer to one press; the bot takes that refusal quietly.
    (refused,) = harness.api.problems
    assert refused.startswith("answerCallbackQuery: query is too old")
    harness.api.problems.clear()
    db = harness.services.storage.db
    assert (await db.fetch_one("SELECT count(*) FROM branches"))[0] == 1
    assert (await db.fetch_one("SELECT count(*) FROM memberships WHERE on_roster = 1"))[0] == 1
    role = factories.command(f"/role {MEMBER.id} committee", chat=GROUP, user=ADMIN)
    harness.read(await harness.feed(role))
    harness.read(await harness.feed(role))
    assert (await db.fetch_one("SELECT count(*) FROM pending_messages"))[0] == 0
    member = await harness.services.storage.memberships.get(1, MEMBER.id)
    assert member.role == "committee"


async def test_forged_or_stale_buttons_are_refused_and_change_nothing(harness):
    await harness.setup_branch()
    db = harness.services.storage.db
    before = (await db.fetch_one("SELECT count(*) FROM memberships WHERE on_roster = 1"))[0]
    for data in ("roster:join:99", "quiz:1:2", "x" * 64):
        calls = await harness.press(data, chat=GROUP, user=MEMBER)
        assert [c.method for c in calls] == ["answerCallbackQuery"]
        assert calls[0].params["show_alert"] is True
        assert "失效" in calls[0].text
    calls = await harness.press("roster:join", chat=MEMBER, user=MEMBER)  # outside a group
    assert calls[0].params["show_alert"] is True
    after = (await db.fetch_one("SELECT count(*) FROM memberships WHERE on_roster = 1"))[0]
    assert after == before
