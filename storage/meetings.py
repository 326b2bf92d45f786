"""SQL for meetings, occurrences, meeting check-ins and frozen attendance."""

from __future__ import annotations

import json
from collections.abc import Collection, Iterable
from datetime import datetime

from storage.db import Database, Row
from storage.models import DISPLAY_NAME, Meeting, OccurrenceView, RollEntry, from_epoch, to_epoch

_MEETING_COLUMNS = (
    "id, branch_id, type, title, first_local, timezone, rule, duration_min, remind_min,"
    " materialised_until, place, ended_at IS NOT NULL AS ended"
)
_OCCURRENCE_SELECT = (
    "SELECT o.id, o.meeting_id, m.branch_id, b.chat_id, b.language AS branch_language,"
    " b.timezone AS branch_timezone, m.type,"
    " m.title, m.place, m.timezone, o.starts_at, o.ends_at, o.cancelled, o.held_offline, o.notes,"
    " o.closed_at FROM occurrences o JOIN meetings m ON m.id = o.meeting_id"
    " JOIN branches b ON b.id = m.branch_id"
)


def _meeting(row: Row) -> Meeting:
    return Meeting(
        id=row["id"],
        branch_id=row["branch_id"],
        type=row["type"],
        title=row["title"],
        first_local=row["first_local"],
        timezone=row["timezone"],
        rule=row["rule"],
        duration_min=row["duration_min"],
        remind_min=tuple(int(part) for part in row["remind_min"].split(",") if part),
        materialised_until=from_epoch(row["materialised_until"]),  # type: ignore[arg-type]
        place=row["place"],
        ended=bool(row["ended"]),
    )


def _occurrence(row: Row) -> OccurrenceView:
    return OccurrenceView(
        id=row["id"],
        meeting_id=row["meeting_id"],
        branch_id=row["branch_id"],
        chat_id=row["chat_id"],
        branch_language=row["branch_language"],
        branch_timezone=row["branch_timezone"],
        type=row["type"],
        title=row["title"],
        place=row["place"],
        timezone=row["timezone"],
        starts_at=from_epoch(row["starts_at"]),  # type: ignore[arg-type]
        ends_at=from_epoch(row["ends_at"]),  # type: ignore[arg-type]
        cancelled=bool(row["cancelled"]),
        held_offline=bool(row["held_offline"]),
        notes=row["notes"],
        closed=row["closed_at"] is not None,
    )


class MeetingRepo:
    """Meetings and their occurrences."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def create(
        self,
        *,
        branch_id: int,
        type: str,  # noqa: A002 - the meeting type's own name
        title: str,
        place: str,
        first_local: str,
        timezone: str,
        rule: str | None,
        duration_min: int,
        remind_min: tuple[int, ...],
        created_key: str,
        created_by: int,
        now: datetime,
    ) -> tuple[Meeting, bool]:
        """Create a meeting unless this same request created it before.

        Returns:
            The meeting and whether this call created it.
        """
        created = await self._db.execute(
            "INSERT INTO meetings (branch_id, type, title, place, first_local, timezone, rule,"
            " duration_min, remind_min, materialised_until, created_key, created_by, created_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?, ?) ON CONFLICT (created_key) DO NOTHING",
            (
                branch_id,
                type,
                title,
                place,
                first_local,
                timezone,
                rule,
                duration_min,
                ",".join(str(offset) for offset in remind_min),
                created_key,
                created_by,
                to_epoch(now),
            ),
        )
        return await self.by_key(created_key), bool(created)  # type: ignore[return-value]

    async def by_key(self, created_key: str) -> Meeting | None:
        """The meeting the request ``created_key`` created, if it did."""
        row = await self._db.fetch_one(
            f"SELECT {_MEETING_COLUMNS} FROM meetings WHERE created_key = ?",  # noqa: S608
            (created_key,),
        )
        return _meeting(row) if row else None

    async def add_occurrences(
        self, meeting_id: int, spans: Iterable[tuple[datetime, datetime]], *, held: bool = False
    ) -> list[int]:
        """Insert occurrences (existing ones are kept) and return the ids of all of them."""
        ids = []
        for starts_at, ends_at in spans:
            await self._db.execute(
                "INSERT INTO occurrences (meeting_id, starts_at, ends_at, held_offline)"
                " VALUES (?, ?, ?, ?) ON CONFLICT (meeting_id, starts_at) DO NOTHING",
                (meeting_id, to_epoch(starts_at), to_epoch(ends_at), int(held)),
            )
            row = await self._db.fetch_one(
                "SELECT id FROM occurrences WHERE meeting_id = ? AND starts_at = ?",
                (meeting_id, to_epoch(starts_at)),
            )
            ids.append(row[0])  # type: ignore[index]
        return ids

    async def set_materialised(self, meeting_id: int, until: datetime) -> None:
        """Record how far the meeting's occurrences have been created."""
        await self._db.execute(
            "UPDATE meetings SET materialised_until = ? WHERE id = ?",
            (to_epoch(until), meeting_id),
        )

    async def meeting_of(self, occurrence_id: int) -> Meeting | None:
        """The meeting an occurrence belongs to."""
        row = await self._db.fetch_one(
            f"SELECT {_MEETING_COLUMNS} FROM meetings"  # noqa: S608
            " WHERE id = (SELECT meeting_id FROM occurrences WHERE id = ?)",
            (occurrence_id,),
        )
        return _meeting(row) if row else None

    async def series_to_extend(self, before: datetime) -> list[Meeting]:
        """Meetings not cancelled whose occurrences stop short of ``before``."""
        rows = await self._db.fetch_all(
            f"SELECT {_MEETING_COLUMNS} FROM meetings"  # noqa: S608
            " WHERE ended_at IS NULL AND materialised_until < ?",
            (to_epoch(before),),
        )
        return [_meeting(row) for row in rows]

    async def occurrence(self, occurrence_id: int) -> OccurrenceView | None:
        """Return one occurrence."""
        row = await self._db.fetch_one(f"{_OCCURRENCE_SELECT} WHERE o.id = ?", (occurrence_id,))
        return _occurrence(row) if row else None

    async def upcoming(
        self, branch_ids: list[int], after: datetime, limit: int
    ) -> list[OccurrenceView]:
        """The next occurrences of the branches that are not cancelled or finished."""
        rows = await self._db.fetch_all(
            f"{_OCCURRENCE_SELECT} WHERE m.branch_id IN ({self._db.dialect.json_ids})"  # noqa: S608
            " AND o.cancelled = 0 AND o.ends_at > ? ORDER BY o.starts_at, o.id LIMIT ?",
            (json.dumps(branch_ids), to_epoch(after), limit),
        )
        return [_occurrence(row) for row in rows]

    async def open_for_checkin(
        self, branch_id: int, now: datetime, opens_before: int
    ) -> list[OccurrenceView]:
        """Occurrences of the branch whose check-in window is open at ``now``.

        Args:
            branch_id: the branch.
            now: the instant.
            opens_before: seconds before the start at which the window opens.
        """
        rows = await self._db.fetch_all(
            f"{_OCCURRENCE_SELECT} WHERE m.branch_id = ? AND o.cancelled = 0"  # noqa: S608
            " AND o.closed_at IS NULL AND o.ends_at > ? AND (o.starts_at - ? <= ?"
            " OR EXISTS (SELECT 1 FROM scheduled_sends s WHERE s.key = 'open:' || o.id"
            " AND s.state = 'sent'))"
            " ORDER BY o.starts_at, o.id",
            (branch_id, to_epoch(now), opens_before, to_epoch(now)),
        )
        return [_occurrence(row) for row in rows]

    async def last_held(self, branch_id: int, now: datetime) -> dict[str, datetime]:
        """The start of the latest held occurrence of each meeting type, in one query."""
        rows = await self._db.fetch_all(
            "SELECT m.type, max(o.starts_at) FROM occurrences o"
            " JOIN meetings m ON m.id = o.meeting_id"
            " WHERE m.branch_id = ? AND o.cancelled = 0 AND o.starts_at <= ?"
            " AND (o.held_offline = 1 OR o.notes IS NOT NULL"
            " OR EXISTS (SELECT 1 FROM meeting_checkins c WHERE c.occurrence_id = o.id))"
            " GROUP BY m.type",
            (branch_id, to_epoch(now)),
        )
        return {row[0]: from_epoch(row[1]) for row in rows}  # type: ignore[misc]

    async def set_attendance(self, occurrence_id: int, user_id: int, status: str) -> None:
        """Correct (or add) one member's row of a closed occurrence."""
        await self._db.execute(
            "INSERT INTO attendance (occurrence_id, user_id, status) VALUES (?, ?, ?)"
            " ON CONFLICT (occurrence_id, user_id) DO UPDATE SET status = excluded.status",
            (occurrence_id, user_id, status),
        )

    async def set_attendance_of_all(self, occurrence_id: int, status: str) -> int:
        """Set every row of an occurrence's roll but the excused ones; return how many."""
        return await self._db.execute(
            "UPDATE attendance SET status = ? WHERE occurrence_id = ? AND status <> 'excused'",
            (status, occurrence_id),
        )

    async def nearest_today(
        self, branch_id: int, day_start: datetime, day_end: datetime, now: datetime
    ) -> OccurrenceView | None:
        """The branch's still-open occurrence starting in the day, nearest to ``now``."""
        row = await self._db.fetch_one(
            f"{_OCCURRENCE_SELECT} WHERE m.branch_id = ? AND o.cancelled = 0"  # noqa: S608
            " AND o.closed_at IS NULL AND o.starts_at >= ? AND o.starts_at < ? AND o.ends_at > ?"
            " ORDER BY abs(o.starts_at - ?), o.id LIMIT 1",
            (branch_id, to_epoch(day_start), to_epoch(day_end), to_epoch(now), to_epoch(now)),
        )
        return _occurrence(row) if row else None

    async def attendance_of(self, branch_id: int, user_id: int) -> tuple[int, int]:
        """(attended, expected) over the branch's closed occurrences for one member."""
        row = await self._db.fetch_one(
            "SELECT count(*) FILTER (WHERE a.status IN ('present', 'late')), count(*)"
            " FROM attendance a JOIN occurrences o ON o.id = a.occurrence_id"
            " JOIN meetings m ON m.id = o.meeting_id WHERE m.branch_id = ? AND a.user_id = ?",
            (branch_id, user_id),
        )
        return (int(row[0]), int(row[1])) if row else (0, 0)

    async def upcoming_of_meeting(self, meeting_id: int, after: datetime) -> list[OccurrenceView]:
        """The meeting's occurrences that are not cancelled or finished."""
        rows = await self._db.fetch_all(
            f"{_OCCURRENCE_SELECT} WHERE o.meeting_id = ? AND o.cancelled = 0"  # noqa: S608
            " AND o.ends_at > ? ORDER BY o.starts_at",
            (meeting_id, to_epoch(after)),
        )
        return [_occurrence(row) for row in rows]

    async def cancel(self, occurrence_id: int, *, series: bool) -> tuple[list[int], bool]:
        """Cancel an occurrence, or it and every later one of its series (which then ends).

        Returns:
            The ids of the occurrences cancelled now, and whether the series ended now (or
            earlier than before).
        """
        target = await self.occurrence(occurrence_id)
        if target is None:
            return [], False
        ended = False
        if series:
            ended = bool(
                await self._db.execute(
                    "UPDATE meetings SET ended_at = ? WHERE id = ?"
                    " AND (ended_at IS NULL OR ended_at > ?)",
                    (to_epoch(target.starts_at), target.meeting_id, to_epoch(target.starts_at)),
                )
            )
            rows = await self._db.fetch_all(
                "SELECT id FROM occurrences WHERE meeting_id = ? AND starts_at >= ?"
                " AND cancelled = 0",
                (target.meeting_id, to_epoch(target.starts_at)),
            )
        else:
            rows = await self._db.fetch_all(
                "SELECT id FROM occurrences WHERE id = ? AND cancelled = 0", (occurrence_id,)
            )
        ids = [row[0] for row in rows]
        for cancelled in ids:
            await self._db.execute(
                "UPDATE occurrences SET cancelled = 1 WHERE id = ?", (cancelled,)
            )
        return ids, ended

    async def set_notes(self, occurrence_id: int, notes: str) -> None:
        """Record an occurrence's minutes."""
        await self._db.execute(
            "UPDATE occurrences SET notes = ? WHERE id = ?", (notes, occurrence_id)
        )

    async def record_checkin(
        self, occurrence_id: int, user_id: int, at: datetime, *, late: bool
    ) -> bool:
        """Record a meeting check-in; False if the user had checked in already."""
        return bool(
            await self._db.execute(
                "INSERT INTO meeting_checkins (occurrence_id, user_id, checked_at, late)"
                " VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
                (occurrence_id, user_id, to_epoch(at), int(late)),
            )
        )

    async def checkin_count(self, occurrence_id: int) -> int:
        """How many have checked in to the occurrence."""
        row = await self._db.fetch_one(
            "SELECT count(*) FROM meeting_checkins WHERE occurrence_id = ?", (occurrence_id,)
        )
        return int(row[0]) if row else 0

    async def close(
        self,
        occurrence_id: int,
        now: datetime,
        *,
        committee_only: bool,
        secretaries: Collection[int],
    ) -> bool:
        """Freeze the expected list and each member's attendance, once.

        The expected list is the roster (for committee meetings: its committee members and
        secretaries, granted or ``secretaries``); whoever checked in is present or late,
        everyone else absent.

        Returns:
            False if the occurrence was closed already.
        """
        closed = await self._db.execute(
            "UPDATE occurrences SET closed_at = ? WHERE id = ? AND closed_at IS NULL",
            (to_epoch(now), occurrence_id),
        )
        if not closed:
            return False
        await self._db.execute(
            "INSERT INTO attendance (occurrence_id, user_id, status)"  # noqa: S608
            " SELECT o.id, ms.user_id,"
            " CASE WHEN c.user_id IS NOT NULL"
            " THEN (CASE WHEN c.late = 1 THEN 'late' ELSE 'present' END)"
            " WHEN l.status = 'approved' THEN 'excused' ELSE 'absent' END"
            " FROM occurrences o JOIN meetings m ON m.id = o.meeting_id"
            " JOIN memberships ms ON ms.branch_id = m.branch_id AND ms.on_roster = 1"
            " LEFT JOIN meeting_checkins c ON c.occurrence_id = o.id AND c.user_id = ms.user_id"
            " LEFT JOIN leaves l ON l.occurrence_id = o.id AND l.user_id = ms.user_id"
            " WHERE o.id = ? AND (? = 0 OR ms.role IN ('committee', 'secretary')"
            f" OR ms.user_id IN ({self._db.dialect.json_ids}))",
            (occurrence_id, int(committee_only), json.dumps(sorted(secretaries))),
        )
        return True

    async def roll(self, occurrence_id: int) -> list[RollEntry]:
        """The frozen attendance of an occurrence, by name."""
        rows = await self._db.fetch_all(
            f"SELECT a.user_id, {DISPLAY_NAME} AS name, a.status,"  # noqa: S608
            " l.reason, l.status AS leave_status FROM attendance a"
            " JOIN users u ON u.id = a.user_id"
            " LEFT JOIN leaves l ON l.occurrence_id = a.occurrence_id AND l.user_id = a.user_id"
            " WHERE a.occurrence_id = ? ORDER BY u.first_name, u.id",
            (occurrence_id,),
        )
        return [
            RollEntry(
                row["user_id"], row["name"], row["status"], row["reason"], row["leave_status"]
            )
            for row in rows
        ]
