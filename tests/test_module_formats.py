"""Module files: the native TOML format, GIFT and Aiken, with Chinese text throughout, every
supported construct, every error kind with its line, and random input."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.i18n import Translator
from bot.module_formats import FormatError, Option, Question, parse_module_file

DATA = Path(__file__).with_name("data")
EXAMPLE = Path(__file__).resolve().parents[1] / "docs" / "module-example.toml"


def parse(name, text):
    return parse_module_file(name, text.encode("utf-8"))


def errors(name, text):
    with pytest.raises(FormatError) as caught:
        parse(name, text)
    return [(p.line, p.key) for p in caught.value.problems]


# -- GIFT -----------------------------------------------------------------------------------


def test_gift_file_with_every_supported_construct():
    parsed = parse_module_file("题库.gift", (DATA / "study.gift").read_bytes())
    assert [m.title for m in parsed.modules] == ["党章学习", "党史学习"]
    age, probation, organ, rights = parsed.modules[0].questions
    assert age.text == "年满多少岁的先进分子可以申请入党？"
    assert [o.text for o in age.options] == ["十六岁", "十八岁", "二十岁"]
    assert age.correct == (1,)
    assert age.options[0].feedback == "太小了"
    assert age.explanation == "党章第一章第一条规定：年满十八岁。"
    assert age.line == 4
    assert probation.correct == (0,)
    assert [o.text for o in probation.options] == ["True", "False"]
    assert organ.text.endswith("它所产生的 _____ 。")
    assert organ.correct == (0,)
    assert rights.correct == (0, 1)  # positive weights are right answers
    founding, escaped = parsed.modules[1].questions
    assert founding.correct == (0,)
    assert escaped.text == "转义示例：1 = 1 是否成立？"
    kinds = [(w.line, w.params["kind"]) for w in parsed.warnings]
    assert kinds == [(28, "essay"), (30, "numeric"), (32, "matching"), (34, "short_answer")]
    assert all(q.poll_ready for m in parsed.modules for q in m.questions)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("题目一{=对 ~错\n\n题目二{=是 ~否}", [(1, "gift.unclosed")]),
        ("题目{~甲 ~乙}", [(1, "gift.no_correct")]),
        ("题目{=甲}x}", [(1, "gift.unopened")]),
        ("{=甲 ~乙}", [(1, "gift.no_text")]),
        ("题目{甲 =乙 ~丙}", [(1, "gift.bad_answer")]),
        ("题目{=甲 ~}", [(1, "gift.empty_answer")]),
        (
            "第一题{=甲 ~乙}\n\n第二题{~丙 ~丁}\n\n第三题{=戊",
            [(3, "gift.no_correct"), (5, "gift.unclosed")],
        ),
        ("// 只有注释\n", [(0, "format.no_questions")]),
    ],
)
def test_gift_errors_name_their_lines(text, expected):
    assert errors("x.gift", text) == expected


def test_gift_skips_only_unsupported_kinds_and_keeps_the_rest():
    parsed = parse("x.txt", "题一{=甲 ~乙}\n\n论述题{}")
    assert len(parsed.modules[0].questions) == 1
    assert [w.key for w in parsed.warnings] == ["gift.unsupported"]


# -- Aiken ----------------------------------------------------------------------------------


def test_aiken_file_with_and_without_a_byte_order_mark():
    for name in ("study.aiken", "study-bom.aiken"):
        parsed = parse_module_file(name, (DATA / name).read_bytes())
        (module,) = parsed.modules
        assert module.title == name.removesuffix(".aiken")
        first, second, third = module.questions
        assert first.text == "中国共产党的最高领导机关是？"
        assert first.correct == (0,)
        assert len(second.options) == 4
        assert second.options[0].text == "党课"
        assert third.correct == (0,)  # full-width colon after ANSWER


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("题目\nA. 甲\nB. 乙", [(3, "aiken.no_answer")]),
        ("题目\nA. 甲\nB. 乙\nANSWER: C", [(4, "aiken.bad_answer")]),
        ("题目\nA. 甲\nANSWER: A", [(1, "aiken.few_options")]),
        ("题目\nA. 甲\nC. 乙\nANSWER: A", [(3, "aiken.letter_order")]),
        ("题目\nA. 甲\nB. 乙\n多余的一行\nANSWER: A", [(4, "aiken.stray_line")]),
        ("题目\nA. 甲\nB. 乙\nANSWER: A\n下一题", [(5, "aiken.after_answer")]),
    ],
)
def test_aiken_errors_name_their_lines(text, expected):
    assert errors("x.aiken", text) == expected


# -- native TOML ----------------------------------------------------------------------------


def test_the_documented_example_module_loads():
    parsed = parse_module_file(EXAMPLE.name, EXAMPLE.read_bytes())
    (module,) = parsed.modules
    assert module.title.startswith("党章学习")
    assert module.links[0].url.startswith("https://")
    age, rights, probation = module.questions
    assert age.correct == (1,)
    assert age.explanation
    assert rights.correct == (0, 1, 3)
    assert rights.options[2].feedback
    assert probation.correct == (0,)


def test_toml_errors_name_the_question_line():
    text = EXAMPLE.read_text(encoding="utf-8").replace("answers = [1, 2, 4]", "answers = [9]")
    assert errors("x.toml", text) == [(21, "toml.field")]  # the question's header
    assert errors("x.toml", "[[modules]\n")[0] == (1, "toml.syntax")
    assert errors("x.toml", 'title = "没有 modules"') == [(0, "toml.field")]


def test_unknown_extension_and_bad_encoding():
    assert errors("x.docx", "题目") == [(0, "format.unknown_type")]
    with pytest.raises(FormatError) as caught:
        parse_module_file("x.gift", "题目{=对 ~错}\n".encode() + b"\xff\xfe")
    assert [(p.line, p.key) for p in caught.value.problems] == [(2, "format.not_utf8")]


# -- poll limits ------------------------------------------------------------------------------


def question(text="题", options=("甲", "乙"), explanation=None):
    return Question(text, tuple(Option(o, i == 0) for i, o in enumerate(options)), explanation)


@pytest.mark.parametrize(
    ("item", "ready"),
    [
        (question(), True),
        (question(text="长" * 300), True),
        (question(text="长" * 301), False),
        (question(options=("甲",)), False),
        (question(options=tuple(str(n) for n in range(12))), True),
        (question(options=tuple(str(n) for n in range(13))), False),
        (question(options=("甲" * 100, "乙")), True),
        (question(options=("甲" * 101, "乙")), False),
        (question(explanation="解" * 200), True),
        (question(explanation="解" * 201), False),
        (question(explanation="一\n二\n三"), True),
        (question(explanation="一\n二\n三\n四"), False),
    ],
)
def test_poll_readiness_follows_telegrams_limits(item, ready):
    assert item.poll_ready is ready


# -- every problem reads in both languages, and random input -----------------------------------


def test_every_problem_key_is_translated():
    translate = Translator.load()
    source = "\n".join(
        p.read_text(encoding="utf-8")
        for p in (Path(__file__).resolve().parents[1] / "bot" / "module_formats").glob("*.py")
    )
    keys = set(re.findall(r'"((?:format|gift|aiken|toml)\.[a-z_]+)"', source))
    assert len(keys) >= 15
    for key in keys:
        params = {"kind": "论述", "letter": "A", "text": "x", "field": "f", "detail": "d"}
        assert translate("zh", key, **params, count=13, limit=12)


@settings(max_examples=300, deadline=None)
@given(
    st.text(alphabet=st.sampled_from(list("{}=~#%:\\$/-> \nABCTF.1题答案")), max_size=200),
    st.sampled_from(["x.gift", "x.aiken", "x.toml"]),
)
def test_random_input_raises_only_the_parsers_own_error(text, name):
    try:
        parsed = parse(name, text)
    except FormatError as error:
        problems = error.problems
    else:
        problems = None
        assert all(m.questions for m in parsed.modules)
    assert problems is None or len(problems) >= 1
