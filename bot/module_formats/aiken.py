"""The Aiken format, read the way Moodle's importer reads it.

A question line, lettered options, then ``ANSWER: <letter>``; a line that is neither an option
nor an ANSWER starts the next question, with or without a blank line before it.

::

    中国共产党的最高领导机关是？
    A. 全国代表大会和它所产生的中央委员会
    B. 中央政治局
    ANSWER: A

Beyond Moodle: the question text may run over several lines (before the first option),
``answer:`` and a full-width colon are accepted, options must be lettered A, B, C… in order,
and a question left without its ANSWER line at the end of the file is an error (Moodle drops it
without a word).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from bot.module_formats.model import FormatError, Module, Option, Parsed, Problem, Question

_OPTION = re.compile(r"^([A-Z])[.)]\s*(.*)$")
ANSWER = re.compile(r"^ANSWER\s*[:：]\s*(.*)$", re.IGNORECASE)  # Moodle reads the first letter


@dataclass
class _Open:
    """The question being read."""

    line: int
    stem: list[str]
    options: list[tuple[str, str]] = field(default_factory=list)
    last: int = 0  # its last line so far
    broken: bool = False  # an error was already reported for it


def parse(text: str, *, title: str) -> Parsed:
    """Parse Aiken text into one module named ``title``.

    Raises:
        FormatError: every malformed question, by line.
    """
    questions: list[Question] = []
    errors: list[Problem] = []
    current: _Open | None = None
    for number, raw in enumerate(text.split("\n"), 1):
        line = raw.strip()
        if len(line.encode("utf-8")) < 2:  # Moodle skips blank and one-byte lines
            continue
        option, final = _OPTION.match(line), ANSWER.match(line)
        if final:
            if current is None:
                errors.append(Problem(number, "aiken.not_started"))
                continue
            question, problem = _finish(current, number, final.group(1)[:1].upper())
            if problem:
                errors.append(problem)
            elif question and not current.broken:
                questions.append(question)
            current = None
        elif option:
            if current is None:
                errors.append(Problem(number, "aiken.not_started"))
                continue
            letter, choice = option.group(1), option.group(2).strip()
            if letter != chr(ord("A") + len(current.options)) and not current.broken:
                errors.append(Problem(number, "aiken.letter_order", {"letter": letter}))
                current.broken = True
            if not choice and not current.broken:
                errors.append(Problem(number, "aiken.empty_option"))
                current.broken = True
            current.options.append((letter, choice))
            current.last = number
        elif current is not None and not current.options:
            current.stem.append(line)  # the question text goes on
            current.last = number
        else:
            if current is not None and not current.broken:
                errors.append(Problem(number, "aiken.unfinished"))
            current = _Open(number, [line], last=number)
    if current is not None and not current.broken:
        errors.append(Problem(current.last, "aiken.no_answer"))
    if errors:
        raise FormatError(errors)
    if not questions:
        raise FormatError([Problem(0, "format.no_questions")])
    return Parsed([Module(title, tuple(questions))])


def _finish(current: _Open, line: int, answer: str) -> tuple[Question | None, Problem | None]:
    """The question an ANSWER line completes, or what is wrong with it."""
    if current.broken:
        return None, None
    if len(current.options) < 2:
        return None, Problem(line, "aiken.few_options")
    if answer not in {letter for letter, _ in current.options}:
        return None, Problem(line, "aiken.bad_answer", {"letter": answer})
    options = tuple(Option(text, letter == answer) for letter, text in current.options)
    return Question(" ".join(current.stem), options, line=current.line), None
