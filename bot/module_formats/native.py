"""branchbot's own TOML module format (see ``docs/module-example.toml``).

::

    [[modules]]
    title = "党章学习"
    summary = "…"
    material = \"\"\"…\"\"\"
    links = [{ title = "…", url = "https://…" }]

    [[modules.questions]]
    text = "…"
    options = ["…", "…", "…"]
    answer = 1            # 1-based; or answers = [1, 3] when several are correct
    explanation = "…"     # optional
    feedback = ["…", "", ""]  # optional, one per option
"""

from __future__ import annotations

import re
import tomllib
from typing import Any

from bot.module_formats.model import (
    FormatError,
    Link,
    Module,
    Option,
    Parsed,
    Problem,
    Question,
)

_MODULE_HEADER = re.compile(r"^\s*\[\[\s*modules\s*\]\]")
_QUESTION_HEADER = re.compile(r"^\s*\[\[\s*modules\s*\.\s*questions\s*\]\]")
_LINE = re.compile(r"line (\d+)")


def _header_lines(text: str) -> tuple[list[int], list[int]]:
    modules, questions = [], []
    for number, line in enumerate(text.split("\n"), 1):
        if _MODULE_HEADER.match(line):
            modules.append(number)
        elif _QUESTION_HEADER.match(line):
            questions.append(number)
    return modules, questions


def _text(
    table: dict[str, Any], key: str, line: int, problems: list[Problem], *, required: bool = True
) -> str:
    value = table.get(key, "" if not required else None)
    if not isinstance(value, str) or (required and not value.strip()):
        problems.append(Problem(line, "toml.field", {"field": key}))
        return ""
    return value.strip()


def _question(table: Any, line: int, problems: list[Problem]) -> Question | None:
    if not isinstance(table, dict):
        problems.append(Problem(line, "toml.field", {"field": "questions"}))
        return None
    before = len(problems)
    text = _text(table, "text", line, problems)
    options = table.get("options")
    if not isinstance(options, list) or not all(isinstance(o, str) and o.strip() for o in options):
        problems.append(Problem(line, "toml.field", {"field": "options"}))
        options = []
    answers = table.get("answers", [table["answer"]] if "answer" in table else None)
    if (
        not isinstance(answers, list)
        or not answers
        or not all(
            isinstance(a, int) and not isinstance(a, bool) and 1 <= a <= len(options)
            for a in answers
        )
    ):
        problems.append(Problem(line, "toml.field", {"field": "answer"}))
        answers = []
    feedback = table.get("feedback", [""] * len(options))
    if not isinstance(feedback, list) or len(feedback) != len(options):
        problems.append(Problem(line, "toml.field", {"field": "feedback"}))
        feedback = [""] * len(options)
    explanation = _text(table, "explanation", line, problems, required=False) or None
    if len(problems) > before:
        return None
    if len(options) < 2:
        problems.append(Problem(line, "toml.few_options"))
        return None
    choices = tuple(
        Option(o.strip(), i + 1 in answers, str(f).strip() or None)
        for i, (o, f) in enumerate(zip(options, feedback, strict=True))
    )
    return Question(text, choices, explanation, line)


def _module(
    table: Any, line: int, question_lines: list[int], problems: list[Problem]
) -> Module | None:
    if not isinstance(table, dict):
        problems.append(Problem(line, "toml.field", {"field": "modules"}))
        return None
    title = _text(table, "title", line, problems)
    links = []
    for link in table.get("links", []):
        if (
            isinstance(link, dict)
            and isinstance(link.get("url"), str)
            and link["url"].startswith(("https://", "http://"))
        ):
            links.append(Link(str(link.get("title") or link["url"]), link["url"]))
        else:
            problems.append(Problem(line, "toml.field", {"field": "links"}))
    raw_questions = table.get("questions", [])
    if not isinstance(raw_questions, list) or not raw_questions:
        problems.append(Problem(line, "toml.field", {"field": "questions"}))
        return None
    questions = [
        _question(q, question_lines.pop(0) if question_lines else line, problems)
        for q in raw_questions
    ]
    return Module(
        title=title,
        questions=tuple(q for q in questions if q),
        summary=_text(table, "summary", line, problems, required=False),
        material=_text(table, "material", line, problems, required=False),
        links=tuple(links),
    )


def parse(text: str) -> Parsed:
    """Parse the native TOML format (one or more ``[[modules]]``).

    Raises:
        FormatError: the TOML syntax error, or every invalid field, by line.
    """
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        match = _LINE.search(str(exc))
        raise FormatError(
            [Problem(int(match.group(1)) if match else 0, "toml.syntax", {"detail": str(exc)})]
        ) from None
    except RecursionError:
        # Arrays or inline tables nested thousands deep: tomllib recurses once per level.
        raise FormatError([Problem(0, "toml.too_deep", {})]) from None
    module_lines, question_lines = _header_lines(text)
    raw_modules = data.get("modules")
    if not isinstance(raw_modules, list) or not raw_modules:
        raise FormatError([Problem(0, "toml.field", {"field": "modules"})])
    problems: list[Problem] = []
    modules = [
        _module(m, module_lines[i] if i < len(module_lines) else 0, question_lines, problems)
        for i, m in enumerate(raw_modules)
    ]
    if problems:
        raise FormatError(sorted(problems, key=lambda p: p.line))
    return Parsed([m for m in modules if m])
