"""The Aiken format: a question line, lettered options, then ``ANSWER: <letter>``.

::

    中国共产党的最高领导机关是？
    A. 全国代表大会和它所产生的中央委员会
    B. 中央政治局
    ANSWER: A
"""

from __future__ import annotations

import re

from bot.module_formats.model import FormatError, Module, Option, Parsed, Problem, Question

_OPTION = re.compile(r"^([A-Z])[.)]\s*(.+)$")
_ANSWER = re.compile(r"^ANSWER\s*[:：]\s*([A-Z])\s*$", re.IGNORECASE)


def _question(lines: list[tuple[int, str]]) -> tuple[Question | None, Problem | None]:
    start = lines[0][0]
    stem: list[str] = []
    options: list[tuple[str, str]] = []
    answer = None
    for number, line in lines:
        option, final = _OPTION.match(line), _ANSWER.match(line)
        if answer is not None:
            return None, Problem(number, "aiken.after_answer")
        if final:
            answer = final.group(1).upper()
        elif option and (options or stem):
            letter = option.group(1)
            if letter != chr(ord("A") + len(options)):
                return None, Problem(number, "aiken.letter_order", {"letter": letter})
            options.append((letter, option.group(2).strip()))
        elif options:
            return None, Problem(number, "aiken.stray_line")
        else:
            stem.append(line)
    if answer is None:
        return None, Problem(lines[-1][0], "aiken.no_answer")
    if len(options) < 2:
        return None, Problem(start, "aiken.few_options")
    if answer not in {letter for letter, _ in options}:
        return None, Problem(lines[-1][0], "aiken.bad_answer", {"letter": answer})
    choices = tuple(Option(text, letter == answer) for letter, text in options)
    return Question(" ".join(stem), choices, line=start), None


def parse(text: str, *, title: str) -> Parsed:
    """Parse Aiken text into one module named ``title``.

    Raises:
        FormatError: every malformed question, by line.
    """
    groups: list[list[tuple[int, str]]] = [[]]
    for number, raw in enumerate(text.split("\n"), 1):
        if raw.strip():
            groups[-1].append((number, raw.strip()))
        elif groups[-1]:
            groups.append([])
    questions, errors = [], []
    for group in (g for g in groups if g):
        question, problem = _question(group)
        if problem:
            errors.append(problem)
        elif question:
            questions.append(question)
    if errors:
        raise FormatError(errors)
    if not questions:
        raise FormatError([Problem(0, "format.no_questions")])
    return Parsed([Module(title, tuple(questions))])
