"""Fuzz: forged button payloads and deep links, from people inside and outside a branch.

Telegram hands a bot back whatever callback data a client sends (up to 64 bytes) and any
``/start`` payload a link carries, so both are user input. Every handler's own prefix is read
from the running application, followed by random text: ids far past any integer column,
digits of other scripts, separators, nothing. Whatever arrives, the bot answers (or says
nothing) without an unexpected error, and someone outside the branch changes nothing.
"""

from __future__ import annotations

import logging
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from telegram.ext import CallbackQueryHandler

from tests import factories
from tests.conftest import ADMIN, GROUP, MEMBER
from tests.test_authorization import snapshot
from tests.test_meetings import add_meeting
from tests.test_study import gift_of, send_file

STRANGER = factories.Person(100777, "路人", username="passerby", language_code="en")
# Digits as Telegram clients may send them: ASCII, full-width, Arabic-Indic, Mongolian (᧚).
DIGITS = "0123456789０１２３４５６７８９٣٤᧚"
ID = st.one_of(
    st.integers(min_value=0, max_value=3),
    st.integers(min_value=2**63 - 2, max_value=2**64),
    st.integers(min_value=10**20, max_value=10**27),
).map(str)
PIECE = st.one_of(ID, st.text(alphabet=DIGITS, max_size=20), st.sampled_from(["s", "-1", ""]))
SUFFIX = st.one_of(
    st.lists(st.integers(min_value=0, max_value=3).map(str), max_size=4).map(":".join),
    st.lists(PIECE, max_size=5).map(":".join),
    st.text(max_size=30),
)


def prefixes(app) -> list[str]:
    """The literal start of every callback pattern the bot registered."""
    found = []
    for handler in app.handlers[0]:
        if isinstance(handler, CallbackQueryHandler) and handler.pattern is not None:
            pattern = handler.pattern.pattern
            found += re.sub(r"[\^$()]", "", pattern).split("|")
    return sorted(set(found))


def fits(data: str) -> bool:
    """Telegram delivers at most 64 bytes of callback data."""
    return 0 < len(data.encode()) <= 64


@pytest.fixture
async def world(harness, clock):
    """A branch with a member, a published module and a meeting whose check-in is open."""
    branch = await harness.setup_branch()
    await harness.press("roster:join", chat=GROUP, user=MEMBER)
    await send_file(harness, gift_of(3), "学习.gift")
    await harness.say("/publish 1", chat=GROUP, user=ADMIN)
    await add_meeting(harness, "group 2031-03-02 09:10")
    return branch


async def feed_quietly(harness, update, caplog):
    """Feed an update; fail on any error the bot did not expect."""
    caplog.clear()
    harness.read(await harness.feed(update))
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert errors == [], [r.getMessage() for r in errors]


@settings(
    max_examples=120,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
async def test_forged_buttons_from_a_stranger_change_nothing(world, harness, caplog, data):
    prefix = data.draw(st.sampled_from(prefixes(harness.app)))
    payload = prefix + data.draw(SUFFIX.filter(lambda s: s != ""))
    if not fits(payload):
        return
    chat = data.draw(st.sampled_from([STRANGER, GROUP]))
    if chat is GROUP:
        # Pressing a button in the group makes one a member; the forged part must not act.
        return
    before = await snapshot(harness)
    update = factories.callback(payload, chat=chat, user=STRANGER)
    await feed_quietly(harness, update, caplog)
    assert await snapshot(harness) == before, payload


@settings(
    max_examples=120,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
async def test_forged_buttons_from_a_member_raise_nothing(world, harness, caplog, data):
    prefix = data.draw(st.sampled_from(prefixes(harness.app)))
    payload = prefix + data.draw(SUFFIX)
    if not fits(payload):
        return
    chat = data.draw(st.sampled_from([MEMBER, GROUP]))
    await feed_quietly(harness, factories.callback(payload, chat=chat, user=MEMBER), caplog)


PAYLOAD = st.one_of(
    st.from_regex(r"[A-Za-z0-9_-]{0,64}", fullmatch=True),
    st.tuples(st.sampled_from(["b", "m"]), ID, st.sampled_from(["", "b"]), ID).map("".join),
    st.text(max_size=64),
)


@settings(
    max_examples=120,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(payload=PAYLOAD)
async def test_deep_links_from_a_stranger_change_nothing(world, harness, caplog, payload):
    before = await snapshot(harness)
    update = factories.command(f"/start {payload}".rstrip(), chat=STRANGER, user=STRANGER)
    await feed_quietly(harness, update, caplog)
    assert await snapshot(harness) == before, payload
    stranger = await harness.services.storage.users.get(STRANGER.id)
    assert stranger.private_branch_id is None, payload


async def test_the_branch_and_module_links_refuse_a_stranger(world, harness):
    """The two links the bot itself hands out, opened by someone outside the branch."""
    branch = world
    for payload in (f"b{branch.id}", f"m1b{branch.id}"):
        before = await snapshot(harness)
        calls = await harness.say(f"/start {payload}", chat=STRANGER, user=STRANGER)
        assert calls, payload
        assert all(c.chat_id == STRANGER.id for c in calls)
        assert await snapshot(harness) == before
        stranger = await harness.services.storage.users.get(STRANGER.id)
        assert stranger.private_branch_id is None


async def test_every_button_with_real_ids_refuses_a_stranger(world, harness, caplog):
    """Each prefix with the ids that exist (branch 1, module 1, occurrence 1, attempt 1)."""
    for prefix in prefixes(harness.app):
        for suffix in ("", "1", "1:1", "1:0:0", "1:0:1:0", "1:0:0:s", "1:1:1"):
            payload = prefix + suffix
            before = await snapshot(harness)
            await feed_quietly(
                harness, factories.callback(payload, chat=STRANGER, user=STRANGER), caplog
            )
            assert await snapshot(harness) == before, payload
