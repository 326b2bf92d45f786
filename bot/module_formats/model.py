"""The one model every module file format parses into, and Telegram's quiz poll limits."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from bot.text import TITLE_MAX, shorten

# Telegram's limits for a quiz poll (Bot API 10.0): a question that breaks one is imported,
# marked not poll-ready, and left out of group quizzes.
POLL_QUESTION_MAX = 300
POLL_OPTION_MAX = 100
POLL_OPTIONS_MIN = 2
POLL_OPTIONS_MAX = 12
EXPLANATION_MAX = 200
EXPLANATION_LINE_FEEDS_MAX = 2
# A question with more options is refused, whatever the format: it fits neither a quiz poll
# nor the private quiz, whose buttons carry a several-answer selection as a 12-bit mask
# (Telegram also takes at most 100 buttons a message). A file holding one is rejected with
# the question's line, so the secretary can split it; nothing is half imported.
QUESTION_OPTIONS_MAX = POLL_OPTIONS_MAX


@dataclass(frozen=True)
class Option:
    """One answer option."""

    text: str
    correct: bool
    feedback: str | None = None


@dataclass(frozen=True)
class Question:
    """A choice question (single or multiple correct answers; true/false is two options)."""

    text: str
    options: tuple[Option, ...]
    explanation: str | None = None
    line: int = 0  # where it starts in the source file

    @property
    def correct(self) -> tuple[int, ...]:
        """Indexes of the correct options."""
        return tuple(i for i, option in enumerate(self.options) if option.correct)

    @property
    def poll_ready(self) -> bool:
        """Whether Telegram accepts it as a native quiz poll."""
        explanation = self.explanation or ""
        return (
            1 <= len(self.text) <= POLL_QUESTION_MAX
            and POLL_OPTIONS_MIN <= len(self.options) <= POLL_OPTIONS_MAX
            and all(1 <= len(o.text) <= POLL_OPTION_MAX for o in self.options)
            and len(explanation) <= EXPLANATION_MAX
            and explanation.count("\n") <= EXPLANATION_LINE_FEEDS_MAX
            and len(self.correct) >= 1
        )


@dataclass(frozen=True)
class Link:
    """A link in a module's material."""

    title: str
    url: str


@dataclass(frozen=True)
class Module:
    """A study unit: title, material and questions."""

    title: str
    questions: tuple[Question, ...]
    summary: str = ""
    material: str = ""
    links: tuple[Link, ...] = ()


@dataclass(frozen=True)
class Problem:
    """Something wrong (or skipped) in a file: its line and a catalog key with parameters."""

    line: int
    key: str
    params: dict[str, object] = field(default_factory=dict)


@dataclass(frozen=True)
class Parsed:
    """What a file holds, and what was skipped."""

    modules: list[Module]
    warnings: list[Problem] = field(default_factory=list)


class FormatError(ValueError):
    """The file cannot be imported; ``problems`` lists every error found, by line."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("; ".join(f"line {p.line}: {p.key} {p.params}" for p in problems))
        self.problems = problems


def decode(data: bytes) -> str:
    """UTF-8 text with or without a byte-order mark, with uniform line ends.

    Raises:
        FormatError: the bytes are not UTF-8.
    """
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise FormatError([Problem(line, "format.not_utf8")]) from None
    return text.replace("\r\n", "\n").replace("\r", "\n")


def within_limits(parsed: Parsed) -> Parsed:
    """``parsed`` as it may be stored: titles over ``TITLE_MAX`` shortened with "…".

    Raises:
        FormatError: a question has more than ``QUESTION_OPTIONS_MAX`` options (each one
            named by its line).
    """
    problems = [
        Problem(
            question.line,
            "format.too_many_options",
            {"count": len(question.options), "limit": QUESTION_OPTIONS_MAX},
        )
        for module in parsed.modules
        for question in module.questions
        if len(question.options) > QUESTION_OPTIONS_MAX
    ]
    if problems:
        raise FormatError(problems)
    modules = [replace(m, title=shorten(m.title, TITLE_MAX)) for m in parsed.modules]
    return replace(parsed, modules=modules)
