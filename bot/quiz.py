"""Private quizzes: one question at a time, options shuffled, feedback at once, best score kept.

The attempt's place is in the database, so a restart resumes it; an answer is recorded once
per question, so a double tap counts once.
"""

from __future__ import annotations

import random
import secrets
from dataclasses import dataclass
from datetime import datetime

from bot.errors import UserError
from bot.points import PointsLedger
from storage import Storage
from storage.models import Branch
from storage.quiz import Attempt, StoredQuestion


def option_order(seed: int, position: int, count: int) -> list[int]:
    """The shuffled order a question's options are shown in (the same on every showing)."""
    order = list(range(count))
    random.Random(seed * 1000 + position).shuffle(order)  # noqa: S311 - a shuffle, not a secret
    return order


@dataclass(frozen=True)
class Asked:
    """The question an attempt is at, and how its options are shown."""

    attempt: Attempt
    question: StoredQuestion
    order: list[int]

    @property
    def multiple(self) -> bool:
        """Whether several options are correct (chosen with toggles and a submit)."""
        return len(self.question.correct) > 1


@dataclass(frozen=True)
class Answered:
    """The outcome of one answer."""

    question: StoredQuestion
    chosen: list[int]
    correct: bool
    attempt: Attempt  # as it stands after the answer
    best: int | None  # the best finished score, once this attempt is finished


class QuizService:
    """Running private quizzes."""

    def __init__(self, storage: Storage, points: PointsLedger) -> None:
        self._storage = storage
        self._points = points

    async def begin(self, branch: Branch, module_id: int, user_id: int, now: datetime) -> Asked:
        """Start an attempt, or resume the unfinished one.

        Raises:
            UserError: the module is not published to the branch, or has no questions.
        """
        modules, quiz = self._storage.study, self._storage.quiz
        content = await modules.content(module_id)
        if content is None or not await modules.is_published(module_id, branch.id):
            raise UserError("study.not_published", id=module_id)
        if content.questions == 0:
            raise UserError("quiz.empty")
        async with self._storage.transaction():
            attempt = await quiz.open_attempt(module_id, user_id)
            if attempt is None:
                attempt = await quiz.start(
                    module_id,
                    branch.id,
                    user_id,
                    content.questions,
                    secrets.randbelow(2**31),
                    now,
                )
        return await self._asked(attempt)

    async def _asked(self, attempt: Attempt) -> Asked:
        question = await self._storage.quiz.question(attempt.module_id, attempt.position)
        if question is None:
            raise UserError("button.stale")
        order = option_order(attempt.seed, attempt.position, len(question.options))
        return Asked(attempt, question, order)

    async def next_question(self, attempt: Attempt) -> Asked:
        """The question an unfinished attempt is at."""
        return await self._asked(attempt)

    async def answer(
        self, attempt_id: int, user_id: int, position: int, chosen: list[int], now: datetime
    ) -> Answered | None:
        """Record an answer; None if that question was answered already (a double tap).

        Raises:
            UserError: the attempt is not the presser's, or the choice is out of range.
        """
        quiz = self._storage.quiz
        attempt = await quiz.get(attempt_id)
        if attempt is None or attempt.user_id != user_id:
            raise UserError("button.stale")
        if attempt.finished or position != attempt.position:
            return None
        question = await quiz.question(attempt.module_id, position)
        if (
            question is None
            or not chosen
            or not all(0 <= c < len(question.options) for c in chosen)
        ):
            raise UserError("button.stale")
        correct = sorted(set(chosen)) == sorted(question.correct)
        branch = await self._storage.branches.get(attempt.branch_id)
        async with self._storage.transaction():
            if not await quiz.answer(attempt, sorted(set(chosen)), correct, now):
                return None
            if correct and branch is not None and await quiz.is_first(attempt):
                # Only a first attempt scores; the branch is the one the quiz link named.
                await self._points.credit_answer(branch, user_id, question.id, now)
            after = await quiz.get(attempt_id)
        if after is None:
            raise UserError("button.stale")
        best = await quiz.best(attempt.module_id, user_id) if after.finished else None
        return Answered(question, sorted(set(chosen)), correct, after, best)
