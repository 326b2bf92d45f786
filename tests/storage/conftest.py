"""A fresh, migrated database file per test."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from storage import Storage, open_storage


@pytest.fixture
async def storage(tmp_path) -> AsyncIterator[Storage]:
    opened = await open_storage(tmp_path / "test.sqlite3")
    yield opened
    await opened.close()
