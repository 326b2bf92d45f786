r"""Moodle's GIFT format, read the way Moodle's importer reads it.

``$CATEGORY`` makes one module per category. Questions are separated by blank lines (a blank
line inside ``{…}`` ends the question there, as in Moodle); ``//`` lines are comments wherever
they stand. Supported: ``{=right ~wrong}`` with ``#feedback`` per answer and ``####general
feedback`` (the explanation), ``%weights%`` (without ``=``, the answers with a positive weight
are the right ones and must add up to 100%), ``{T}``/``{FALSE#wrong feedback#right feedback}``,
``::title::``, ``[html]``-style format tags (``[html]`` text as plain text), ``\`` escapes,
and a blank ``_____`` where the answers sit mid-sentence. Essay, numeric, matching and
short-answer questions are skipped with a warning; anything malformed is an error naming its
line.

Where branchbot differs from Moodle on purpose (README, "Study modules"): only full-credit
answers are right in a single-answer question (no partial credit); a single-answer question
with several full-credit answers is skipped; ``{t}``/``{true}`` in any case are true/false.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from html.parser import HTMLParser

from bot.module_formats.model import FormatError, Module, Option, Parsed, Problem, Question

_CATEGORY = re.compile(r"^\$CATEGORY:\s*(.*)$")
# Moodle recognises these four format names, in lower case only.
_FORMAT_TAG = re.compile(r"^\[(html|moodle|plain|markdown)\]")
# Moodle's answer weight: one or two digits, an optional fraction (so %100% and %33.333%).
_WEIGHT = re.compile(r"^%(-*\d{1,2}\.?\d*)%")
_TRUE_FALSE = ("T", "TRUE", "F", "FALSE")
BLANK = "_____"

# An escaped control character is replaced by two private-use characters (a mark and the
# character's stand-in) so that offsets, and so line numbers, stay those of the source text.
_MARK = "\ue000"
_STAND_IN = {c: chr(0xE100 + ord(c)) for c in "\\:#={}~n"}
_RESTORE = {ord(v): ("\n" if k == "n" else k) for k, v in _STAND_IN.items()} | {ord(_MARK): None}


def _protect(text: str) -> str:
    r"""The text with its escapes as inert stand-ins of the same length.

    The escapes are Moodle's: ``\~``, ``\=``, ``\#``, ``\{``, ``\}``, ``\:``, ``\\`` and
    ``\n``.
    """
    out, i = [], 0
    while i < len(text):
        char = text[i]
        if char == "\\" and i + 1 < len(text) and text[i + 1] in _STAND_IN:
            out += [_MARK, _STAND_IN[text[i + 1]]]
            i += 2
        else:
            out.append(char)
            i += 1
    return "".join(out)


# Elements that start a new line where they open or close, and those that leave a blank line.
_PARAGRAPH_TAGS = frozenset(
    {"p", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "table", "ul", "ol", "dl"}
)
_LINE_TAGS = _PARAGRAPH_TAGS | {
    "address", "article", "aside", "dd", "div", "dt", "figcaption", "figure", "footer",
    "form", "header", "hr", "li", "main", "nav", "section", "td", "th", "tr",
}  # fmt: skip
# Where a block opens or closes: a line break, or a blank line after a paragraph; breaks in a
# row (with only white space between) count once, the strongest.
_SOFT, _PARAGRAPH = "\x1e", "\x1f"
_BREAKS = re.compile("[ \t]*([\x1e\x1f][ \t\x1e\x1f]*)")
_HIDDEN_TAGS = frozenset({"script", "style", "head", "title"})


class _PlainText(HTMLParser):
    """HTML as the plain text a browser shows of it (a quiz poll and a message are plain)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.hidden = 0
        self.pre = 0
        self.links: list[tuple[str | None, int]] = []  # open <a>: its address, where it began

    def _break(self, tag: str) -> None:
        self.out.append(_PARAGRAPH if tag in _PARAGRAPH_TAGS else _SOFT)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _HIDDEN_TAGS:
            self.hidden += 1
        elif tag == "br":
            self.out.append("\n")
        elif tag == "a":
            self.links.append((dict(attrs).get("href"), len(self.out)))
        elif tag in _LINE_TAGS:
            self._break(tag)
            self.pre += tag == "pre"

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "br" or tag in _LINE_TAGS:
            self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if tag in _HIDDEN_TAGS:
            self.hidden = max(self.hidden - 1, 0)
        elif tag == "a" and self.links:
            # The address stays, after the link's text: it may be what the question is about.
            href, begun = self.links.pop()
            if href and href.strip() not in "".join(self.out[begun:]):
                self.out.append(f" ({href.strip()})")
        elif tag in _LINE_TAGS:
            self.pre -= tag == "pre" and self.pre > 0
            self._break(tag)

    def handle_data(self, data: str) -> None:
        if self.hidden:
            return
        # Outside <pre>, any run of white space (line breaks of the source too) is one space.
        self.out.append(data if self.pre else re.sub(r"[ \t\r\n\f]+", " ", data))

    def text(self) -> str:
        self.close()
        text = _BREAKS.sub(
            lambda m: "\n\n" if _PARAGRAPH in m.group(1) else "\n", "".join(self.out)
        )
        lines = [line.strip(" \t\xa0") for line in text.split("\n")]
        return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def html_to_text(html: str) -> str:
    """``[html]`` text as plain text: tags gone, entities decoded, white space tidied."""
    parser = _PlainText()
    parser.feed(html)
    return parser.text()


def _format_of(piece: str, default: str = "moodle") -> str:
    """The format named by the piece's leading tag, else ``default`` (Moodle's rule)."""
    tag = _FORMAT_TAG.match(piece.strip())
    return tag.group(1) if tag else default


def _clean(piece: str, *, trim_first: bool = True, default: str = "moodle") -> str:
    """A piece of text as shown: without its leading format tag, escapes resolved, trimmed.

    ``[html]`` text (by its own tag, else by ``default``, the question's format as Moodle
    applies it to the answers and feedback) becomes plain text; other formats keep their text.
    """
    if trim_first:
        piece = piece.strip()
    fmt = _format_of(piece, default)
    text = _FORMAT_TAG.sub("", piece, count=1).translate(_RESTORE).strip()
    return html_to_text(text) if fmt == "html" else text


@dataclass
class _Block:
    lines: list[tuple[int, str]]  # (line number, trimmed text), comments left out
    category: str | None


def _module_title(path: str) -> str | None:
    """The last part of a category path, without Moodle's ``$course$/top/`` context prefix."""
    parts = [p.strip() for p in path.split("/")]
    if parts and re.fullmatch(r"\$\w+\$", parts[0]):
        parts = parts[1:]
        if parts and parts[0] == "top":
            parts = parts[1:]
    return next((p for p in reversed(parts) if p), None)


def _blocks(text: str) -> list[_Block]:
    """Questions as blocks of lines, split at every blank line, with their category."""
    blocks: list[_Block] = []
    lines: list[tuple[int, str]] = []
    category: str | None = None
    for number, raw in enumerate(text.split("\n"), 1):
        line = raw.strip()
        if line.startswith("//"):
            continue
        header = _CATEGORY.match(line)
        if not line or header:
            if lines:
                blocks.append(_Block(lines, category))
                lines = []
            if header:
                category = _module_title(header.group(1))
            continue
        lines.append((number, line))
    if lines:
        blocks.append(_Block(lines, category))
    return blocks


@dataclass
class _Result:
    question: Question | None = None
    errors: tuple[Problem, ...] = ()
    warning: Problem | None = None


def _skipped(line: int, kind: str) -> _Result:
    return _Result(warning=Problem(line, "gift.unsupported", {"kind": kind}))


class _Source:
    """One block's text (escapes protected) and the source line of any offset in it."""

    def __init__(self, block: _Block) -> None:
        self.numbers = [number for number, _ in block.lines]
        self.starts, offset = [], 0
        for _, line in block.lines:
            self.starts.append(offset)
            offset += len(line) + 1
        self.text = _protect("\n".join(line for _, line in block.lines))

    def line(self, offset: int) -> int:
        return self.numbers[bisect_right(self.starts, offset) - 1]


def _braces(source: _Source, begin: int) -> tuple[int, int] | Problem | None:
    """The offsets of the answers' ``{`` and ``}``; None without answers; or the problem."""
    text = source.text
    opening, closing = text.find("{", begin), text.find("}", begin)
    if opening < 0 and closing < 0:
        return None
    if closing >= 0 and (opening < 0 or closing < opening):
        return Problem(source.line(closing), "gift.unopened")
    if closing < 0 or text.find("{", opening + 1, closing) >= 0:
        return Problem(source.line(opening), "gift.unclosed")
    again, stray = text.find("{", closing + 1), text.find("}", closing + 1)
    if again >= 0 and (stray < 0 or again < stray):
        return Problem(source.line(again), "gift.second_answers")
    if stray >= 0:
        return Problem(source.line(stray), "gift.unopened")
    return opening, closing


def _true_false(stem: str, body: str, explanation: str | None, start: int, fmt: str) -> Question:
    """``T#feedback when wrong#feedback when right``, Moodle's order."""
    bits = body.split("#", 2)
    truth = bits[0].strip().upper().startswith("T")
    wrong = (_clean(bits[1], default=fmt) if len(bits) > 1 else "") or None
    right = (_clean(bits[2], default=fmt) if len(bits) > 2 else "") or None
    options = (
        Option("True", truth, right if truth else wrong),
        Option("False", not truth, wrong if truth else right),
    )
    return Question(stem, options, explanation, start)


def _choice(
    source: _Source,
    body: int,
    end: int,
    stem: str,
    explanation: str | None,
    start: int,
    fmt: str,
) -> _Result:
    """A multiple-choice body between offsets ``body`` and ``end`` of the source."""
    text = source.text[body:end]
    single = "=" in text  # Moodle: any "=" makes it a single-answer question
    marks = [m.start() for m in re.finditer("[~=]", text)]
    head = _clean(text[: marks[0]] if marks else text)  # a lone format tag is no answer
    if head:
        problem = Problem(source.line(body), "gift.bad_answer", {"text": head[:40]})
        return _Result(errors=(problem,))
    errors: list[Problem] = []
    options: list[tuple[str, float, str | None]] = []
    for here, after in zip(marks, [*marks[1:], len(text)], strict=True):
        line = source.line(body + here)
        content = text[here + 1 : after].strip()
        weight = 100.0
        if text[here] == "~":
            match = _WEIGHT.match(content)
            weight = 0.0
            if match:
                content = content[match.end() :]
                try:
                    weight = float(match.group(1))
                except ValueError:
                    weight = float("nan")
                if not -100 <= weight <= 100:
                    errors.append(Problem(line, "gift.bad_weight", {"weight": match.group(1)}))
        answer, _, feedback = content.partition("#")
        answer = _clean(answer, default=fmt)
        if not answer:
            errors.append(Problem(line, "gift.empty_answer"))
        options.append((answer, weight, _clean(feedback, default=fmt) or None))
    if errors:
        return _Result(errors=tuple(errors))
    if len(options) < 2:
        return _Result(errors=(Problem(start, "gift.few_options"),))
    if single:
        right = [weight == 100 for _, weight, _ in options]
        if sum(right) > 1:
            return _Result(warning=Problem(start, "gift.any_of"))
    else:
        total = sum(weight for _, weight, _ in options if weight > 0)
        if total <= 0:
            return _Result(errors=(Problem(start, "gift.no_correct"),))
        if round(total / 100, 2) != 1:
            shown = f"{round(total / 100, 2) * 100:g}"
            return _Result(errors=(Problem(start, "gift.weights_sum", {"total": shown}),))
        right = [weight > 0 for _, weight, _ in options]
    choices = tuple(
        Option(answer, ok, feedback)
        for (answer, _, feedback), ok in zip(options, right, strict=True)
    )
    return _Result(Question(stem, choices, explanation, start))


def _question(block: _Block) -> _Result:
    source = _Source(block)
    text, start = source.text, block.lines[0][0]
    begin = 0
    if text.startswith("::"):  # the title, which branchbot does not keep
        end = text.find("::", 2)
        begin = end + 2 if end >= 0 else 2
    braces = _braces(source, begin)
    if braces is None:
        return _skipped(start, "description")
    if isinstance(braces, Problem):
        return _Result(errors=(braces,))
    opening, closing = braces
    after = text[closing + 1 :]
    fmt = _format_of(text[begin:opening])  # the answers' and feedback's format unless tagged
    stem = _clean(text[begin:opening] + (BLANK + after if after else ""))
    body_start = opening + 1
    body_end = closing
    body = text[body_start:body_end]
    explanation = None
    general = body.rfind("####")
    if general >= 0:
        explanation = _clean(body[general + 4 :], trim_first=False, default=fmt) or None
        body_end = body_start + general
        body = body[:general]
    body = body.strip()
    if not body:
        return _skipped(start, "essay")
    if body.startswith("#"):
        return _skipped(start, "numeric")
    kind = "choice" if "~" in body else None
    if kind is None and "=" in body and "->" in body:
        return _skipped(start, "matching")
    if kind is None:
        hash_at = body.find("#")
        check = body[:hash_at].strip() if hash_at > 0 else body
        if check.upper() not in _TRUE_FALSE:  # Moodle accepts upper case only
            return _skipped(start, "short_answer")
        kind = "true_false"
    if not stem:
        return _Result(errors=(Problem(start, "gift.no_text"),))
    if kind == "true_false":
        return _Result(_true_false(stem, body, explanation, start, fmt))
    return _choice(source, body_start, body_end, stem, explanation, start, fmt)


def parse(text: str, *, default_title: str) -> Parsed:
    """Parse GIFT text into one module per category (``default_title`` before any).

    Raises:
        FormatError: every malformed question, by line.
    """
    errors: list[Problem] = []
    warnings: list[Problem] = []
    grouped: dict[str, list[Question]] = {}
    for block in _blocks(text):
        result = _question(block)
        errors.extend(result.errors)
        if result.warning:
            warnings.append(result.warning)
        if result.question:
            grouped.setdefault(block.category or default_title, []).append(result.question)
    if errors:
        raise FormatError(sorted(errors, key=lambda p: p.line))
    if not grouped:
        raise FormatError([Problem(0, "format.no_questions")])
    modules = [Module(title, tuple(questions)) for title, questions in grouped.items()]
    return Parsed(modules, warnings)
