"""Updates taken in: the first record wins, a redelivery is told apart, old rows go."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

NOW = datetime(2031, 3, 2, 1, 0, tzinfo=UTC)


async def test_an_update_is_recorded_once(storage):
    assert await storage.updates.record(7001, NOW)
    assert not await storage.updates.record(7001, NOW + timedelta(seconds=5))
    assert await storage.updates.record(7002, NOW)


async def test_old_updates_are_forgotten(storage):
    await storage.updates.record(7001, NOW - timedelta(hours=49))
    await storage.updates.record(7002, NOW)
    assert await storage.updates.forget_before(NOW - timedelta(hours=48)) == 1
    assert await storage.updates.record(7001, NOW)
    assert not await storage.updates.record(7002, NOW)
