"""Parsing and showing a branch's settings (``/settings key=value …``)."""

from __future__ import annotations

import re
import unicodedata
from functools import cache
from zoneinfo import available_timezones

from bot.config import LANGUAGE_WORDS
from bot.errors import UserError
from bot.keywords import Keywords

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_WEEKDAY_NAMES = {
    **{name: index for index, name in enumerate(WEEKDAYS)},
    **{
        name: index
        for index, name in enumerate(
            ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
        )
    },
    **{f"周{c}": index for index, c in enumerate("一二三四五六日")},
    **{f"星期{c}": index for index, c in enumerate("一二三四五六日")},
    "周天": 6,
    "星期天": 6,
}
_TIME = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$", re.ASCII)
OFF = "off"
OFF_WORDS = Keywords({OFF: ("关", "关闭")})
SETTING_WORDS = Keywords(
    {
        "timezone": ("时区",),
        "language": ("语言",),
        "summary": ("小结", "周小结"),
        "checkin": ("签到",),
    }
)


# Invisible formatting characters no one means to type (pasted along with a word): zero-width
# space, word joiner and invisible operators, byte-order mark, soft hyphen, direction marks,
# embeddings, overrides and isolates. The zero-width (non-)joiners U+200C and U+200D stay:
# emoji sequences and some scripts need them.
_UNMEANT = dict.fromkeys(
    [
        0x00AD,
        0x200B,
        0x200E,
        0x200F,
        *range(0x202A, 0x202F),
        *range(0x2060, 0x2065),
        *range(0x2066, 0x206A),
        0xFEFF,
    ]
)


def normalize(text: str) -> str:
    """Command input as meant: NFKC, without unmeant invisible characters or outer spaces.

    NFKC makes full-width digits and punctuation work; zero-width spaces, soft hyphens,
    direction marks and the like (``_UNMEANT``) are dropped wherever they are.
    """
    return unicodedata.normalize("NFKC", text.translate(_UNMEANT)).strip()


# Categories that show nothing: format (zero-width space, joiners, direction marks, BOM),
# control, separators, private use and unassigned.
_INVISIBLE = frozenset({"Cf", "Cc", "Zs", "Zl", "Zp", "Co", "Cn"})
# Code points that show nothing although Unicode files them as letters or symbols.
_BLANKS = frozenset("\u115f\u1160\u3164\uffa0\u2800")

# Names in the zone database that are no place: the host's own zone and tzdata's placeholder.
_NOT_PLACES = frozenset({"localtime", "factory", "posixrules"})


@cache
def _zones() -> dict[str, str]:
    """Every IANA zone name, by its lowercase spelling."""
    return {
        name.lower(): name
        for name in available_timezones()
        if name.lower() not in _NOT_PLACES and not name.startswith(("posix/", "right/"))
    }


def timezone_name(text: str) -> str:
    """The IANA zone a user named (any letter case), as the database spells it.

    Only names of the zone database count: a folder (``Asia``), a path, the host's
    ``localtime`` or tzdata's ``Factory`` are refused before any file is opened.

    Raises:
        ValueError: not a zone name.
    """
    name = _zones().get(text.strip().lower())
    if name is None:
        raise ValueError(text)
    return name


def _invisible(char: str) -> bool:
    return unicodedata.category(char) in _INVISIBLE or char in _BLANKS


def visible(text: str) -> str:
    """Text without invisible characters at its ends: a reason of zero-width spaces is empty.

    Format characters (zero-width spaces and joiners, direction marks, the byte-order mark)
    and other invisible code points do not count as text; inside visible text they stay.
    """
    start, end = 0, len(text)
    while start < end and _invisible(text[start]):
        start += 1
    while end > start and _invisible(text[end - 1]):
        end -= 1
    return text[start:end]


def as_written(text: str) -> str:
    """Free text as its author wrote it: no NFKC, so 全角 punctuation stays “，” not ",".

    Only what shows nothing goes: unmeant invisible characters (``_UNMEANT``) and control
    characters other than line breaks and tabs anywhere, invisible characters at the ends.
    """
    kept = "".join(
        c for c in text.translate(_UNMEANT) if c in "\n\t" or unicodedata.category(c) != "Cc"
    )
    return visible(kept)


def parse_time(text: str) -> str:
    """Parse ``H:MM`` or ``HH:MM`` into ``HH:MM``.

    Raises:
        ValueError: not a time of day.
    """
    match = _TIME.match(text.strip())
    if not match:
        raise ValueError(text)
    return f"{int(match.group(1)):02d}:{match.group(2)}"


def _pairs(text: str) -> list[tuple[str, str]]:
    """Split ``a=1 b=sun 20:00`` into pairs; a word without ``=`` continues the last value."""
    pairs: list[list[str]] = []
    for word in text.split():
        if "=" in word:
            key, _, value = word.partition("=")
            pairs.append([key, value])
        elif pairs:
            pairs[-1][1] = f"{pairs[-1][1]} {word}".strip()
        else:
            raise UserError("settings.usage")
    return [(key, value) for key, value in pairs]


def _language(value: str) -> str:
    language = LANGUAGE_WORDS.code(value)
    if language is None:
        raise ValueError(value)
    return language


def _off(value: str) -> bool:
    return OFF_WORDS.code(value) == OFF


def _summary(value: str) -> dict[str, object]:
    if _off(value):
        return {"summary_weekday": None, "summary_time": None}
    day, _, time = re.sub(r"\s*@\s*|\s+", "@", value.strip(), count=1).partition("@")
    weekday = _WEEKDAY_NAMES.get(day.lower())
    if weekday is None:
        raise ValueError(value)
    return {"summary_weekday": weekday, "summary_time": parse_time(time)}


def parse_settings(text: str) -> dict[str, object]:
    """Turn ``/settings`` arguments into column values; all are checked before any is used.

    Keys and words may be typed in Chinese too (语言=英文, 签到=关): ``SETTING_WORDS``,
    ``LANGUAGE_WORDS``, ``OFF_WORDS`` and the weekday names.

    Raises:
        UserError: ``settings.usage`` for a malformed line, ``settings.bad_value`` naming the
            first unknown key or invalid value, ``settings.twice`` for a key given twice.
    """
    changes: dict[str, object] = {}
    given: set[str] = set()
    for typed, value in _pairs(normalize(text)):
        key = SETTING_WORDS.code(typed)
        if key is None:
            raise UserError(
                "settings.bad_value", usage="settings.usage", setting=typed, value=value
            )
        if key in given:  # two values for one setting: which was meant is anyone's guess
            raise UserError("settings.twice", usage="settings.usage", setting=typed)
        given.add(key)
        try:
            if key == "timezone":
                changes["timezone"] = timezone_name(value)
            elif key == "language":
                changes["language"] = _language(value)
            elif key == "summary":
                changes.update(_summary(value))
            else:
                changes["checkin_time"] = None if _off(value) else parse_time(value)
        except ValueError:
            raise UserError(
                "settings.bad_value", usage="settings.usage", setting=typed, value=value
            ) from None
    return changes
