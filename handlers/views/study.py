"""How study reads: a module list and its buttons, a module's material, an import's result."""

from __future__ import annotations

from telegram import InlineKeyboardButton

from bot.deeplinks import module_payload, start_link
from bot.i18n import Words
from bot.module_formats import FormatError, Problem
from bot.study import Imported
from bot.text import NAME_MAX, TITLE_MAX, shorten
from handlers.gate.callbacks import ImportChoice
from storage.models import Branch, ModuleContent, ModuleSummary

SHOWN_ERRORS = 20


def module_list_text(
    words: Words, found: list[tuple[ModuleSummary, int | None]], *, scores: bool = True
) -> str:
    """The modules published to a branch, each with the reader's best score.

    Without ``scores`` (a list shown to the whole group) no one's score is shown.
    """
    lines = "\n".join(
        words(
            "study.line",
            id=m.id,
            title=m.title,
            count=m.questions,
            best=words.none if best is None else f"{best}/{m.questions}",
        )
        if scores
        else words("study.module", id=m.id, title=m.title, count=m.questions)
        for m, best in found
    )
    return words("study.list", modules=lines)


def scores_text(
    words: Words, branch: str, found: list[tuple[ModuleSummary, int | None]]
) -> str | None:
    """A member's best scores in the modules of a branch they answered; None if none."""
    lines = [
        words("me.module", id=m.id, title=m.title, best=best, count=m.questions)
        for m, best in found
        if best is not None
    ]
    return words("study.scores", branch=branch, scores="\n".join(lines)) if lines else None


def module_buttons(
    bot_username: str, branch: Branch, found: list[tuple[ModuleSummary, int | None]]
) -> list[InlineKeyboardButton]:
    """A button per module that opens it privately through its deep link."""
    return [
        InlineKeyboardButton(
            shorten(f"#{m.id} {m.title}", TITLE_MAX),
            url=start_link(bot_username, module_payload(m.id, branch.id)),
        )
        for m, _ in found
    ]


def module_text(words: Words, content: ModuleContent) -> str:
    """A module's material: its title and size, summary, text and links."""
    parts = [words("study.module", id=content.id, title=content.title, count=content.questions)]
    parts += [part for part in (content.summary, content.material) if part]
    parts += [words("study.link", title=title, url=url) for title, url in content.links]
    return "\n\n".join(parts)


def problem_line(words: Words, problem: Problem) -> str:
    """``line N: …`` for a problem found in a file (a problem of the whole file: no line)."""
    params = dict(problem.params)
    if "kind" in params:
        params["kind"] = words(f"kind.{params['kind']}")
    text = words(problem.key, **params)
    if not problem.line:
        return text
    return words("import.line", line=problem.line, text=text)


def _problem_lines(words: Words, problems: list[Problem]) -> str:
    """The first problems by line, then how many more."""
    lines = [problem_line(words, p) for p in problems[:SHOWN_ERRORS]]
    if len(problems) > SHOWN_ERRORS:
        lines.append(words("import.more", count=len(problems) - SHOWN_ERRORS))
    return "\n".join(lines)


def rejected_text(words: Words, error: FormatError) -> str:
    """The errors of a rejected file."""
    return words("import.rejected", errors=_problem_lines(words, error.problems))


def imported_text(words: Words, imported: Imported) -> str:
    """Each stored module's id, title and size, and the questions skipped."""
    modules = "\n".join(
        words(
            "import.module",
            id=m.id,
            title=m.title,
            count=m.questions,
            not_ready=m.questions - m.poll_ready,
        )
        for m in imported.modules
    )
    text = words("import.done", modules=modules)
    if imported.warnings:
        lines = _problem_lines(words, imported.warnings)
        text += "\n\n" + words("import.skipped", lines=lines)
    return text


def import_buttons(draft_id: int, branches: list[Branch]) -> list[InlineKeyboardButton]:
    """A button per branch that imports the held file there."""
    return [
        InlineKeyboardButton(
            shorten(b.title, NAME_MAX), callback_data=ImportChoice(draft_id, b.id).pack()
        )
        for b in branches
    ]
