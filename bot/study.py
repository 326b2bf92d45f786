"""Study modules: importing files (all or nothing, within limits) and publishing them."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.errors import UserError
from bot.module_formats import Module, Parsed, Problem, parse_module_file
from bot.module_formats.model import within_limits
from storage import Storage
from storage.models import Branch, ModuleContent, ModuleSummary
from storage.study import QuestionRecord

logger = logging.getLogger(__name__)

MAX_FILE_BYTES = 1_000_000
MAX_QUESTIONS = 500
# A file sent privately waits this long for its sender to choose a branch.
DRAFT_KEPT = timedelta(days=1)


@dataclass(frozen=True)
class Imported:
    """What an import stored, and the questions it skipped."""

    modules: list[ModuleSummary]
    warnings: list[Problem]


def _records(module: Module) -> list[QuestionRecord]:
    return [
        QuestionRecord(
            text=q.text,
            options=[o.text for o in q.options],
            correct=list(q.correct),
            feedback=[o.feedback for o in q.options],
            explanation=q.explanation,
            poll_ready=q.poll_ready,
        )
        for q in module.questions
    ]


class StudyService:
    """Importing and publishing modules."""

    def __init__(self, storage: Storage) -> None:
        self._storage = storage

    @staticmethod
    def check_size(size: int | None) -> None:
        """Refuse a file above the limit before it is downloaded.

        Raises:
            UserError: the file is too large.
        """
        if size is not None and size > MAX_FILE_BYTES:
            raise UserError("import.too_big", limit=MAX_FILE_BYTES // 1000)

    @staticmethod
    def check_file(name: str, data: bytes) -> Parsed:
        """Parse a module file within the limits.

        Raises:
            UserError: the file is too large or has too many questions.
            FormatError: the file has errors (each with its line), among them a question
                with more options than a quiz can show.
        """
        StudyService.check_size(len(data))
        parsed = within_limits(parse_module_file(name, data))
        total = sum(len(module.questions) for module in parsed.modules)
        if total > MAX_QUESTIONS:
            raise UserError("import.too_many", count=total, limit=MAX_QUESTIONS)
        return parsed

    async def import_file(
        self, branch: Branch, *, name: str, data: bytes, key: str, by: int, now: datetime
    ) -> Imported:
        """Parse a module file and store every module in it, or nothing.

        Raises:
            UserError: the file is too large or has too many questions.
            FormatError: the file has errors (each with its line).
        """
        parsed = self.check_file(name, data)
        repo = self._storage.study
        async with self._storage.transaction():
            ids = [
                await repo.add(
                    branch_id=branch.id,
                    title=module.title,
                    summary=module.summary,
                    material=module.material,
                    links=[(link.title, link.url) for link in module.links],
                    questions=_records(module),
                    import_key=f"{key}:{index}",
                    by=by,
                    now=now,
                )
                for index, module in enumerate(parsed.modules)
            ]
        summaries = [summary for i in ids if (summary := await repo.summary(i)) is not None]
        logger.info("branch %s imported modules %s from %s", branch.id, ids, name)
        return Imported(summaries, parsed.warnings)

    async def hold(
        self, *, user_id: int, key: str, name: str, data: bytes, now: datetime
    ) -> tuple[int, Parsed]:
        """Check a privately sent file and hold it until a branch is chosen.

        Raises:
            UserError, FormatError: as ``check_file``; nothing is held then.
        """
        parsed = self.check_file(name, data)
        modules = self._storage.study
        async with self._storage.transaction():
            await modules.drop_drafts(before=now - DRAFT_KEPT)
            draft_id = await modules.hold(
                user_id=user_id, message_key=key, file_name=name, content=data, now=now
            )
        return draft_id, parsed

    async def import_held(
        self, draft_id: int, user_id: int, branch: Branch, now: datetime
    ) -> Imported:
        """Import a held file into the chosen branch, then let the draft go.

        Raises:
            UserError: the draft is gone (imported already, expired) or is not the user's.
        """
        # One transaction: two branch buttons pressed at once import the file once.
        async with self._storage.transaction():
            draft = await self._storage.study.draft(draft_id)
            if draft is None or draft.user_id != user_id:
                raise UserError("button.stale")
            imported = await self.import_file(
                branch,
                name=draft.file_name,
                data=draft.content,
                key=f"{draft.message_key}:b{branch.id}",
                by=user_id,
                now=now,
            )
            await self._storage.study.drop_drafts(draft_id=draft_id, before=now - DRAFT_KEPT)
        return imported

    async def published(
        self, branch: Branch, user_id: int
    ) -> list[tuple[ModuleSummary, int | None]]:
        """The modules published to the branch, each with the member's best score."""
        best = await self._storage.quiz.best_scores(user_id)
        return [(m, best.get(m.id)) for m in await self._storage.study.published(branch.id)]

    async def open_module(self, branch: Branch, module_id: int) -> ModuleContent:
        """A module published to the branch, to read.

        Raises:
            UserError: the module is not published to this branch.
        """
        content = await self._storage.study.content(module_id)
        if content is None or not await self._storage.study.is_published(module_id, branch.id):
            raise UserError("study.not_published", id=module_id)
        return content

    async def publish(
        self, branch: Branch, module_id: int, now: datetime
    ) -> tuple[ModuleSummary, bool]:
        """Publish a module of this branch (or of its organisation's branches) to it.

        Returns:
            The module and whether it was newly published.

        Raises:
            UserError: no such module that this branch may publish.
        """
        summary = await self._storage.study.summary(module_id)
        owner = await self._storage.branches.get(summary.branch_id) if summary else None
        same_org = (
            owner is not None
            and owner.organisation_id is not None
            and (owner.organisation_id == branch.organisation_id)
        )
        if summary is None or owner is None or not (owner.id == branch.id or same_org):
            raise UserError("module.unknown", id=module_id)
        return summary, await self._storage.study.publish(module_id, branch.id, now)
