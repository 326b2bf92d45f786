"""Both catalogs translate every key the code uses, with the same fields."""

from __future__ import annotations

import ast
import itertools
import re
import string
from pathlib import Path

from bot.commands import COMMANDS, Access
from bot.config import CADENCES, MEETING_TYPES
from bot.i18n import Translator, language_of
from bot.meeting_flow import REMINDERS, REPEATS
from bot.meetings import ATTENDANCE_STATUSES, CheckinResult
from bot.members import ROLES
from bot.reports import EXPORT_FILES
from handlers.views.participation import NAMES_PER_LINE, grouped_names

ROOT = Path(__file__).resolve().parents[1]
KEY_LITERAL = re.compile(r"""["']([a-z_]+\.[a-z_]+)["']""")
# Joins that are not words for a reader: lists of codes one types, a config error for the
# operator, a log line.
NOT_FOR_READERS = {
    ("bot/meetings.py", "', '.join(MEETING_TYPES)"),
    ("bot/config.py", "', '.join(LANGUAGES)"),
    ("bot/config.py", "', '.join(CADENCES)"),
    ("handlers/outbound/errors.py", "', '.join(kinds)"),
}


def fields(text):
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def used_keys():
    keys = set()
    for folder in ("bot", "handlers"):
        for path in (ROOT / folder).rglob("*.py"):
            keys |= set(KEY_LITERAL.findall(path.read_text(encoding="utf-8")))
    keys |= {spec.summary_key for spec in COMMANDS}
    keys |= {f"role.{role}" for role in ROLES}
    keys |= {f"access.{level.name.lower()}" for level in Access if level > Access.MEMBER}
    # Keys built from a value at run time, family by family.
    keys |= {f"type.{kind}" for kind in MEETING_TYPES}
    keys |= {f"period.{cadence}" for cadence in CADENCES if cadence != "none"}
    keys |= {f"compliance.{state}" for state in ("held", "due", "overdue")}
    keys |= {f"attendance.{status}" for status in ATTENDANCE_STATUSES}
    keys |= {f"roll.{status}" for status in (*ATTENDANCE_STATUSES, "pending")}
    keys |= {f"roll.quorum_{state}" for state in ("met", "not_met", "unknown")}
    keys |= {f"checkin.{result.value}" for result in CheckinResult}
    keys |= {f"leave.already_{status}" for status in ("approved", "declined")}
    keys |= {
        f"leave.{outcome}{suffix}"
        for outcome in ("approved", "declined")
        for suffix in ("", "_toast")
    }
    keys |= {f"weekday.{day}" for day in range(7)}
    keys |= {
        f"kind.{kind}" for kind in ("description", "essay", "numeric", "matching", "short_answer")
    }
    keys |= {f"repeat.{name}" for name in REPEATS}
    keys |= {f"remind.{index}" for index in range(len(REMINDERS))}
    keys |= {f"flow.{step}" for step in ("day", "at", "repeat", "remind")}
    return keys


def test_both_languages_have_the_same_keys_and_fields():
    translate = Translator.load()
    assert translate.keys("zh") == translate.keys("en")
    zh, en = translate._catalogs["zh"], translate._catalogs["en"]  # noqa: SLF001
    for key in en:
        assert fields(zh[key]) == fields(en[key]), key


def test_every_key_the_code_uses_is_translated():
    translate = Translator.load()
    missing = {key for key in used_keys() if key not in translate.keys("en")}
    # Literals shaped like keys that are not catalog keys (module paths and file names).
    missing -= {"bot.app", "bot.cli", "module.txt", *EXPORT_FILES}
    assert missing == set()


def test_command_descriptions_fit_telegram_menus():
    translate = Translator.load()
    for language in ("zh", "en"):
        for spec in COMMANDS:
            assert 1 <= len(translate.words(language)(spec.summary_key)) <= 256


def test_language_codes_map_to_catalogs():
    assert language_of("zh-hans") == "zh"
    assert language_of("zh-TW") == "zh"
    assert language_of("en") == "en"
    assert language_of("ru") == "en"
    assert language_of(None) is None
    assert language_of("") is None


def test_texts_come_only_through_words():
    catalogs = Translator.load()
    assert not callable(catalogs)  # a text is had from one reader's Words
    assert catalogs.words("zh") is catalogs.words("zh")
    assert catalogs.words("en").language == "en"


def test_lists_are_punctuated_by_the_catalogs():
    catalogs = Translator.load()
    zh, en = catalogs.words("zh"), catalogs.words("en")
    assert zh.join(["李四", "王五"]) == "李四、王五"
    assert en.join(["Li", "Wang"]) == "Li, Wang"
    assert zh("list.labelled", head="#1", items="李四") == "#1：李四"
    assert en("list.labelled", head="#1", items="Li") == "#1: Li"
    assert zh.join(["支部委员会", "题目"], "list.parts") == "支部委员会 · 题目"
    assert zh.none == en.none == "—"


def test_names_are_grouped_in_the_readers_punctuation():
    catalogs = Translator.load()
    pairs = [("#1", "李四"), ("#2", "Zhang"), ("#1", "王五")]
    assert grouped_names(catalogs.words("zh"), pairs) == ["#1：李四、王五", "#2：Zhang"]
    assert grouped_names(catalogs.words("en"), pairs) == ["#1: 李四, 王五", "#2: Zhang"]
    many = [("#3", f"m{n}") for n in range(NAMES_PER_LINE + 1)]
    assert grouped_names(catalogs.words("en"), many)[1] == f"  m{NAMES_PER_LINE}"


def _reads_input(tree):
    """The patterns handed to ``re``: they read what people type, they write nothing."""
    return {
        id(node.args[0])
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and isinstance(node.func.value, ast.Name)
        and node.func.value.id == "re"
        and node.args
    }


def written_punctuation(tree):
    """(line, code) of joins with ``", "`` or a non-ASCII separator, and of texts with ：、."""
    patterns = _reads_input(tree)
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "join"
            and isinstance(node.func.value, ast.Constant)
            and isinstance(node.func.value.value, str)
        ):
            separator = node.func.value.value
            if separator == ", " or not separator.isascii():
                yield node.lineno, ast.unparse(node)
        elif (
            isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and ("：" in node.value or "、" in node.value)
            and id(node) not in patterns
        ):
            yield node.lineno, node.value


def test_no_punctuation_for_readers_is_written_in_code():
    found = []
    for folder in ("bot", "handlers"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            name = path.relative_to(ROOT).as_posix()
            tree = ast.parse(path.read_text(encoding="utf-8"))
            found += [
                (name, line, code)
                for line, code in written_punctuation(tree)
                if (name, code) not in NOT_FOR_READERS
            ]
    assert found == []


def glossary_meeting_types() -> dict[str, str]:
    """The Meetings table of ``docs/GLOSSARY.md``: each type's argument word → its English."""
    lines = (ROOT / "docs" / "GLOSSARY.md").read_text(encoding="utf-8").splitlines()
    after = lines[lines.index("## Meetings (三会一课 and others)") + 1 :]
    start = next(i for i, line in enumerate(after) if line.startswith("|"))
    table = itertools.takewhile(lambda line: line.startswith("|"), after[start:])
    rows = [
        [cell.strip() for cell in line.strip("|").split("|")]
        for line in table
        if not set(line) <= set("|- ")
    ]
    head = rows[0]
    english, arguments = head.index("English"), head.index("argument words")
    return {
        word: row[english]
        for row in rows[1:]
        for word in (w.strip() for w in row[arguments].split(","))
        if word in MEETING_TYPES
    }


def test_english_meeting_types_are_the_glossarys():
    """Each meeting type is named in English as the glossary's English column has it."""
    en = Translator.load().words("en")
    glossary = glossary_meeting_types()
    assert set(glossary) == set(MEETING_TYPES)
    assert {code: en(f"type.{code}") for code in MEETING_TYPES} == glossary


def test_english_has_no_parenthesised_plurals():
    """A count is worded to read right for 1 and for many: no "day(s)"."""
    en = Translator.load()._catalogs["en"]  # noqa: SLF001
    assert {key: text for key, text in en.items() if "(s)" in text or "(es)" in text} == {}
