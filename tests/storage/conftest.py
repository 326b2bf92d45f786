"""A fresh, migrated database per test: a SQLite file, or PostgreSQL on a PostgreSQL run."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from storage import Storage, open_storage


@pytest.fixture
async def storage(tmp_path, database_url) -> AsyncIterator[Storage]:
    opened = await open_storage(database_url or tmp_path / "test.sqlite3")
    yield opened
    await opened.close()
