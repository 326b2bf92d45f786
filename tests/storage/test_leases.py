"""Leased claims of scheduled sends: one instance's claim excludes the others; a claim whose
lease ran out is settled by whoever finds it, a live one by no one."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

from bot.branches import BRANCH_TTL, BranchService
from bot.config import BotConfig
from bot.leases import Claimant
from bot.sends import SendService
from bot.summary import SummaryService

NOW = datetime(2031, 3, 4, 11, 30, tzinfo=UTC)
LEASE = timedelta(minutes=10)
ONE, TWO = Claimant("one", LEASE), Claimant("two", LEASE)


async def _occurrence(storage) -> int:
    branch = await storage.branches.register(
        chat_id=-4001,
        title="一支部",
        timezone="Asia/Shanghai",
        language="zh",
        organisation_id=None,
        now=NOW,
    )
    meeting, _ = await storage.meetings.create(
        branch_id=branch.id,
        type="committee",
        title="",
        place="",
        first_local="2031-03-05T19:30",
        timezone="Asia/Shanghai",
        rule=None,
        duration_min=90,
        remind_min=(1440,),
        created_key="k",
        created_by=1,
        now=NOW,
    )
    (occurrence,) = await storage.meetings.add_occurrences(
        meeting.id, [(NOW + timedelta(hours=8), NOW + timedelta(hours=10))]
    )
    return occurrence


async def test_a_send_claimed_by_one_instance_is_not_claimed_by_another(storage):
    occurrence = await _occurrence(storage)
    await storage.sends.add(f"open:{occurrence}", "open", occurrence, NOW)
    one, two = SendService(storage, ONE), SendService(storage, TWO)
    assert await one.claim(f"open:{occurrence}", NOW)
    assert await two.claim(f"open:{occurrence}", NOW) is None
    row = await storage.db.fetch_one(
        "SELECT claimed_by, lease_until FROM scheduled_sends WHERE key = ?",
        (f"open:{occurrence}",),
    )
    assert row[0] == "one"
    assert row[1] == int((NOW + LEASE).timestamp())


async def test_a_live_claim_is_left_alone_and_an_expired_one_is_settled(storage, caplog):
    occurrence = await _occurrence(storage)
    key = f"open:{occurrence}"
    await storage.sends.add(key, "open", occurrence, NOW)
    assert await SendService(storage, ONE).claim(key, NOW)
    two = SendService(storage, TWO)
    caplog.set_level(logging.WARNING)
    await two.recover(NOW + LEASE - timedelta(seconds=1), grace=timedelta(minutes=15))
    assert (await storage.sends.get(key))[1] == "claimed"  # the peer may be sending it now
    assert "interrupted" not in caplog.text
    recovery = await two.recover(NOW + LEASE, grace=timedelta(minutes=15))
    assert (await storage.sends.get(key))[1] == "unconfirmed"  # it may have arrived: never again
    assert f"{key} was interrupted" in caplog.text
    assert not recovery.due_now
    assert await two.claim(key, NOW + LEASE) is None


async def test_an_expired_summary_claim_is_settled_and_a_live_one_is_not(storage):
    occurrence = await _occurrence(storage)
    branch_id = (await storage.meetings.occurrence(occurrence)).branch_id
    await storage.summaries.add(branch_id, NOW, NOW)
    one = SummaryService(storage, None, {}, ONE)  # type: ignore[arg-type]
    two = SummaryService(storage, None, {}, TWO)  # type: ignore[arg-type]
    row = await one.claim_next(NOW)
    assert row is not None
    assert await two.claim_next(NOW) is None
    await two.settle_expired(NOW + LEASE - timedelta(seconds=1))
    state = await storage.db.fetch_one(
        "SELECT state, claimed_by FROM summaries WHERE branch_id = ?", (branch_id,)
    )
    assert tuple(state) == ("claimed", "one")
    await two.settle_expired(NOW + LEASE)
    state = await storage.db.fetch_one(
        "SELECT state FROM summaries WHERE branch_id = ?", (branch_id,)
    )
    assert state[0] == "unconfirmed"


async def test_only_its_claimant_gives_up_a_daily_post(storage):
    occurrence = await _occurrence(storage)
    branch_id = (await storage.meetings.occurrence(occurrence)).branch_id
    checkins = storage.checkins
    assert await checkins.claim_post(branch_id, "2031-03-04", "one", NOW + LEASE)
    assert not await checkins.claim_post(branch_id, "2031-03-04", "two", NOW + LEASE)
    await checkins.release_post(branch_id, "2031-03-04", "two")
    assert not await checkins.claim_post(branch_id, "2031-03-04", "two", NOW + LEASE)
    await checkins.release_post(branch_id, "2031-03-04", "one")
    assert await checkins.claim_post(branch_id, "2031-03-04", "two", NOW + LEASE)


async def test_a_branch_another_instance_retired_is_seen_within_the_cache_ttl(storage):
    now = [NOW]
    here = BranchService(storage, BotConfig(), lambda: now[0])
    there = BranchService(storage, BotConfig(), lambda: now[0])
    await _occurrence(storage)  # registers the branch of chat -4001
    assert (await here.for_chat(-4001)).active
    await there.deactivate_chat(-4001, "removed from the group")
    assert (await here.for_chat(-4001)).active  # cached: another instance wrote it
    now[0] += BRANCH_TTL
    assert not (await here.for_chat(-4001)).active
