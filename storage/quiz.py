"""SQL for private quiz attempts and their answers."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from storage.db import Database
from storage.models import to_epoch


@dataclass(frozen=True)
class Attempt:
    """A member's pass through a module's questions."""

    id: int
    module_id: int
    branch_id: int
    user_id: int
    total: int
    position: int
    score: int
    seed: int
    finished: bool


@dataclass(frozen=True)
class StoredQuestion:
    """A question as the quiz asks it."""

    id: int
    text: str
    options: list[str]
    correct: list[int]
    feedback: list[str | None]
    explanation: str | None


_ATTEMPT = (
    "SELECT id, module_id, branch_id, user_id, total, position, score, seed,"
    " finished_at IS NOT NULL FROM quiz_attempts"
)


def _attempt(row: tuple) -> Attempt:  # type: ignore[type-arg]
    return Attempt(*row[:8], finished=bool(row[8]))


class QuizRepo:
    """Attempts, answers and the questions they ask."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def question(self, module_id: int, position: int) -> StoredQuestion | None:
        """The module's question at a position."""
        row = await self._db.fetch_one(
            "SELECT id, text, options, correct, feedback, explanation FROM questions"
            " WHERE module_id = ? AND position = ?",
            (module_id, position),
        )
        if row is None:
            return None
        return StoredQuestion(
            row[0], row[1], json.loads(row[2]), json.loads(row[3]), json.loads(row[4]), row[5]
        )

    async def open_attempt(self, module_id: int, user_id: int) -> Attempt | None:
        """The member's unfinished attempt at a module."""
        row = await self._db.fetch_one(
            f"{_ATTEMPT} WHERE module_id = ? AND user_id = ? AND finished_at IS NULL"  # noqa: S608
            " ORDER BY id DESC LIMIT 1",
            (module_id, user_id),
        )
        return _attempt(tuple(row)) if row else None

    async def start(
        self, module_id: int, branch_id: int, user_id: int, total: int, seed: int, now: datetime
    ) -> Attempt:
        """Begin an attempt."""
        await self._db.execute(
            "INSERT INTO quiz_attempts (module_id, branch_id, user_id, total, seed, started_at)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (module_id, branch_id, user_id, total, seed, to_epoch(now)),
        )
        found = await self.open_attempt(module_id, user_id)
        if found is None:
            raise LookupError("attempt vanished")
        return found

    async def get(self, attempt_id: int) -> Attempt | None:
        """One attempt."""
        row = await self._db.fetch_one(f"{_ATTEMPT} WHERE id = ?", (attempt_id,))  # noqa: S608
        return _attempt(tuple(row)) if row else None

    async def answer(
        self, attempt: Attempt, chosen: list[int], correct: bool, now: datetime
    ) -> bool:
        """Record the answer at the attempt's position and move on; False if it was answered."""
        recorded = await self._db.execute(
            "INSERT INTO quiz_answers (attempt_id, position, chosen, correct, answered_at)"
            " VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
            (attempt.id, attempt.position, json.dumps(chosen), int(correct), to_epoch(now)),
        )
        if not recorded:
            return False
        finished = to_epoch(now) if attempt.position + 1 >= attempt.total else None
        await self._db.execute(
            "UPDATE quiz_attempts SET position = position + 1, score = score + ?,"
            " finished_at = ? WHERE id = ? AND position = ?",
            (int(correct), finished, attempt.id, attempt.position),
        )
        return True

    async def is_first(self, attempt: Attempt) -> bool:
        """Whether this is the member's first attempt at the module (only it scores points)."""
        row = await self._db.fetch_one(
            "SELECT min(id) FROM quiz_attempts WHERE module_id = ? AND user_id = ?",
            (attempt.module_id, attempt.user_id),
        )
        return row is not None and row[0] == attempt.id

    async def best_scores(self, user_id: int) -> dict[int, int]:
        """The member's best finished score per module, in one query."""
        rows = await self._db.fetch_all(
            "SELECT module_id, max(score) FROM quiz_attempts WHERE user_id = ?"
            " AND finished_at IS NOT NULL GROUP BY module_id",
            (user_id,),
        )
        return {row[0]: int(row[1]) for row in rows}

    async def best(self, module_id: int, user_id: int) -> int | None:
        """The member's best finished score at a module."""
        row = await self._db.fetch_one(
            "SELECT max(score) FROM quiz_attempts WHERE module_id = ? AND user_id = ?"
            " AND finished_at IS NOT NULL",
            (module_id, user_id),
        )
        return None if row is None or row[0] is None else int(row[0])
