"""SQL for users and their membership of branches."""

from __future__ import annotations

from datetime import datetime

from storage.db import Database, Row
from storage.models import Member, User, to_epoch

_USER_COLUMNS = (
    "u.id, u.first_name, u.last_name, u.username, u.language_code,"
    " u.started_at IS NOT NULL AS started, u.private_branch_id, u.forgotten"
)


def _user(row: Row) -> User:
    return User(
        id=row["id"],
        first_name=row["first_name"],
        last_name=row["last_name"],
        username=row["username"],
        language_code=row["language_code"],
        started=bool(row["started"]),
        private_branch_id=row["private_branch_id"],
        forgotten=bool(row["forgotten"]),
    )


def _member(row: Row) -> Member:
    return Member(
        user=_user(row),
        branch_id=row["branch_id"],
        role=row["role"],
        on_roster=bool(row["on_roster"]),
    )


class UserRepo:
    """Users as last seen, keyed by their Telegram id."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def save(
        self,
        *,
        user_id: int,
        first_name: str,
        last_name: str | None,
        username: str | None,
        language_code: str | None,
        now: datetime,
    ) -> None:
        """Insert the user or refresh their names and language.

        An @username belongs to one Telegram user at a time: whoever shows it now holds it, and
        any other user stored with it (who has since changed theirs) loses it.
        """
        if username:
            await self._db.execute(
                "UPDATE users SET username = NULL"  # noqa: S608
                f" WHERE {self._db.dialect.nocase('username')} AND id != ?",
                (username, user_id),
            )
        await self._db.execute(
            "INSERT INTO users (id, first_name, last_name, username, language_code, seen_at)"
            " VALUES (?, ?, ?, ?, ?, ?)"
            " ON CONFLICT (id) DO UPDATE SET first_name = excluded.first_name,"
            " last_name = excluded.last_name, username = excluded.username,"
            " language_code = coalesce(excluded.language_code, users.language_code),"
            " seen_at = excluded.seen_at",
            (user_id, first_name, last_name, username, language_code, to_epoch(now)),
        )

    async def get(self, user_id: int) -> User | None:
        """Return the user with this id."""
        row = await self._db.fetch_one(
            f"SELECT {_USER_COLUMNS} FROM users u WHERE u.id = ?",  # noqa: S608
            (user_id,),
        )
        return _user(row) if row else None

    async def forget(self, user_id: int) -> bool:
        """Move a user's rows to a new nameless stand-in and delete the user; False if unknown.

        Counts (check-ins, attendance, points, quiz scores) keep the stand-in's rows; what
        names or describes the person (names, username, leave reasons, roles, the roster
        place, messages kept for them, keys that embed their id) is gone. Messages kept for
        others hold only references (a leave's id, an occurrence's id), rendered from these
        rows when delivered, so they have nothing to rewrite: the person is simply not named.
        """
        if await self.get(user_id) is None:
            return False
        row = await self._db.fetch_one("SELECT min(id) FROM users")
        stand_in = min(0, row[0]) - 1  # type: ignore[index]
        await self._db.execute(
            "INSERT INTO users (id, first_name, seen_at, forgotten) VALUES (?, '', 0, 1)",
            (stand_in,),
        )
        moves = {
            "attendance": "user_id = :new",
            "daily_checkins": "user_id = :new",
            "meeting_checkins": "user_id = :new",
            "quiz_attempts": "user_id = :new",
            "poll_answers": "user_id = :new",
            "rsvps": "user_id = :new",
            "leaves": "user_id = :new, reason = ''",
            "points": "user_id = :new, source_key = 'forgotten:' || id",
            "memberships": "user_id = :new, role = 'member', on_roster = 0",
        }
        for table, change in moves.items():
            await self._db.execute(
                f"UPDATE {table} SET {change} WHERE user_id = :old",  # noqa: S608 - fixed names
                {"new": stand_in, "old": user_id},
            )
        for table, column in (
            ("meetings", "created_by"),
            ("modules", "imported_by"),
            ("leaves", "decided_by"),
        ):
            await self._db.execute(
                f"UPDATE {table} SET {column} = ? WHERE {column} = ?",  # noqa: S608
                (stand_in, user_id),
            )
        await self._db.execute(
            "UPDATE organisations SET admin_user_id = ? WHERE admin_user_id = ?",
            (stand_in, user_id),
        )
        # A key naming the message that caused a write names its chat, and a private chat's
        # id is the person's id: such keys become the row's own id.
        for table, column in (
            ("modules", "import_key"),
            ("meetings", "created_key"),
            ("organisations", "created_key"),
        ):
            await self._db.execute(
                f"UPDATE {table} SET {column} = 'forgotten:' || id"  # noqa: S608 - fixed names
                f" WHERE {column} LIKE ?",
                (f"{user_id}:%",),
            )
        # A leave still pending is withdrawn with its member, not deleted, so its id is never
        # given to another request that an old approve button could then decide (messages
        # kept about it are dropped when delivered).
        await self._db.execute(
            "UPDATE leaves SET status = 'withdrawn' WHERE user_id = ? AND status = 'pending'",
            (stand_in,),
        )
        # What a redelivered private command must not repeat is keyed by the private chat.
        await self._db.execute("DELETE FROM acts WHERE key LIKE ?", (f"%:{user_id}:%",))
        # Their copies of leave requests: a private chat's id is the person's id.
        await self._db.execute("DELETE FROM leave_copies WHERE chat_id = ?", (user_id,))
        for table in ("pending_messages", "import_drafts"):
            await self._db.execute(
                f"DELETE FROM {table} WHERE user_id = ?",  # noqa: S608 - fixed names
                (user_id,),
            )
        # Their own command menu as a granted secretary (the handler removed it from Telegram).
        await self._db.execute(
            "DELETE FROM command_menus WHERE scope LIKE ?", (f"member:%:{user_id}",)
        )
        await self._db.execute("DELETE FROM users WHERE id = ?", (user_id,))
        return True

    async def mark_started(self, user_id: int, now: datetime) -> None:
        """Record that the user opened a private chat with the bot."""
        await self._db.execute(
            "UPDATE users SET started_at = ? WHERE id = ?", (to_epoch(now), user_id)
        )

    async def set_private_branch(self, user_id: int, branch_id: int) -> None:
        """Choose the branch that the user's private commands act on."""
        await self._db.execute(
            "UPDATE users SET private_branch_id = ? WHERE id = ?", (branch_id, user_id)
        )


class MembershipRepo:
    """Who belongs to which branch, with their role and roster place."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def touch(
        self, branch_id: int, user_id: int, now: datetime, *, on_roster: bool | None = None
    ) -> None:
        """Record that the user was seen in the branch; optionally set their roster place.

        Being seen in the group makes someone who had left a member again.
        """
        roster = None if on_roster is None else int(on_roster)
        await self._db.execute(
            "INSERT INTO memberships (branch_id, user_id, on_roster, joined_at, seen_at)"
            " VALUES (?, ?, coalesce(?, 0), ?, ?)"
            " ON CONFLICT (branch_id, user_id) DO UPDATE SET seen_at = excluded.seen_at,"
            " on_roster = coalesce(?, memberships.on_roster), left_at = NULL",
            (branch_id, user_id, roster, to_epoch(now), to_epoch(now), roster),
        )

    async def get(self, branch_id: int, user_id: int) -> Member | None:
        """Return the user's membership of the branch."""
        row = await self._db.fetch_one(
            f"SELECT {_USER_COLUMNS}, m.branch_id, m.role, m.on_roster"  # noqa: S608
            " FROM memberships m JOIN users u ON u.id = m.user_id"
            " WHERE m.branch_id = ? AND m.user_id = ?",
            (branch_id, user_id),
        )
        return _member(row) if row else None

    async def is_member(self, branch_id: int, user_id: int) -> bool:
        """Whether the user belongs to the branch: seen there, not left since, not forgotten."""
        row = await self._db.fetch_one(
            "SELECT 1 FROM memberships m JOIN users u ON u.id = m.user_id AND u.forgotten = 0"
            " WHERE m.branch_id = ? AND m.user_id = ? AND m.left_at IS NULL",
            (branch_id, user_id),
        )
        return row is not None

    async def find_by_username(self, branch_id: int, username: str) -> Member | None:
        """Return the branch's member with this @username (case-insensitive), last seen first."""
        row = await self._db.fetch_one(
            f"SELECT {_USER_COLUMNS}, m.branch_id, m.role, m.on_roster"  # noqa: S608
            " FROM memberships m JOIN users u ON u.id = m.user_id"
            f" WHERE m.branch_id = ? AND {self._db.dialect.nocase('u.username')}"
            " ORDER BY u.seen_at DESC LIMIT 1",  # stored before usernames were kept unique
            (branch_id, username),
        )
        return _member(row) if row else None

    async def set_role(self, branch_id: int, user_id: int, role: str) -> None:
        """Set the member's role."""
        await self._db.execute(
            "UPDATE memberships SET role = ? WHERE branch_id = ? AND user_id = ?",
            (role, branch_id, user_id),
        )

    async def set_roster(self, branch_id: int, user_id: int, *, on_roster: bool) -> None:
        """Put an existing member on the roster or take them off it."""
        await self._db.execute(
            "UPDATE memberships SET on_roster = ? WHERE branch_id = ? AND user_id = ?",
            (int(on_roster), branch_id, user_id),
        )

    async def leave(self, branch_id: int, user_id: int, now: datetime) -> None:
        """Someone left the group: no longer a member, off the roster, out of any role."""
        await self._db.execute(
            "UPDATE memberships SET on_roster = 0, role = 'member', left_at = ?"
            " WHERE branch_id = ? AND user_id = ?",
            (to_epoch(now), branch_id, user_id),
        )

    async def roster(self, branch_id: int) -> list[Member]:
        """Return the branch's roster, ordered by name."""
        rows = await self._db.fetch_all(
            f"SELECT {_USER_COLUMNS}, m.branch_id, m.role, m.on_roster"  # noqa: S608
            " FROM memberships m JOIN users u ON u.id = m.user_id"
            " WHERE m.branch_id = ? AND m.on_roster = 1"
            " ORDER BY u.first_name, u.last_name, u.id",
            (branch_id,),
        )
        return [_member(row) for row in rows]

    async def secretaries(self, branch_id: int) -> list[int]:
        """Ids of the branch's members granted the secretary role."""
        rows = await self._db.fetch_all(
            "SELECT user_id FROM memberships WHERE branch_id = ? AND role = 'secretary'",
            (branch_id,),
        )
        return [row[0] for row in rows]

    async def branch_ids(self, user_id: int) -> list[int]:
        """Ids of the active branches the user is a member of (not those they left)."""
        rows = await self._db.fetch_all(
            "SELECT m.branch_id FROM memberships m JOIN branches b ON b.id = m.branch_id"
            " WHERE m.user_id = ? AND b.active = 1 AND m.left_at IS NULL ORDER BY m.branch_id",
            (user_id,),
        )
        return [row[0] for row in rows]

    async def is_granted_secretary(self, user_id: int) -> bool:
        """Whether any active branch has the user as a granted secretary."""
        row = await self._db.fetch_one(
            "SELECT 1 FROM memberships m JOIN branches b ON b.id = m.branch_id"
            " WHERE m.user_id = ? AND m.role = 'secretary' AND b.active = 1 LIMIT 1",
            (user_id,),
        )
        return row is not None

    async def granted_secretaries(self) -> list[tuple[int, int, str, str | None]]:
        """Return each granted secretary of active branches.

        As ``(chat_id, user_id, the branch's language, the user's language code)``.
        """
        rows = await self._db.fetch_all(
            "SELECT b.chat_id, m.user_id, b.language, u.language_code FROM memberships m"
            " JOIN branches b ON b.id = m.branch_id LEFT JOIN users u ON u.id = m.user_id"
            " WHERE m.role = 'secretary' AND b.active = 1 ORDER BY b.id, m.user_id"
        )
        return [(row[0], row[1], row[2], row[3]) for row in rows]
