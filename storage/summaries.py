"""SQL for the weekly summaries' delivery rows: each (branch, week) goes out at most once."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from storage.db import Database
from storage.models import from_epoch, to_epoch


@dataclass(frozen=True)
class SummaryRow:
    """One branch's summary for the week ending at ``week_end``."""

    branch_id: int
    week_end: datetime
    state: str
    attempts: int


class SummaryRepo:
    """Delivery rows of weekly summaries."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def existing(self, week_ends: dict[int, datetime]) -> set[int]:
        """Which of these branches already have a row for the given week end."""
        if not week_ends:
            return set()
        ids = self._db.dialect.json_ids
        rows = await self._db.fetch_all(
            f"SELECT branch_id, week_end FROM summaries WHERE branch_id IN ({ids})"  # noqa: S608
            f" AND week_end IN ({ids})",
            (
                json.dumps(list(week_ends)),
                json.dumps(sorted({to_epoch(w) for w in week_ends.values()})),
            ),
        )
        return {row[0] for row in rows if row[1] == to_epoch(week_ends[row[0]])}

    async def add(
        self, branch_id: int, week_end: datetime, now: datetime, *, state: str = "pending"
    ) -> bool:
        """Owe a summary (or record one skipped); False if the row exists."""
        return bool(
            await self._db.execute(
                "INSERT INTO summaries (branch_id, week_end, state, next_at, changed_at)"
                " VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
                (branch_id, to_epoch(week_end), state, to_epoch(now), to_epoch(now)),
            )
        )

    async def claim_next(
        self, now: datetime, owner: str, lease_until: datetime
    ) -> SummaryRow | None:
        """Claim the earliest summary due now for ``owner`` until ``lease_until``; None if none."""
        # The outer ``state = 'pending'`` is the guard: PostgreSQL re-checks it (not the
        # subquery) on a row another claimer updated meanwhile.
        row = await self._db.fetch_one(
            "UPDATE summaries SET state = 'claimed', attempts = attempts + 1, changed_at = ?,"  # noqa: S608
            " claimed_by = ?, lease_until = ?"
            " WHERE state = 'pending' AND (branch_id, week_end) = (SELECT branch_id, week_end"
            "  FROM summaries WHERE state = 'pending' AND next_at <= ?"
            f"  ORDER BY next_at, week_end, branch_id LIMIT 1{self._db.dialect.skip_locked})"
            " RETURNING branch_id, week_end, state, attempts",
            (to_epoch(now), owner, to_epoch(lease_until), to_epoch(now)),
        )
        return SummaryRow(row[0], from_epoch(row[1]), row[2], row[3]) if row else None  # type: ignore[arg-type]

    async def move(
        self,
        row: SummaryRow,
        state: str,
        now: datetime,
        *,
        message_id: int | None = None,
        detail: str | None = None,
        next_at: datetime | None = None,
    ) -> None:
        """Record what became of a claimed summary."""
        await self._db.execute(
            "UPDATE summaries SET state = ?, changed_at = ?, message_id = coalesce(?, message_id),"
            " detail = coalesce(?, detail), next_at = coalesce(?, next_at)"
            " WHERE branch_id = ? AND week_end = ?",
            (
                state,
                to_epoch(now),
                message_id,
                detail,
                to_epoch(next_at) if next_at else None,
                row.branch_id,
                to_epoch(row.week_end),
            ),
        )

    async def settle_expired(self, now: datetime, detail: str) -> list[SummaryRow]:
        """Claims whose lease ran out become unconfirmed (``detail`` says why); those rows.

        Their claimant stopped in the middle of the send, which may have arrived: never sent
        again. A claim still within its lease belongs to a live instance and is left alone.
        """
        rows = await self._db.fetch_all(
            "UPDATE summaries SET state = 'unconfirmed', changed_at = ?, detail = ?"
            " WHERE state = 'claimed' AND coalesce(lease_until, 0) <= ?"
            " RETURNING branch_id, week_end, state, attempts",
            (to_epoch(now), detail, to_epoch(now)),
        )
        return [SummaryRow(r[0], from_epoch(r[1]), r[2], r[3]) for r in rows]  # type: ignore[arg-type]

    async def stale_pending(self, before: datetime) -> list[SummaryRow]:
        """Pending summaries of weeks that ended before ``before`` (beyond the catch-up)."""
        rows = await self._db.fetch_all(
            "SELECT branch_id, week_end, state, attempts FROM summaries"
            " WHERE state = 'pending' AND week_end < ?",
            (to_epoch(before),),
        )
        return [SummaryRow(r[0], from_epoch(r[1]), r[2], r[3]) for r in rows]  # type: ignore[arg-type]
