"""SQL for study modules, their questions and publications."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from storage.db import Database
from storage.models import ModuleContent, ModuleSummary, to_epoch


@dataclass(frozen=True)
class QuestionRecord:
    """A question as stored: option texts, the correct indexes, feedback per option."""

    text: str
    options: list[str]
    correct: list[int]
    feedback: list[str | None]
    explanation: str | None
    poll_ready: bool


_SUMMARY = (
    "SELECT m.id, m.branch_id, m.title, count(q.id), coalesce(sum(q.poll_ready), 0)"
    " FROM modules m LEFT JOIN questions q ON q.module_id = m.id"
)


def _summary(row: tuple) -> ModuleSummary:  # type: ignore[type-arg]
    return ModuleSummary(row[0], row[1], row[2], int(row[3]), int(row[4]))


@dataclass(frozen=True)
class ImportDraft:
    """A file held until its sender chooses the branch to import it into."""

    id: int
    user_id: int
    message_key: str
    file_name: str
    content: bytes


class StudyRepo:
    """Modules and where they are published."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def add(
        self,
        *,
        branch_id: int,
        title: str,
        summary: str,
        material: str,
        links: list[tuple[str, str]],
        questions: list[QuestionRecord],
        import_key: str,
        by: int,
        now: datetime,
    ) -> int:
        """Store a module with its questions (a replayed import returns the stored one)."""
        await self._db.execute(
            "INSERT INTO modules (branch_id, title, summary, material, links, import_key,"
            " imported_by, imported_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
            " ON CONFLICT (import_key) DO NOTHING",
            (
                branch_id,
                title,
                summary,
                material,
                json.dumps(links, ensure_ascii=False),
                import_key,
                by,
                to_epoch(now),
            ),
        )
        row = await self._db.fetch_one(
            "SELECT id FROM modules WHERE import_key = ?", (import_key,)
        )
        module_id = int(row[0])  # type: ignore[index]
        await self._db.execute_many(
            "INSERT INTO questions (module_id, position, text, options, correct, feedback,"
            " explanation, poll_ready) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
            " ON CONFLICT (module_id, position) DO NOTHING",
            [
                (
                    module_id,
                    position,
                    q.text,
                    json.dumps(q.options, ensure_ascii=False),
                    json.dumps(q.correct),
                    json.dumps(q.feedback, ensure_ascii=False),
                    q.explanation,
                    int(q.poll_ready),
                )
                for position, q in enumerate(questions)
            ],
        )
        return module_id

    async def summary(self, module_id: int) -> ModuleSummary | None:
        """One module's summary."""
        row = await self._db.fetch_one(f"{_SUMMARY} WHERE m.id = ? GROUP BY m.id", (module_id,))
        return _summary(tuple(row)) if row else None

    async def content(self, module_id: int) -> ModuleContent | None:
        """A module's material."""
        row = await self._db.fetch_one(
            "SELECT m.id, m.title, m.summary, m.material, m.links,"
            " (SELECT count(*) FROM questions q WHERE q.module_id = m.id)"
            " FROM modules m WHERE m.id = ?",
            (module_id,),
        )
        if row is None:
            return None
        links = [(str(title), str(url)) for title, url in json.loads(row[4])]
        return ModuleContent(row[0], row[1], row[2], row[3], links, int(row[5]))

    async def is_published(self, module_id: int, branch_id: int) -> bool:
        """Whether the module is published to the branch."""
        row = await self._db.fetch_one(
            "SELECT 1 FROM publications WHERE module_id = ? AND branch_id = ?",
            (module_id, branch_id),
        )
        return row is not None

    async def publish(self, module_id: int, branch_id: int, now: datetime) -> bool:
        """Publish a module to a branch; False if it was published there already."""
        return bool(
            await self._db.execute(
                "INSERT INTO publications (module_id, branch_id, published_at) VALUES (?, ?, ?)"
                " ON CONFLICT DO NOTHING",
                (module_id, branch_id, to_epoch(now)),
            )
        )

    async def published(self, branch_id: int) -> list[ModuleSummary]:
        """The modules published to a branch, oldest publication first."""
        rows = await self._db.fetch_all(
            f"{_SUMMARY} JOIN publications p ON p.module_id = m.id AND p.branch_id = ?"  # noqa: S608
            " GROUP BY m.id, p.published_at ORDER BY p.published_at, m.id",
            (branch_id,),
        )
        return [_summary(tuple(row)) for row in rows]

    async def hold(
        self, *, user_id: int, message_key: str, file_name: str, content: bytes, now: datetime
    ) -> int:
        """Hold a privately sent file (the same message again gives the same draft)."""
        await self._db.execute(
            "INSERT INTO import_drafts (user_id, message_key, file_name, content, created_at)"
            " VALUES (?, ?, ?, ?, ?) ON CONFLICT (message_key) DO NOTHING",
            (user_id, message_key, file_name, content, to_epoch(now)),
        )
        row = await self._db.fetch_one(
            "SELECT id FROM import_drafts WHERE message_key = ?", (message_key,)
        )
        return int(row[0])  # type: ignore[index]

    async def draft(self, draft_id: int) -> ImportDraft | None:
        """A held file."""
        row = await self._db.fetch_one(
            "SELECT id, user_id, message_key, file_name, content FROM import_drafts WHERE id = ?",
            (draft_id,),
        )
        return ImportDraft(row[0], row[1], row[2], row[3], bytes(row[4])) if row else None

    async def drop_drafts(self, *, draft_id: int | None = None, before: datetime) -> None:
        """Drop one draft (when imported) and every draft held since before ``before``."""
        await self._db.execute(
            "DELETE FROM import_drafts WHERE id = ? OR created_at < ?",
            (draft_id, to_epoch(before)),
        )
