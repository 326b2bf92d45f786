r"""Moodle's GIFT format, with ``$CATEGORY`` making one module per category.

Supported: ``{=right ~wrong}`` (with ``#feedback`` per answer, ``%50%`` weights making several
answers correct, ``####general feedback`` as the explanation), ``{T}``/``{FALSE}``,
``::title::``, ``[html]``-style format tags, ``\\`` escapes, and a blank in the text when the
answers sit mid-sentence. Essay, numeric, matching and short-answer questions are skipped
with a warning; anything malformed is an error with its line.
"""

from __future__ import annotations

import re

from bot.module_formats.model import FormatError, Module, Option, Parsed, Problem, Question

_CATEGORY = re.compile(r"^\$CATEGORY:\s*(.*)$")
_TITLE = re.compile(r"^::(.*?)::", re.DOTALL)
_FORMAT_TAG = re.compile(r"^\[(html|moodle|plain|markdown)\]", re.IGNORECASE)
_WEIGHT = re.compile(r"^%(-?\d+(?:\.\d+)?)%")
_TRUE_FALSE = re.compile(r"^(T|TRUE|F|FALSE)(#.*)?$", re.IGNORECASE | re.DOTALL)
BLANK = "_____"


def _unescape(text: str) -> str:
    return re.sub(r"\\([~=#{}:n\\])", lambda m: "\n" if m.group(1) == "n" else m.group(1), text)


def _split_unescaped(text: str, marks: str) -> list[tuple[str, str]]:
    """Split at unescaped ``marks``: [(mark that opened the piece or '', piece)]."""
    pieces: list[tuple[str, str]] = []
    current, opened, i = "", "", 0
    while i < len(text):
        char = text[i]
        if char == "\\" and i + 1 < len(text):
            current += text[i : i + 2]
            i += 2
            continue
        if char in marks:
            pieces.append((opened, current))
            current, opened = "", char
        else:
            current += char
        i += 1
    pieces.append((opened, current))
    return pieces


def _find_unescaped(text: str, char: str, start: int = 0) -> int:
    i = start
    while i < len(text):
        if text[i] == "\\":
            i += 2
            continue
        if text[i] == char:
            return i
        i += 1
    return -1


def _blocks(text: str) -> tuple[list[tuple[int, str, str | None]], list[Problem]]:
    """Questions as (first line, text, category), split at blank lines outside braces."""
    blocks: list[tuple[int, str, str | None]] = []
    problems: list[Problem] = []
    category: str | None = None
    lines: list[str] = []
    start, depth = 0, 0
    for number, raw in enumerate(text.split("\n"), 1):
        stripped = raw.strip()
        if stripped.startswith("//") and depth == 0:
            continue
        match = _CATEGORY.match(stripped)
        if match and depth == 0:
            if lines:
                blocks.append((start, "\n".join(lines), category))
                lines = []
            category = match.group(1).strip().split("/")[-1] or None
            continue
        if not stripped and depth == 0:
            if lines:
                blocks.append((start, "\n".join(lines), category))
                lines = []
            continue
        if not lines:
            start = number
        lines.append(raw)
        unescaped = re.sub(r"\\.", "", raw)
        depth += unescaped.count("{") - unescaped.count("}")
        if depth < 0:
            problems.append(Problem(number, "gift.unopened"))
            depth = 0
    if lines:
        blocks.append((start, "\n".join(lines), category))
    return blocks, problems


def _answers(body: str, line: int) -> tuple[list[Option], str | None, Problem | None]:
    """Options and explanation of a multiple-choice body, or the problem with it."""
    explanation = None
    general = body.find("####")
    if general >= 0:
        explanation = _unescape(body[general + 4 :].strip()) or None
        body = body[:general]
    options: list[Option] = []
    for mark, piece in _split_unescaped(body, "~="):
        if not mark:
            if piece.strip():
                return [], None, Problem(line, "gift.bad_answer", {"text": piece.strip()[:40]})
            continue
        weight = _WEIGHT.match(piece.strip())
        text = piece.strip()[weight.end() :] if weight else piece.strip()
        parts = _split_unescaped(text, "#")
        answer = _unescape(parts[0][1].strip())
        feedback = _unescape("#".join(p for _, p in parts[1:]).strip()) or None
        correct = mark == "=" or (weight is not None and float(weight.group(1)) > 0)
        if not answer:
            return [], None, Problem(line, "gift.empty_answer")
        options.append(Option(answer, correct, feedback))
    return options, explanation, None


def _question(start: int, block: str) -> tuple[Question | None, Problem | None, Problem | None]:
    """(question, error, warning) for one block."""
    text = block.strip()
    title = _TITLE.match(text)
    if title:
        text = text[title.end() :].strip()
    text = _FORMAT_TAG.sub("", text).strip()
    opening = _find_unescaped(text, "{")
    if opening < 0:
        return None, None, Problem(start, "gift.unsupported", {"kind": "description"})
    closing = _find_unescaped(text, "}", opening + 1)
    if closing < 0:
        return None, Problem(start, "gift.unclosed"), None
    before, body, after = text[:opening], text[opening + 1 : closing].strip(), text[closing + 1 :]
    if _find_unescaped(body, "{") >= 0:
        return None, Problem(start, "gift.unclosed"), None  # it ran into the next question
    body = _FORMAT_TAG.sub("", body).strip()
    stem = _unescape(_FORMAT_TAG.sub("", before).strip())
    if after.strip():
        stem = f"{stem} {BLANK} {_unescape(after.strip())}".strip()
    if not stem:
        return None, Problem(start, "gift.no_text"), None
    if not body:
        return None, None, Problem(start, "gift.unsupported", {"kind": "essay"})
    if body.startswith("#"):
        return None, None, Problem(start, "gift.unsupported", {"kind": "numeric"})
    true_false = _TRUE_FALSE.match(body)
    if true_false:
        truth = true_false.group(1).upper().startswith("T")
        options = (Option("True", truth), Option("False", not truth))
        return Question(stem, options, line=start), None, None
    if "->" in body and "~" not in body:
        return None, None, Problem(start, "gift.unsupported", {"kind": "matching"})
    if "~" not in re.sub(r"\\.", "", body):
        return None, None, Problem(start, "gift.unsupported", {"kind": "short_answer"})
    options, explanation, problem = _answers(body, start)
    if problem:
        return None, problem, None
    if len(options) < 2:
        return None, Problem(start, "gift.few_options"), None
    if not any(option.correct for option in options):
        return None, Problem(start, "gift.no_correct"), None
    return Question(stem, tuple(options), explanation, start), None, None


def parse(text: str, *, default_title: str) -> Parsed:
    """Parse GIFT text into one module per category (``default_title`` before any).

    Raises:
        FormatError: every malformed question, by line.
    """
    blocks, errors = _blocks(text)
    warnings: list[Problem] = []
    grouped: dict[str, list[Question]] = {}
    for start, block, category in blocks:
        question, error, warning = _question(start, block)
        if error:
            errors.append(error)
        if warning:
            warnings.append(warning)
        if question:
            grouped.setdefault(category or default_title, []).append(question)
    if errors:
        raise FormatError(sorted(errors, key=lambda p: p.line))
    if not grouped:
        raise FormatError([Problem(0, "format.no_questions")])
    modules = [Module(title, tuple(questions)) for title, questions in grouped.items()]
    return Parsed(modules, warnings)
