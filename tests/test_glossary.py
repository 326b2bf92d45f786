"""The Chinese catalog speaks the glossary: no term ``docs/GLOSSARY.md`` retires is shown.

The retired terms are read from the glossary's "retired (zh)" columns, so a term retired there
is kept out of ``zh.po`` here. A bare term is refused everywhere; a term the glossary retires
only in some sense (its cell carries a qualifier in parentheses) is refused by a pattern in
``QUALIFIED`` that lets its legitimate compounds through.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.i18n import load_catalog

ROOT = Path(__file__).resolve().parent.parent
GLOSSARY = ROOT / "docs" / "GLOSSARY.md"
ZH = load_catalog(ROOT / "bot" / "i18n" / "zh.po")

# A retired cell with a qualifier (or a rule rather than a word) → what it refuses.
QUALIFIED = {
    # 上级党组织 and the compounds 组织码, 组织生活会, 组织委员, 组织汇总 are the organisation's
    # own terms; 组织 alone is not.
    "组织 (alone)": r"(?<!党)组织(?!码|生活会|委员|汇总)",
    # The bot's role is 支部管理员; 书记 is one elected post, which no message names.
    "书记 (for the role)": r"书记",
    # 支委会 names the committee and 支委委员 a person on it.
    "支委 (alone, for a person)": r"支委(?!会|委员)",
    # 管理员 is the branch admin (支部管理员), a Telegram group administrator (群管理员) or
    # Telegram's anonymous one (匿名管理员); operators are 运维人员.
    "管理员 (for operators)": r"(?<!支部)(?<!群)(?<!匿名)管理员",
    # A figure of points carries 分: every number on a line about 积分, and {points}.
    "积分 (bare number)": r"积分[^\n]*?\{\w+\}(?! 分)|\{points\}(?! 分)",
    # A roll's counts name the excused: a line counting 应到 {…} also counts 请假.
    "a count without 请假": r"(?m)^(?=[^\n]*应到 \{)(?![^\n]*请假)[^\n]*$",
}
# Plain retired terms that are part of a kept one: 成员 of a Telegram group (群成员), 评议 of
# 民主评议.
COMPOUNDS = {"成员": r"(?<!群)成员", "评议": r"(?<!民主)评议"}


def retired_cells() -> list[str]:
    """Every entry of every "retired (zh)" column, qualifiers kept, "—" left out."""
    cells: list[str] = []
    column = None
    for line in GLOSSARY.read_text(encoding="utf-8").splitlines():
        if not line.startswith("|"):
            column = None
            continue
        row = [cell.strip() for cell in line.strip("|").split("|")]
        if "retired (zh)" in row:
            column = row.index("retired (zh)")
        elif column is not None and not set(line) <= set("|- "):
            # Commas part the entries, but not inside a qualifier: "支委 (alone, for a person)".
            cells += [e.strip() for e in re.split(r",(?![^()]*\))", row[column])]
    return [entry for entry in cells if entry and entry != "—"]


def patterns() -> dict[str, str]:
    """Each retired entry and the pattern that finds it in a text."""
    found = {}
    for entry in retired_cells():
        if entry in QUALIFIED:
            found[entry] = QUALIFIED[entry]
        else:
            assert re.fullmatch(r"[\u4e00-\u9fff]+", entry), (
                f"the glossary retires {entry!r} in a sense: QUALIFIED needs its pattern"
            )
            found[entry] = COMPOUNDS.get(entry, re.escape(entry))
    return found


def test_the_glossary_is_read():
    """The parse finds the tables: some plain terms and every qualified entry."""
    found = patterns()
    assert {"点名", "模块", "测验", "驳回", "法定人数", "周报", "登记已在线下召开"} <= set(found)
    assert set(QUALIFIED) <= set(found)


@pytest.mark.parametrize(("entry", "pattern"), sorted(patterns().items()))
def test_no_retired_term_in_the_chinese_catalog(entry, pattern):
    shown = {
        key: match.group(0) for key, text in ZH.items() if (match := re.search(pattern, text))
    }
    assert not shown, f"retired {entry!r} in zh.po: {shown}"


def test_chinese_quotes_and_whole_file_problems():
    """“” quotes, not 「」; a problem of a whole file has no line number."""
    for key, text in ZH.items():
        assert "「" not in text, key
        assert "」" not in text, key
        assert "第 0 行" not in text, key
