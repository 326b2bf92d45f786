"""Both catalogs translate every key the code uses, with the same fields."""

from __future__ import annotations

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

ROOT = Path(__file__).resolve().parents[1]
KEY_LITERAL = re.compile(r"""["']([a-z_]+\.[a-z_]+)["']""")


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
            assert 1 <= len(translate(language, spec.summary_key)) <= 256


def test_language_codes_map_to_catalogs():
    assert language_of("zh-hans") == "zh"
    assert language_of("zh-TW") == "zh"
    assert language_of("en") == "en"
    assert language_of("ru") == "en"
    assert language_of(None) is None
    assert language_of("") is None
