"""Files on disk are the bot's alone: under the usual umask 022 the database (with its -wal and
-shm files), the backup folder and backups are 0600 files in 0700 folders, and the temporary
backup of /backup is removed whether its upload succeeds, fails or is cancelled."""

from __future__ import annotations

import asyncio
import gzip
import os
import sqlite3
import stat
from dataclasses import replace

import pytest
from telegram import Update

import handlers.operators
import storage as storage_package
from storage import open_storage
from tests import factories
from tests.conftest import GROUP, OPERATOR, make_config, sqlite_only, start_app, stop_app

pytestmark = sqlite_only("the modes of the database file and its backups")


def mode(path):
    return stat.S_IMODE(os.stat(path).st_mode)


@pytest.fixture
def umask_022():
    """The usual umask, under which files are created world-readable unless the bot says no."""
    old = os.umask(0o022)
    yield
    os.umask(old)


@pytest.fixture
async def nested(tmp_path, api, clock, umask_022):
    """The bot started on a database and backup folder in folders that do not exist yet."""
    config = make_config(tmp_path)
    config = replace(
        config,
        storage=replace(
            config.storage,
            path=tmp_path / "data" / "db" / "branchbot.sqlite3",
            backup_dir=tmp_path / "data" / "backups",
        ),
    )
    app = await start_app(config, api, clock)
    yield app, config
    await stop_app(app)


async def say(app, text, *, chat, user):
    update = factories.message(text, chat=chat, user=user)
    await app.process_update(Update.de_json(update, app.bot))


async def test_the_database_its_wal_and_shm_and_its_folders_are_private(nested, api):
    app, config = nested
    api.bot_status[GROUP.id] = "administrator"
    await say(app, "/setup", chat=GROUP, user=OPERATOR)  # some writes: the WAL is in use
    database = config.storage.path
    for path in (database, f"{database}-wal", f"{database}-shm"):
        assert mode(path) == 0o600, path
    assert mode(database.parent) == 0o700
    assert mode(database.parent.parent) == 0o700  # every folder the bot created
    for call in api.calls:
        call.read = True


async def test_an_existing_world_readable_database_is_made_private(tmp_path, umask_022):
    path = tmp_path / "old.sqlite3"
    old = sqlite3.connect(path)
    old.execute("PRAGMA journal_mode = WAL")
    old.execute("CREATE TABLE t (x)")
    old.commit()
    assert mode(path) == 0o644  # what an earlier version left, under umask 022
    old.close()
    storage = await open_storage(path)
    try:
        assert mode(path) == 0o600
        assert mode(f"{path}-wal") == 0o600
        assert mode(f"{path}-shm") == 0o600
    finally:
        await storage.close()


async def test_a_backup_kept_on_disk_is_private_in_a_private_folder(nested, api, monkeypatch):
    app, config = nested
    monkeypatch.setattr(handlers.operators, "UPLOAD_LIMIT", 100)
    await say(app, "/backup", chat=OPERATOR, user=OPERATOR)
    (kept,) = config.storage.backup_dir.iterdir()
    assert mode(kept) == 0o600
    assert mode(config.storage.backup_dir) == 0o700
    assert gzip.decompress(kept.read_bytes()).startswith(b"SQLite format 3")
    (answer,) = api.of("sendMessage")
    assert str(kept) in answer.text
    answer.read = True


async def test_a_backup_dir_that_exists_world_readable_is_tightened(nested, api):
    app, config = nested
    config.storage.backup_dir.mkdir()
    assert mode(config.storage.backup_dir) == 0o755
    await say(app, "/backup", chat=OPERATOR, user=OPERATOR)
    assert mode(config.storage.backup_dir) == 0o700
    assert list(config.storage.backup_dir.iterdir()) == []
    (document,) = api.of("sendDocument")
    document.read = True


async def test_a_failed_upload_leaves_no_backup_on_disk(nested, api):
    app, config = nested
    api.fail_next("sendDocument", error_code=400, description="Bad Request: file is too big")
    await say(app, "/backup", chat=OPERATOR, user=OPERATOR)
    assert list(config.storage.backup_dir.iterdir()) == []
    for call in api.calls:  # the operator is told of the error
        call.read = True


async def test_a_cancelled_upload_leaves_no_backup_on_disk(nested, api):
    app, config = nested
    hold = api.hold("sendDocument", after=0, match=lambda params: True)
    sending = asyncio.create_task(say(app, "/backup", chat=OPERATOR, user=OPERATOR))
    await api.wait_until(lambda: hold.waiting == 1)
    (uploading,) = config.storage.backup_dir.iterdir()
    assert mode(uploading) == 0o600  # private while it is being sent, too
    sending.cancel()
    with pytest.raises(asyncio.CancelledError):
        await sending
    assert list(config.storage.backup_dir.iterdir()) == []
    hold.release.set()


async def test_a_backup_that_fails_or_is_cancelled_midway_leaves_nothing(nested, monkeypatch):
    app, config = nested
    storage = app.bot_data["services"].storage
    folder = config.storage.backup_dir

    def disk_full(source, target):
        target.write_bytes(b"\x1f\x8b partial")
        raise OSError("No space left on device")

    monkeypatch.setattr(storage_package, "_gzip", disk_full)
    with pytest.raises(OSError, match="No space"):
        await storage.backup(folder, "failed")
    assert list(folder.iterdir()) == []
    monkeypatch.undo()

    copying = asyncio.create_task(storage.backup(folder, "cancelled"))
    await asyncio.sleep(0)  # let it start, then cancel it (no time passes)
    copying.cancel()
    with pytest.raises(asyncio.CancelledError):
        await copying
    assert list(folder.iterdir()) == []
    assert await storage.db.fetch_one("SELECT 1") is not None  # still in use after both
