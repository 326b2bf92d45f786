"""SQL for group quizzes: the quiz polls posted and the answers they received."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from storage.db import Database
from storage.models import to_epoch
from storage.quiz import StoredQuestion


@dataclass(frozen=True)
class PostedPoll:
    """A quiz poll the bot posted: where an answer to it is credited."""

    poll_id: str
    branch_id: int
    question_id: int
    correct: list[int]


class GroupQuizRepo:
    """Quiz polls by poll id, and their answers per member."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def poll_ready(self, module_id: int) -> tuple[list[StoredQuestion], int]:
        """The module's poll-ready questions in module order, and how many are not."""
        rows = await self._db.fetch_all(
            "SELECT id, text, options, correct, feedback, explanation, poll_ready"
            " FROM questions WHERE module_id = ? ORDER BY position",
            (module_id,),
        )
        ready = [
            StoredQuestion(
                row[0], row[1], json.loads(row[2]), json.loads(row[3]), json.loads(row[4]), row[5]
            )
            for row in rows
            if row[6]
        ]
        return ready, len(rows) - len(ready)

    async def is_posted(self, post_key: str) -> bool:
        """Whether the poll for this place of a /quiz run went out already."""
        row = await self._db.fetch_one("SELECT 1 FROM quiz_polls WHERE post_key = ?", (post_key,))
        return row is not None

    async def add(
        self,
        *,
        poll_id: str,
        branch_id: int,
        question_id: int,
        post_key: str,
        message_id: int,
        correct: list[int],
        now: datetime,
    ) -> None:
        """Remember a posted poll."""
        await self._db.execute(
            "INSERT INTO quiz_polls (poll_id, branch_id, question_id, post_key, message_id,"
            " correct, posted_at) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
            (
                poll_id,
                branch_id,
                question_id,
                post_key,
                message_id,
                json.dumps(correct),
                to_epoch(now),
            ),
        )

    async def get(self, poll_id: str) -> PostedPoll | None:
        """A poll the bot posted, or None for any other poll."""
        row = await self._db.fetch_one(
            "SELECT poll_id, branch_id, question_id, correct FROM quiz_polls WHERE poll_id = ?",
            (poll_id,),
        )
        return PostedPoll(row[0], row[1], row[2], json.loads(row[3])) if row else None

    async def answered_before(self, poll: PostedPoll, user_id: int) -> bool:
        """Whether the member answered this question in an earlier poll of the branch."""
        row = await self._db.fetch_one(
            "SELECT 1 FROM poll_answers a JOIN quiz_polls p ON p.poll_id = a.poll_id"
            " WHERE p.branch_id = ? AND p.question_id = ? AND a.user_id = ? AND a.poll_id != ?"
            " LIMIT 1",
            (poll.branch_id, poll.question_id, user_id, poll.poll_id),
        )
        return row is not None

    async def answer(
        self, poll_id: str, user_id: int, chosen: list[int], correct: bool, now: datetime
    ) -> bool:
        """Record a member's answer to a poll; False if it was recorded before (a replay)."""
        return bool(
            await self._db.execute(
                "INSERT INTO poll_answers (poll_id, user_id, chosen, correct, answered_at)"
                " VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
                (poll_id, user_id, json.dumps(chosen), int(correct), to_epoch(now)),
            )
        )

    async def results(self, branch_id: int, user_id: int) -> tuple[int, int]:
        """A member's group quiz answers in a branch: (answered, correct)."""
        row = await self._db.fetch_one(
            "SELECT count(*), coalesce(sum(a.correct), 0) FROM poll_answers a"
            " JOIN quiz_polls p ON p.poll_id = a.poll_id WHERE p.branch_id = ? AND a.user_id = ?",
            (branch_id, user_id),
        )
        return (int(row[0]), int(row[1])) if row else (0, 0)
