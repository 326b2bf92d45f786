"""Persistence: every SQL statement of branchbot lives in this package.

Callers see ``Storage`` (repositories returning dataclasses, plus ``transaction()``), never a
connection: the same repositories run on SQLite (a file, the default) or PostgreSQL (a URL).
"""

from __future__ import annotations

import asyncio
import gzip
import logging
import os
import shutil
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from pathlib import Path

from storage.acts import ActRepo
from storage.branches import BranchRepo, OrganisationRepo
from storage.checkins import CheckinRepo
from storage.db import PRIVATE_DIR, Database, create_private_file, make_private_dir
from storage.deliveries import CommandMenuRepo, PendingMessageRepo
from storage.group_quiz import GroupQuizRepo
from storage.leaves import LeaveRepo
from storage.meetings import MeetingRepo
from storage.members import MembershipRepo, UserRepo
from storage.points import PointsRepo
from storage.postgres import PostgresDatabase, is_url
from storage.quiz import QuizRepo
from storage.reports import ReportRepo
from storage.sends import SendRepo
from storage.sqlite import SqliteDatabase
from storage.study import StudyRepo
from storage.summaries import SummaryRepo
from storage.updates import ProcessedUpdateRepo

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Storage:
    """The repositories over one database, and its transaction scope."""

    db: Database
    branches: BranchRepo
    organisations: OrganisationRepo
    users: UserRepo
    memberships: MembershipRepo
    pending: PendingMessageRepo
    menus: CommandMenuRepo
    meetings: MeetingRepo
    sends: SendRepo
    checkins: CheckinRepo
    leaves: LeaveRepo
    study: StudyRepo
    quiz: QuizRepo
    points: PointsRepo
    group_quiz: GroupQuizRepo
    reports: ReportRepo
    summaries: SummaryRepo
    acts: ActRepo
    updates: ProcessedUpdateRepo

    def transaction(self, scope: int | None = None) -> AbstractAsyncContextManager[None]:
        """Group several repository calls into one atomic, serialized unit.

        ``scope``: the one branch whose rows they read and write (``Database.transaction``).
        """
        return self.db.transaction(scope)

    @property
    def copies_itself(self) -> bool:
        """Whether ``backup`` works: a PostgreSQL database is copied with ``pg_dump``."""
        return isinstance(self.db, SqliteDatabase)

    async def backup(self, folder: Path, stamp: str) -> Path:
        """Write a consistent, gzip-compressed copy of the SQLite database into ``folder``.

        The folder is 0700 and the copy 0600, whatever the umask. If the copy fails or the
        caller is cancelled, nothing is left behind: the work in progress (on other threads,
        which a cancellation does not stop) is let finish, then its files are removed.
        """
        raw = folder / f"branchbot-{stamp}.sqlite3"
        packed = raw.with_name(raw.name + ".gz")
        work = asyncio.ensure_future(self._write_backup(folder, raw, packed))
        try:
            return await asyncio.shield(work)
        except BaseException:
            await asyncio.wait([work])
            for leftover in (raw, packed, raw.with_name(raw.name + "-journal")):
                leftover.unlink(missing_ok=True)
            raise

    async def _write_backup(self, folder: Path, raw: Path, packed: Path) -> Path:
        if not isinstance(self.db, SqliteDatabase):
            raise TypeError("only a SQLite database copies itself; use pg_dump")
        await asyncio.to_thread(private_folder, folder)
        await self.db.backup(raw)
        await asyncio.to_thread(_gzip, raw, packed)
        return packed

    async def close(self) -> None:
        """Close the database."""
        await self.db.close()


def private_folder(folder: Path) -> None:
    """Create ``folder`` (and missing parents) 0700, and tighten it to 0700 if it exists.

    Only for folders that are the bot's own, such as ``storage.backup_dir``.
    """
    make_private_dir(folder)
    os.chmod(folder, PRIVATE_DIR)


def _gzip(source: Path, target: Path) -> None:
    create_private_file(target)
    with source.open("rb") as raw, gzip.open(target, "wb") as packed:
        shutil.copyfileobj(raw, packed)
    source.unlink()


async def open_storage(target: Path | str, instance: str = "") -> Storage:
    """Open the database, bring its schema up to date and build the repositories.

    Args:
        target: a ``postgresql://…`` URL, else the path of the SQLite file.
        instance: this process's name, which its PostgreSQL sessions bear.
    """
    db: Database
    if is_url(target):
        db = await PostgresDatabase.open(str(target), instance)
    else:
        db = await SqliteDatabase.open(target)
    try:
        version = await db.migrate()
        logger.info("database at schema version %s: %s", version, await db.describe())
    except BaseException:
        await db.close()
        raise
    return Storage(
        db=db,
        branches=BranchRepo(db),
        organisations=OrganisationRepo(db),
        users=UserRepo(db),
        memberships=MembershipRepo(db),
        pending=PendingMessageRepo(db),
        menus=CommandMenuRepo(db),
        meetings=MeetingRepo(db),
        sends=SendRepo(db),
        checkins=CheckinRepo(db),
        leaves=LeaveRepo(db),
        study=StudyRepo(db),
        quiz=QuizRepo(db),
        points=PointsRepo(db),
        group_quiz=GroupQuizRepo(db),
        reports=ReportRepo(db),
        summaries=SummaryRepo(db),
        acts=ActRepo(db),
        updates=ProcessedUpdateRepo(db),
    )


__all__ = ["Storage", "open_storage"]
