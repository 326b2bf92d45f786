"""Group quizzes: a module's poll-ready questions as native quiz polls, answers credited.

A poll answer carries no chat, so every poll the bot posts is stored with its branch and
question; answers to any other poll, and from anonymous voters, are ignored.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.errors import UserError
from bot.points import PointsLedger
from storage import Storage
from storage.group_quiz import PostedPoll
from storage.models import Branch
from storage.quiz import StoredQuestion

DEFAULT_COUNT = 5
MAX_COUNT = 20


@dataclass(frozen=True)
class GroupQuiz:
    """The questions a /quiz posts, and how many of the module's it had to leave out."""

    module_id: int
    title: str
    questions: list[StoredQuestion]
    not_ready: int


class GroupQuizService:
    """Choosing a group quiz's questions and crediting the answers to its polls."""

    def __init__(self, storage: Storage, points: PointsLedger) -> None:
        self._storage = storage
        self._points = points

    async def plan(self, branch: Branch, module_id: int, count: int) -> GroupQuiz:
        """The first ``count`` poll-ready questions of a module published to the branch.

        Raises:
            UserError: a count out of range, a module not published here, none poll-ready.
        """
        if not 1 <= count <= MAX_COUNT:
            raise UserError("group_quiz.usage", max=MAX_COUNT)
        summary = await self._storage.study.summary(module_id)
        if summary is None or not await self._storage.study.is_published(module_id, branch.id):
            raise UserError("study.not_published", id=module_id)
        ready, not_ready = await self._storage.group_quiz.poll_ready(module_id)
        if not ready:
            raise UserError("group_quiz.none_ready", id=module_id)
        return GroupQuiz(module_id, summary.title, ready[:count], not_ready)

    async def is_posted(self, post_key: str) -> bool:
        """Whether this place of a /quiz run was posted (the command is being replayed)."""
        return await self._storage.group_quiz.is_posted(post_key)

    async def posted(
        self,
        branch: Branch,
        question: StoredQuestion,
        *,
        poll_id: str,
        post_key: str,
        message_id: int,
        now: datetime,
    ) -> None:
        """Remember a poll the moment it is posted, so its answers can be credited."""
        await self._storage.group_quiz.add(
            poll_id=poll_id,
            branch_id=branch.id,
            question_id=question.id,
            post_key=post_key,
            message_id=message_id,
            correct=question.correct,
            now=now,
        )

    async def find(self, poll_id: str) -> tuple[Branch, PostedPoll] | None:
        """A poll of ours and the active branch it was posted in; None for any other poll."""
        poll = await self._storage.group_quiz.get(poll_id)
        branch = await self._storage.branches.get(poll.branch_id) if poll else None
        if poll is None or branch is None or not branch.active:
            return None
        return branch, poll

    async def answer(
        self, branch: Branch, poll: PostedPoll, user_id: int, chosen: list[int], now: datetime
    ) -> bool:
        """Record a member's answer and credit it if right; False if nothing was recorded.

        A member's first answer to a question in the branch scores; a later poll of the same
        question does not, so posting a module again earns nothing twice.
        """
        polls = self._storage.group_quiz
        if not chosen:
            return False
        correct = sorted(set(chosen)) == sorted(poll.correct)
        async with self._storage.transaction():
            first = not await polls.answered_before(poll, user_id)
            if not await polls.answer(poll.poll_id, user_id, sorted(set(chosen)), correct, now):
                return False
            if correct and first:
                await self._points.credit_answer(branch, user_id, poll.question_id, now)
        return True

    async def results(self, branch: Branch, user_id: int) -> tuple[int, int]:
        """A member's group quiz answers in the branch: (answered, correct)."""
        return await self._storage.group_quiz.results(branch.id, user_id)
