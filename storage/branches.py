"""SQL for branches and organisations."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from storage.db import Database, Row
from storage.models import Branch, Organisation, from_epoch, to_epoch

_BRANCH_COLUMNS = (
    "id, chat_id, title, organisation_id, timezone, language, summary_weekday, summary_time,"
    " checkin_time, active, created_at"
)
_CODE_ATTEMPTS = 5
SETTING_COLUMNS = ("timezone", "language", "summary_weekday", "summary_time", "checkin_time")


def _branch(row: Row | None) -> Branch | None:
    if row is None:
        return None
    return Branch(
        **dict(row) | {"active": bool(row["active"]), "created_at": from_epoch(row["created_at"])}
    )


class BranchRepo:
    """Branches, found by their own id or by the chat they currently live in."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def get(self, branch_id: int) -> Branch | None:
        """Return the branch with this id."""
        row = await self._db.fetch_one(
            f"SELECT {_BRANCH_COLUMNS} FROM branches WHERE id = ?",  # noqa: S608
            (branch_id,),
        )
        return _branch(row)

    async def by_chat(self, chat_id: int) -> Branch | None:
        """Return the branch registered for this chat."""
        row = await self._db.fetch_one(
            f"SELECT {_BRANCH_COLUMNS} FROM branches WHERE chat_id = ?",  # noqa: S608
            (chat_id,),
        )
        return _branch(row)

    async def _require(self, branch_id: int) -> Branch:
        branch = await self.get(branch_id)
        if branch is None:
            raise LookupError(f"branch {branch_id} vanished")
        return branch

    async def register(
        self,
        *,
        chat_id: int,
        title: str,
        timezone: str,
        language: str,
        organisation_id: int | None,
        now: datetime,
    ) -> Branch:
        """Register the chat as a branch (an existing registration is kept as it is)."""
        await self._db.execute(
            "INSERT INTO branches (chat_id, title, organisation_id, timezone, language,"
            " summary_weekday, summary_time, checkin_time, created_at, last_activity_at)"
            " VALUES (?, ?, ?, ?, ?, 6, '20:00', '08:00', ?, ?)"
            " ON CONFLICT (chat_id) DO NOTHING",
            (chat_id, title, organisation_id, timezone, language, to_epoch(now), to_epoch(now)),
        )
        branch = await self.by_chat(chat_id)
        if branch is None:
            raise LookupError(f"branch of chat {chat_id} vanished")
        return branch

    async def revive(self, branch_id: int, title: str, organisation_id: int | None) -> Branch:
        """Mark the branch active under its current title and organisation."""
        await self._db.execute(
            "UPDATE branches SET active = 1, title = ?, organisation_id = ? WHERE id = ?",
            (title, organisation_id, branch_id),
        )
        return await self._require(branch_id)

    async def deactivate(self, branch_id: int) -> None:
        """Mark the branch inactive (the bot was removed, or a send was refused)."""
        await self._db.execute("UPDATE branches SET active = 0 WHERE id = ?", (branch_id,))

    async def update_settings(self, branch_id: int, changes: dict[str, object]) -> Branch:
        """Write the given settings columns (names from SETTING_COLUMNS only)."""
        unknown = set(changes) - set(SETTING_COLUMNS)
        if unknown:
            raise ValueError(f"not settings: {sorted(unknown)}")
        if changes:
            assignments = ", ".join(f"{column} = :{column}" for column in changes)
            await self._db.execute(
                f"UPDATE branches SET {assignments} WHERE id = :id",  # noqa: S608 - fixed names
                {**changes, "id": branch_id},
            )
        return await self._require(branch_id)

    async def with_daily_post(self) -> list[Branch]:
        """Active branches whose daily check-in post is on."""
        rows = await self._db.fetch_all(
            f"SELECT {_BRANCH_COLUMNS} FROM branches"  # noqa: S608
            " WHERE active = 1 AND checkin_time IS NOT NULL ORDER BY id"
        )
        return [branch for row in rows if (branch := _branch(row)) is not None]

    async def active_chats(self) -> list[tuple[int, str]]:
        """``(chat_id, language)`` of every active branch."""
        rows = await self._db.fetch_all(
            "SELECT chat_id, language FROM branches WHERE active = 1 ORDER BY id"
        )
        return [(row[0], row[1]) for row in rows]

    async def with_summary(self) -> list[Branch]:
        """Active branches whose weekly summary is on."""
        rows = await self._db.fetch_all(
            f"SELECT {_BRANCH_COLUMNS} FROM branches"  # noqa: S608
            " WHERE active = 1 AND summary_time IS NOT NULL ORDER BY id"
        )
        return [branch for row in rows if (branch := _branch(row)) is not None]

    async def move_chat(self, old_chat_id: int, new_chat_id: int) -> bool:
        """Point the branch of ``old_chat_id`` at ``new_chat_id``; False if nothing moved."""
        moved = await self._db.execute(
            "UPDATE branches SET chat_id = ? WHERE chat_id = ?"
            " AND NOT EXISTS (SELECT 1 FROM branches WHERE chat_id = ?)",
            (new_chat_id, old_chat_id, new_chat_id),
        )
        return bool(moved)

    async def take_over_chat(self, old_chat_id: int, new_chat_id: int) -> tuple[int, int] | None:
        """Give ``new_chat_id`` to the branch of ``old_chat_id`` when a later branch holds it.

        The later branch (registered in the supergroup before the upgrade was known) takes
        the dead chat id and is made inactive; its rows stay with it. Call inside a transaction.

        Returns:
            (the branch that moved, the branch retired), or None if there was nothing to do.
        """
        rows = await self._db.fetch_all(
            "SELECT id, chat_id FROM branches WHERE chat_id IN (?, ?)", (old_chat_id, new_chat_id)
        )
        ids = {row[1]: row[0] for row in rows}
        moved, retired = ids.get(old_chat_id), ids.get(new_chat_id)
        if moved is None or retired is None or retired < moved:
            return None  # nothing to move, or moved already (the retired one is older)
        # chat_id is unique: the retired branch steps aside to an id no chat has, first.
        await self._db.execute(
            "UPDATE branches SET chat_id = (SELECT min(chat_id) - 1 FROM branches) WHERE id = ?",
            (retired,),
        )
        await self._db.execute(
            "UPDATE branches SET chat_id = ? WHERE id = ?", (new_chat_id, moved)
        )
        await self._db.execute(
            "UPDATE branches SET chat_id = ?, active = 0 WHERE id = ?", (old_chat_id, retired)
        )
        return moved, retired

    async def overview(self, organisation_ids: list[int] | None = None) -> list[BranchActivity]:
        """Every branch (or those of some organisations) with its last activity."""
        rows = await self._db.fetch_all(
            "SELECT id, title, organisation_id, active, last_activity_at FROM branches"  # noqa: S608
            " WHERE CAST(? AS INTEGER) IS NULL"
            f" OR organisation_id IN ({self._db.dialect.json_ids})"
            " ORDER BY organisation_id, id",
            (
                None if organisation_ids is None else 1,
                json.dumps(organisation_ids or []),
            ),
        )
        return [
            BranchActivity(r[0], r[1], r[2], bool(r[3]), from_epoch(r[4]))  # type: ignore[arg-type]
            for r in rows
        ]

    async def touch(self, branch_id: int, now: datetime) -> None:
        """Record activity in the branch."""
        await self._db.execute(
            f"UPDATE branches SET last_activity_at = {self._db.dialect.greatest}"  # noqa: S608
            "(last_activity_at, ?) WHERE id = ?",
            (to_epoch(now), branch_id),
        )


@dataclass(frozen=True)
class BranchActivity:
    """A branch as operators list it."""

    id: int
    title: str
    organisation_id: int | None
    active: bool
    last_activity: datetime


class OrganisationRepo:
    """Organisations and their registration codes."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def create(
        self,
        *,
        name: str,
        draw_code: Callable[[], str],
        admin_user_id: int,
        created_key: str,
        now: datetime,
    ) -> Organisation:
        """Create the organisation, or return the one this same request created before.

        Args:
            name: the organisation's name.
            draw_code: returns a random code; drawn again if it is already taken.
            admin_user_id: who created it and administers it.
            created_key: identifies the creating request, so a replay creates nothing.
            now: the creation instant.
        """
        for _ in range(_CODE_ATTEMPTS):
            try:
                await self._db.execute(
                    "INSERT INTO organisations"
                    " (name, code, admin_user_id, created_key, created_at)"
                    " VALUES (?, ?, ?, ?, ?) ON CONFLICT (created_key) DO NOTHING",
                    (name, draw_code(), admin_user_id, created_key, to_epoch(now)),
                )
                break
            except self._db.integrity_error:
                continue  # the code collided with another organisation's
        else:
            raise RuntimeError("could not draw an unused organisation code")
        row = await self._db.fetch_one(
            "SELECT id, name, code, admin_user_id FROM organisations WHERE created_key = ?",
            (created_key,),
        )
        return Organisation(**dict(row))  # type: ignore[arg-type]

    async def administered_by(self, user_id: int) -> list[Organisation]:
        """The organisations a user is the admin of."""
        rows = await self._db.fetch_all(
            "SELECT id, name, code, admin_user_id FROM organisations"
            " WHERE admin_user_id = ? ORDER BY id",
            (user_id,),
        )
        return [Organisation(r[0], r[1], r[2], r[3]) for r in rows]

    async def all(self) -> list[Organisation]:
        """Every organisation."""
        rows = await self._db.fetch_all(
            "SELECT id, name, code, admin_user_id FROM organisations ORDER BY id"
        )
        return [Organisation(r[0], r[1], r[2], r[3]) for r in rows]

    async def by_code(self, code: str) -> Organisation | None:
        """Return the organisation with this registration code."""
        row = await self._db.fetch_one(
            "SELECT id, name, code, admin_user_id FROM organisations WHERE code = ?", (code,)
        )
        return Organisation(**dict(row)) if row else None

    async def get(self, organisation_id: int) -> Organisation | None:
        """Return the organisation with this id."""
        row = await self._db.fetch_one(
            "SELECT id, name, code, admin_user_id FROM organisations WHERE id = ?",
            (organisation_id,),
        )
        return Organisation(**dict(row)) if row else None
