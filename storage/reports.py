"""SQL for participation over a time range.

A handful of aggregate queries per branch, so the cost does not grow with its members.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from storage.db import Database
from storage.models import (
    DISPLAY_NAME,
    Activity,
    OccurrenceAttendance,
    QuizActivity,
    from_epoch,
    to_epoch,
    to_epoch_end,
)

# Every act of participation in a branch within [:s, :e): who and when.
_ACTS = """
WITH acts(user_id, at) AS (
    SELECT user_id, checked_at FROM daily_checkins
    WHERE branch_id = :b AND checked_at >= :s AND checked_at < :e
    UNION ALL
    SELECT c.user_id, c.checked_at FROM meeting_checkins c
    JOIN occurrences o ON o.id = c.occurrence_id JOIN meetings m ON m.id = o.meeting_id
    WHERE m.branch_id = :b AND c.checked_at >= :s AND c.checked_at < :e
    UNION ALL
    SELECT a.user_id, q.answered_at FROM quiz_attempts a JOIN quiz_answers q ON q.attempt_id = a.id
    WHERE a.branch_id = :b AND q.answered_at >= :s AND q.answered_at < :e
    UNION ALL
    SELECT pa.user_id, pa.answered_at
    FROM quiz_polls p JOIN poll_answers pa ON pa.poll_id = p.poll_id
    WHERE p.branch_id = :b AND pa.answered_at >= :s AND pa.answered_at < :e
)
"""


class ReportRepo:
    """Aggregates over a branch's participation."""

    def __init__(self, db: Database) -> None:
        self._db = db

    @staticmethod
    def _range(branch_id: int, start: datetime, end: datetime) -> dict[str, Any]:
        # [start, end) over whole stored seconds: the end rounds up, so a range that ends now
        # takes in the acts of the current second (what the bot has confirmed is counted).
        return {"b": branch_id, "s": to_epoch(start), "e": to_epoch_end(end)}

    async def activity(self, branch_id: int, start: datetime, end: datetime) -> Activity:
        """Roster size, check-ins, participants and silent roster members in a range."""
        row = await self._db.fetch_one(
            _ACTS + "SELECT"  # noqa: S608 - constant text, values bound
            " (SELECT count(*) FROM memberships WHERE branch_id = :b AND on_roster = 1),"
            " (SELECT count(*) FROM daily_checkins"
            "  WHERE branch_id = :b AND checked_at >= :s AND checked_at < :e),"
            " (SELECT count(DISTINCT user_id) FROM acts),"
            " (SELECT count(*) FROM memberships WHERE branch_id = :b AND on_roster = 1"
            "  AND user_id NOT IN (SELECT user_id FROM acts))",
            self._range(branch_id, start, end),
        )
        if row is None:
            raise LookupError("aggregate query returned no row")
        return Activity(int(row[0]), int(row[1]), int(row[2]), int(row[3]))

    async def participants_by_day(
        self, branch_id: int, start: datetime, day_starts: list[datetime], end: datetime
    ) -> list[int]:
        """Distinct participants on each day; ``day_starts`` are the second day's start on."""
        cases = " ".join(f"WHEN at < :d{i} THEN {i}" for i in range(len(day_starts)))
        params = self._range(branch_id, start, end)
        params |= {f"d{i}": to_epoch(day) for i, day in enumerate(day_starts)}
        rows = await self._db.fetch_all(
            _ACTS + f"SELECT CASE {cases} ELSE {len(day_starts)} END AS day,"  # noqa: S608
            " count(DISTINCT user_id) FROM acts GROUP BY day",
            params,
        )
        counts = [0] * (len(day_starts) + 1)
        for row in rows:
            counts[int(row[0])] = int(row[1])
        return counts

    async def occurrences(
        self, branch_id: int, start: datetime, end: datetime
    ) -> list[OccurrenceAttendance]:
        """The occurrences that started in a range (not cancelled), with attendance counts."""
        rows = await self._db.fetch_all(
            "SELECT o.id, m.type, m.title, o.starts_at,"
            " count(a.status = 'present' OR NULL), count(a.status = 'late' OR NULL),"
            " count(a.status = 'excused' OR NULL), count(a.status = 'absent' OR NULL)"
            " FROM occurrences o JOIN meetings m ON m.id = o.meeting_id"
            " LEFT JOIN attendance a ON a.occurrence_id = o.id"
            " WHERE m.branch_id = :b AND o.starts_at >= :s AND o.starts_at < :e"
            " AND o.cancelled = 0 GROUP BY o.id, m.type, m.title ORDER BY o.starts_at, o.id",
            self._range(branch_id, start, end),
        )
        return [
            OccurrenceAttendance(
                r[0], r[1], r[2], from_epoch(r[3]), int(r[4]), int(r[5]), int(r[6]), int(r[7])
            )
            for r in rows
        ]

    async def quizzes(self, branch_id: int, start: datetime, end: datetime) -> QuizActivity:
        """Private attempts finished and group quiz answers in a range."""
        row = await self._db.fetch_one(
            "SELECT (SELECT count(*) FROM quiz_attempts"
            "  WHERE branch_id = :b AND finished_at >= :s AND finished_at < :e),"
            " (SELECT count(DISTINCT user_id) FROM quiz_attempts"
            "  WHERE branch_id = :b AND finished_at >= :s AND finished_at < :e),"
            " (SELECT avg(CAST(score AS DOUBLE PRECISION) / total) FROM quiz_attempts"
            "  WHERE branch_id = :b AND finished_at >= :s AND finished_at < :e),"
            " (SELECT count(*) FROM quiz_polls p JOIN poll_answers pa ON pa.poll_id = p.poll_id"
            "  WHERE p.branch_id = :b AND pa.answered_at >= :s AND pa.answered_at < :e),"
            " (SELECT coalesce(sum(pa.correct), 0) FROM quiz_polls p"
            "  JOIN poll_answers pa ON pa.poll_id = p.poll_id"
            "  WHERE p.branch_id = :b AND pa.answered_at >= :s AND pa.answered_at < :e)",
            self._range(branch_id, start, end),
        )
        if row is None:
            raise LookupError("aggregate query returned no row")
        average = None if row[2] is None else float(row[2])
        return QuizActivity(int(row[0]), int(row[1]), average, int(row[3]), int(row[4]))

    async def absentees(
        self, branch_id: int, start: datetime, end: datetime
    ) -> list[tuple[int, str]]:
        """(occurrence id, name) of everyone absent from an occurrence in a range."""
        rows = await self._db.fetch_all(
            f"SELECT o.id, {DISPLAY_NAME} FROM occurrences o"  # noqa: S608
            " JOIN meetings m ON m.id = o.meeting_id"
            " JOIN attendance a ON a.occurrence_id = o.id AND a.status = 'absent'"
            " JOIN users u ON u.id = a.user_id AND u.forgotten = 0"
            " WHERE m.branch_id = :b AND o.starts_at >= :s AND o.starts_at < :e"
            " AND o.cancelled = 0 ORDER BY o.starts_at, o.id, u.first_name, u.id",
            self._range(branch_id, start, end),
        )
        return [(r[0], r[1]) for r in rows]

    async def not_taken(self, branch_id: int) -> list[tuple[int, str, str]]:
        """(module id, title, name) of roster members who never finished a published module."""
        rows = await self._db.fetch_all(
            f"SELECT p.module_id, md.title, {DISPLAY_NAME} FROM publications p"  # noqa: S608
            " JOIN modules md ON md.id = p.module_id"
            " JOIN memberships ms ON ms.branch_id = p.branch_id AND ms.on_roster = 1"
            " JOIN users u ON u.id = ms.user_id AND u.forgotten = 0"
            " WHERE p.branch_id = ? AND NOT EXISTS (SELECT 1 FROM quiz_attempts qa"
            "  WHERE qa.module_id = p.module_id AND qa.user_id = ms.user_id"
            "  AND qa.finished_at IS NOT NULL)"
            " ORDER BY p.module_id, u.first_name, u.id",
            (branch_id,),
        )
        return [(r[0], r[1], r[2]) for r in rows]

    async def members_rows(self, branch_id: int) -> list[tuple[Any, ...]]:
        """Every member of the branch: id, name, username, role, on the roster, last seen."""
        rows = await self._db.fetch_all(
            f"SELECT u.id, {DISPLAY_NAME}, coalesce(u.username, ''), ms.role, ms.on_roster,"  # noqa: S608
            " ms.seen_at FROM memberships ms JOIN users u ON u.id = ms.user_id"
            " WHERE ms.branch_id = ? AND u.forgotten = 0 ORDER BY u.first_name, u.id",
            (branch_id,),
        )
        return [tuple(r) for r in rows]

    async def checkin_rows(
        self, branch_id: int, start: datetime, end: datetime
    ) -> list[tuple[Any, ...]]:
        """Daily check-ins in a range: local date, member id, name, instant."""
        rows = await self._db.fetch_all(
            f"SELECT d.local_date, u.id, {DISPLAY_NAME}, d.checked_at FROM daily_checkins d"  # noqa: S608
            " JOIN users u ON u.id = d.user_id AND u.forgotten = 0"
            " WHERE d.branch_id = :b AND d.checked_at >= :s AND d.checked_at < :e"
            " ORDER BY d.checked_at, u.id",
            self._range(branch_id, start, end),
        )
        return [tuple(r) for r in rows]

    async def attendance_rows(
        self, branch_id: int, start: datetime, end: datetime
    ) -> list[tuple[Any, ...]]:
        """Frozen attendance of the occurrences in a range, with leave reasons."""
        rows = await self._db.fetch_all(
            f"SELECT o.id, o.starts_at, m.type, m.title, u.id, {DISPLAY_NAME}, a.status,"  # noqa: S608
            " coalesce(l.reason, '') FROM occurrences o JOIN meetings m ON m.id = o.meeting_id"
            " JOIN attendance a ON a.occurrence_id = o.id"
            " JOIN users u ON u.id = a.user_id AND u.forgotten = 0"
            " LEFT JOIN leaves l ON l.occurrence_id = o.id AND l.user_id = a.user_id"
            " WHERE m.branch_id = :b AND o.starts_at >= :s AND o.starts_at < :e"
            " ORDER BY o.starts_at, o.id, u.first_name, u.id",
            self._range(branch_id, start, end),
        )
        return [tuple(r) for r in rows]

    async def quiz_rows(
        self, branch_id: int, start: datetime, end: datetime
    ) -> list[tuple[Any, ...]]:
        """Finished private attempts in a range: module, member, score, total, instant."""
        rows = await self._db.fetch_all(
            f"SELECT md.id, md.title, u.id, {DISPLAY_NAME}, a.score, a.total, a.finished_at"  # noqa: S608
            " FROM quiz_attempts a JOIN modules md ON md.id = a.module_id"
            " JOIN users u ON u.id = a.user_id AND u.forgotten = 0"
            " WHERE a.branch_id = :b AND a.finished_at >= :s AND a.finished_at < :e"
            " ORDER BY a.finished_at, a.id",
            self._range(branch_id, start, end),
        )
        return [tuple(r) for r in rows]
