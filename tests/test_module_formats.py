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
from tests.test_study import count, send_file

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
    assert organ.text.endswith("它所产生的_____。")  # the blank replaces the answers, as in Moodle
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
        ("题目{\n=甲\n~\n}", [(3, "gift.empty_answer")]),
        ("题目一{=甲 ~乙}\n题目二{=丙 ~丁}", [(2, "gift.second_answers")]),
        ("题目{~%50%甲 ~%30%乙 ~丙}", [(1, "gift.weights_sum")]),
        ("题目{\n~%150%甲\n~乙}", [(2, "gift.bad_weight")]),
        ("题目\n甲}{=乙 ~丙}", [(2, "gift.unopened")]),
        (
            "第一题{=甲 ~乙}\n\n第二题{~丙 ~丁}\n\n第三题{=戊",
            [(3, "gift.no_correct"), (5, "gift.unclosed")],
        ),
        ("// 只有注释\n", [(0, "format.no_questions")]),  # the whole file: no line
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
        ("题目\nA. 甲\nANSWER: A", [(3, "aiken.few_options")]),  # Moodle: the ANSWER line
        ("题目\nA. 甲\nC. 乙\nANSWER: A", [(3, "aiken.letter_order")]),
        ("题目\nA. 甲\nB.\nANSWER: A", [(3, "aiken.empty_option")]),
        # A line that is no option starts the next question, as in Moodle.
        (
            "题目\nA. 甲\nB. 乙\n多余的一行\nANSWER: A",
            [(4, "aiken.unfinished"), (5, "aiken.few_options")],
        ),
        ("题目\nA. 甲\nB. 乙\nANSWER: A\n下一题", [(5, "aiken.no_answer")]),
        ("A. 甲\nB. 乙\nANSWER: A", [(n, "aiken.not_started") for n in (1, 2, 3)]),
    ],
)
def test_aiken_errors_name_their_lines(text, expected):
    assert errors("x.aiken", text) == expected


# -- Moodle's own importer cases ---------------------------------------------------------------
# Moodle is the reference importer for GIFT and Aiken. Each case below is one of Moodle's own
# (moodle/moodle unless named otherwise), mapped onto this model: question text, options, which
# are right, per-option feedback, general feedback as the explanation; a question kind the bot
# does not support is skipped with a warning naming it.
# GIFT cases named "giftformat_test.php::<method>" are from
# moodle/moodle question/format/gift/tests/giftformat_test.php.


def only(text, name="x.gift"):
    """The one question of a GIFT text."""
    (module,) = parse(name, text).modules
    (question,) = module.questions
    return question


def warnings_of(text):
    """(line, key, kind) of each warning, a choice question added so that the file imports."""
    parsed = parse("x.gift", text + "\n\n补充的一道选择题{=对 ~错}")
    return [(w.line, w.key, w.params.get("kind")) for w in parsed.warnings]


@pytest.mark.parametrize(
    ("source", "text", "expected"),
    [
        # giftformat_test.php::test_import_essay
        ("test_import_essay", "\n// essay\n::Q8:: How are you? {}", [(3, "essay")]),
        # giftformat_test.php::test_import_match
        (
            "test_import_match",
            "\n// question: 2  name: Moodle activities\n"
            "::Moodle activities::[html]Match the <b>activity</b> to the description.{\n"
            "    =[html]An activity supporting asynchronous discussions. -> Forum\n"
            "    =[moodle]A teacher asks a question and specifies a choice of multiple "
            "responses. -> Choice\n"
            "    =[plain]A bank of record entries which participants can add to. -> Database\n"
            "    =[markdown]A collection of web pages that anyone can add to or edit. -> Wiki\n"
            "    = -> Chat\n}",
            [(3, "matching")],
        ),
        # giftformat_test.php::test_import_numerical
        (
            "test_import_numerical",
            "\n// math range question\n"
            "::Q5:: What is a number from 1 to 5? {#3:2~#Completely wrong}",
            [(3, "numeric")],
        ),
        # giftformat_test.php::test_import_shortanswer
        (
            "test_import_shortanswer",
            "\n// question: 666  name: Shortanswer\n::Shortanswer::Which is the best animal?{\n"
            "    =Frog#Good!\n    =%50%Cat#What is it with Moodlers and cats?\n"
            "    =%0%*#Completely wrong\n}",
            [(3, "short_answer")],
        ),
        # giftformat_test.php::test_import_shortanswer_with_general_feedback
        (
            "test_import_shortanswer_with_general_feedback",
            "\n// question: 666  name: Shortanswer\n::Shortanswer::Which is the best animal?{\n"
            "    =Frog#Good!\n    =%50%Cat#What is it with Moodlers and cats?\n"
            "    =%0%*#Completely wrong\n    ####[html]Here is some general feedback!\n}",
            [(3, "short_answer")],
        ),
        # giftformat_test.php::test_import_backslash (an essay: skipped)
        (
            "test_import_backslash",
            "\n// essay\n::double backslash:: A \\\\ B \\\\\\\\ C{}",
            [(3, "essay")],
        ),
        # giftformat_test.php::test_import_pre_content (escaped braces stay in the text)
        (
            "test_import_pre_content",
            "\n::Q001::[html]<p>What would running the test method print?</p>\n<pre>\n"
            "    public void test() \\{\n        method1();\n        method2();\n"
            "        method3();\n    \\}\n</pre>\n{}",
            [(2, "essay")],
        ),
        # giftformat_test.php::test_import_question_with_tags ([tag:] and [id:] comments)
        (
            "test_import_question_with_tags",
            "\n// This question is to test importing tags: [tag:tag] [tag:other-tag].\n"
            "// And an idnumber: [id:myid].\n::Question name:: How are you? {}",
            [(4, "essay")],
        ),
    ],
)
def test_moodle_gift_cases_of_unsupported_kinds_are_skipped_by_name(source, text, expected):
    # Source: giftformat_test.php::<source> (each case above). Moodle reads these as essay,
    # match, numerical or shortanswer questions: the bot skips them with a warning naming the
    # kind and the line.
    assert warnings_of(text) == [(line, "gift.unsupported", kind) for line, kind in expected]


def test_moodle_gift_multichoice():
    # Source: giftformat_test.php::test_import_multichoice. Format tags on answers and feedback
    # are dropped ([html] on the feedback, [plain] on the answer), not kept in the text.
    question = only(
        "\n// multiple choice with specified feedback for right and wrong answers\n"
        "::Q2:: What's between orange and green in the spectrum?\n"
        "{\n    =yellow # right; good!\n    ~red # [html]wrong, it's yellow\n"
        "    ~[plain]blue # wrong, it's yellow\n}"
    )
    assert question.text == "What's between orange and green in the spectrum?"
    assert [o.text for o in question.options] == ["yellow", "red", "blue"]
    assert question.correct == (0,)  # single: 'fraction' => (1, 0, 0)
    assert [o.feedback for o in question.options] == [
        "right; good!",
        "wrong, it's yellow",
        "wrong, it's yellow",
    ]
    assert question.explanation is None  # 'generalfeedback' => ''
    assert question.line == 3


def test_moodle_gift_multichoice_multi():
    # Source: giftformat_test.php::test_import_multichoice_multi ('single' => 0, 'fraction' =>
    # (0.5, -1, 0.5, -1)): the answers with a positive weight are the right ones.
    question = only(
        "\n// multiple choice, multiple response with specified feedback for right and wrong "
        "answers\n::colours:: What's between orange and green in the spectrum?\n{\n"
        "    ~%50%yellow # right; good!\n    ~%-100%red # [html]wrong\n"
        "    ~%50%off-beige # right; good!\n    ~%-100%[plain]blue # wrong\n}"
    )
    assert question.text == "What's between orange and green in the spectrum?"
    assert [o.text for o in question.options] == ["yellow", "red", "off-beige", "blue"]
    assert question.correct == (0, 2)
    assert [o.feedback for o in question.options] == [
        "right; good!",
        "wrong",
        "right; good!",
        "wrong",
    ]


def test_moodle_gift_multichoice_multi_tricky():
    # Source: giftformat_test.php::test_import_multichoice_multi_tricky ('fraction' =>
    # (1, -0.5, -0.5)): one answer carries all the weight, so it alone is right.
    question = only(
        "\n// multiple choice, multiple response with specified feedback for right and wrong "
        "answers\n::colours:: What's between orange and green in the spectrum?\n{\n"
        "    ~%100%yellow # right; good!\n    ~%-50%red # wrong\n    ~%-50%blue # wrong\n}"
    )
    assert [o.text for o in question.options] == ["yellow", "red", "blue"]
    assert question.correct == (0,)
    assert [o.feedback for o in question.options] == ["right; good!", "wrong", "wrong"]


def test_moodle_gift_truefalse_feedback_for_the_wrong_and_the_right_answer():
    # Source: giftformat_test.php::test_import_truefalse: {FALSE#wrong#right} gives
    # 'correctanswer' => 0, 'feedbacktrue' => the first text, 'feedbackfalse' => the second.
    question = only(
        "\n// true/false\n::Q1:: 42 is the Absolute Answer to everything.{\n"
        "FALSE#42 is the Ultimate Answer.#You gave the right answer.}"
    )
    assert question.text == "42 is the Absolute Answer to everything."
    true, false = question.options
    assert question.correct == (1,)
    assert (true.text, true.feedback) == ("True", "42 is the Ultimate Answer.")
    assert (false.text, false.feedback) == ("False", "You gave the right answer.")
    assert question.explanation is None


@pytest.mark.parametrize("answer", ["T", "TRUE"])
def test_moodle_gift_truefalse_true(answer):
    # Source: giftformat_test.php::test_import_truefalse_true_answer1 ({T}) and
    # giftformat_test.php::test_import_truefalse_true_answer2 ({TRUE}): 'correctanswer' => 1,
    # no feedback.
    question = only(f"// name 0-11\n::2-08 TSL::TSL is blablabla.{{{answer}}}")
    assert question.text == "TSL is blablabla."
    assert question.correct == (0,)
    assert [o.feedback for o in question.options] == [None, None]
    assert question.line == 2


def test_moodle_gift_backslashes_and_escaped_braces_in_a_choice_question():
    # Source: giftformat_test.php::test_import_backslash ('A \\ B \\\\ C' read as 'A \ B \\ C')
    # and giftformat_test.php::test_import_pre_content (\{ and \} are braces of the text),
    # both essays in Moodle's tests, here with choice answers so that the text is kept. Lines
    # are trimmed, as in Moodle's readquestions.
    assert only("A \\\\ B \\\\\\\\ C{=甲 ~乙}").text == "A \\ B \\\\ C"
    question = only(
        "::Q001::[html]<p>What would running the test method print?</p>\n<pre>\n"
        "    public void test() \\{\n        method1();\n    \\}\n</pre>\n{=1 ~2}"
    )
    # Moodle keeps the HTML ('questiontextformat' => FORMAT_HTML) and renders it; a poll and a
    # message are plain, so the bot shows what Moodle's page shows: the paragraph, then the
    # <pre> lines as lines.
    assert question.text == (
        "What would running the test method print?\n\npublic void test() {\nmethod1();\n}"
    )


def test_html_question_answers_and_feedback_become_plain_text():
    # The example of the issue: a question in Moodle's [html] format, as Moodle's exports write
    # it (compare giftformat_test.php::test_export_match, '::Moodle activities::[html]Match
    # the <b>activity</b> to the description.{'). Moodle stores the HTML and renders it; the
    # bot shows the rendered text. As in Moodle's qformat_gift::parse_text_with_format, the
    # answers and feedback take the question's format unless they carry their own tag
    # (giftformat_test.php::test_import_match: the untagged '= -> Chat' is FORMAT_HTML).
    question = only("::Q1:: [html]<p>Who's buried in Grant's tomb?</p> {=Grant ~nobody}")
    assert question.text == "Who's buried in Grant's tomb?"
    assert [o.text for o in question.options] == ["Grant", "nobody"]
    question = only(
        "[html]Who's <em>buried</em> in Grant&#39;s&nbsp;tomb?<br>Choose &amp; see.{\n"
        "    =<i>Grant</i> # <p>Right:</p><p>his &lt;tomb&gt;</p>\n"
        "    ~[plain]<b>nobody</b> # [moodle]<b>wrong</b>\n"
        "    ~[markdown]*Napoleon* # no\n"
        "    ####<ul><li>Grant</li><li>Julia</li></ul>\n}"
    )
    assert question.text == "Who's buried in Grant's\xa0tomb?\nChoose & see."
    assert [o.text for o in question.options] == ["Grant", "<b>nobody</b>", "*Napoleon*"]
    assert [o.feedback for o in question.options] == ["Right:\n\nhis <tomb>", "<b>wrong</b>", "no"]
    assert question.explanation == "Grant\nJulia"
    # A question without a tag is Moodle's own format: its text stays as written.
    plain = only("Is <b>this</b> bold?{=<b>yes</b> ~[html]<i>no</i>}")
    assert plain.text == "Is <b>this</b> bold?"
    assert [o.text for o in plain.options] == ["<b>yes</b>", "no"]
    # True/false feedback and a general feedback tagged [html] are plain text too.
    question = only("[html]<p>1 &lt; 2</p>{TRUE#<b>no</b>#<b>yes</b>####[html]<p>see</p>}")
    assert question.text == "1 < 2"
    assert [o.feedback for o in question.options] == ["yes", "no"]
    assert question.explanation == "see"


# Source: moodle/moodle question/format/gift/tests/fixtures/questions.gift.txt, imported by
# question/format/gift/tests/behat/import_export.feature ("Importing 9 questions from file").
MOODLE_QUESTIONS_GIFT = """// essay
::Q8:: How are you? {}

// question: 2  name: Moodle activities
::Moodle activities::[html]Match the <b>activity</b> to the description.{
    =[html]An activity supporting asynchronous discussions. -> Forum
    =[moodle]A teacher asks a question and specifies a choice of multiple responses. -> Choice
    =[plain]A bank of record entries which participants can add to. -> Database
    =[markdown]A collection of web pages that anyone can add to or edit. -> Wiki
    = -> Chat
}

// multiple choice with specified feedback for right and wrong answers
::Q2:: What's between orange and green in the spectrum?
{
    =yellow # right; good!
    ~red # [html]wrong, it's yellow
    ~[plain]blue # wrong, it's yellow
}

// multiple choice, multiple response with specified feedback for right and wrong answers
::colours:: What's between orange and green in the spectrum?
{
    ~%50%yellow # right; good!
    ~%-100%red # [html]wrong
    ~%50%off-beige # right; good!
    ~%-100%[plain]blue # wrong
}

// math range question
::Q5:: What is a number from 1 to 5? {#3:2~#Completely wrong}";

// question: 666  name: Shortanswer
::Shortanswer::Which is the best animal?{
    =Frog#Good!
    =%50%Cat#What is it with Moodlers and cats?
    =%0%*#Completely wrong
}

// true/false, with general feedback
::Q1:: 42 is the Absolute Answer to everything.{
FALSE#42 is the Ultimate Answer.#You gave the right answer.
####This is, of course, a Hitchiker's Guide to the Galaxy reference.}";

// name 0-11
::2-08 TSL::TSL is blablabla.{T}

// name 0-11
::2-08 TSL::TSL is blablabla.{TRUE}
"""


def test_moodle_gift_fixture_imports_nine_questions_five_of_them_choices():
    # Moodle imports 9 questions; the bot keeps the 5 choice questions and names the 4 others.
    parsed = parse_module_file("questions.gift.txt", MOODLE_QUESTIONS_GIFT.encode())
    (module,) = parsed.modules
    assert module.title == "questions"
    q2, colours, q1, tsl1, tsl2 = module.questions
    assert (q2.line, q2.correct) == (14, (0,))
    assert (colours.line, colours.correct) == (22, (0, 2))
    # Text after the closing brace (here '";') puts Moodle's blank where the answers were.
    assert q1.text == '42 is the Absolute Answer to everything._____";'
    assert q1.correct == (1,)
    assert [o.feedback for o in q1.options] == [
        "42 is the Ultimate Answer.",
        "You gave the right answer.",
    ]
    assert q1.explanation == "This is, of course, a Hitchiker's Guide to the Galaxy reference."
    assert tsl1.correct == tsl2.correct == (0,)
    kinds = [(w.line, w.params["kind"]) for w in parsed.warnings]
    assert kinds == [(2, "essay"), (5, "matching"), (31, "numeric"), (34, "short_answer")]
    assert len(module.questions) + len(parsed.warnings) == 9


def test_moodle_gift_fixture_in_a_category():
    # Source: moodle/moodle question/format/gift/tests/fixtures/questions_in_category.gift.txt,
    # imported by import_export.feature ("Importing 4 questions from file"): a match, a
    # multichoice, a shortanswer and a truefalse question, in the category
    # "$course$/Default for New Features".
    text = (
        "// question: 0  name: switch category to $course$/Default for New Features\n"
        "$CATEGORY: $course$/Default for New Features\n\n"
        "// question: 44  name: Moodle activities\n"
        "::Moodle activities::[html]Match the activity to the description.{\n"
        "\t=An activity supporting asynchronous discussions. -> Forum\n"
        "\t=A teacher asks a question and specifies a choice of multiple responses. -> Choice\n"
        "\t= -> Chat\n}\n\n"
        "// question: 43  name: Greeting\n"
        '::Greeting::[html]<a href\\="http\\://demo.moodle.net/file.php/5/media/bonjour.mp3">'
        "Listen to this greeting\\:</a><br /><br />What language is being spoken?{\n"
        "\t~English#Sorry, listen again.\n\t=French#Yes, well done!\n"
        "\t~German#Sorry, listen again.\n\t~Spanish#Sorry, listen again.\n}\n\n"
        "// question: 46  name: Moodle user\n"
        "::Moodle user::[html]Anyone who uses Moodle is a ...{\n\t=%100%Moodler#\n}\n\n"
        "// question: 45  name: Moodle acronym\n"
        "::Moodle acronym::[html]Moodle is an acronym for <span style\\=\"font-style\\: "
        'italic;">Modular Object-Oriented Dynamic Learning Environment</span>.{TRUE}\n'
    )
    parsed = parse_module_file("questions_in_category.gift.txt", text.encode())
    (module,) = parsed.modules
    assert module.title == "Default for New Features"
    greeting, acronym = module.questions
    # [html]: shown as Moodle renders it, the link's address kept (it is the recording).
    assert greeting.text == (
        "Listen to this greeting: (http://demo.moodle.net/file.php/5/media/bonjour.mp3)\n\n"
        "What language is being spoken?"
    )
    assert [o.text for o in greeting.options] == ["English", "French", "German", "Spanish"]
    assert greeting.correct == (1,)
    assert greeting.options[1].feedback == "Yes, well done!"
    assert acronym.text == (
        "Moodle is an acronym for Modular Object-Oriented Dynamic Learning Environment."
    )
    assert acronym.correct == (0,)
    assert [w.params["kind"] for w in parsed.warnings] == ["matching", "short_answer"]


def test_moodle_gift_file_in_another_encoding_is_refused():
    # Source: moodle/moodle question/format/gift/tests/behat/import_export.feature, "import
    # some GIFT questions with unsupported encoding"
    # (fixtures/questions_encoding_windows-1252.gift.txt): "does not use UTF-8".
    data = "// Windows-1252\nQuestion?{=Café ~Thé}\n".encode("cp1252")
    with pytest.raises(FormatError) as caught:
        parse_module_file("questions_encoding_windows-1252.gift.txt", data)
    assert [(p.line, p.key) for p in caught.value.problems] == [(2, "format.not_utf8")]


def test_moodle_gift_weights_of_a_several_answer_question_add_up_to_100():
    # Source: DSI-Universite-Rennes2/moodle question/format/gift/tests/
    # qformat_gift_import_export_test.php::test_import_invalid_fraction_sum, fixture
    # error_invalid_fraction_sum.gift.txt: the import fails, naming the sums 200% and 60% (the
    # check of moodle/moodle question/type/multichoice/questiontype.php); the third is valid.
    question = (
        "// question: {n}  name: gift import: invalid percentage answer weights\n"
        "::gift import: weights::[html]<p>multichoice</p>{{\n"
        "\t~%{a}%<p>choice 1</p>\n\t~%{b}%<p>choice 2</p>\n\t~%-50%<p>choice 3</p>\n}}"
    )
    text = "\n\n".join(
        question.format(n=n, a=a, b=b) for n, (a, b) in enumerate([(100, 100), (30, 30)], 1)
    )
    with pytest.raises(FormatError) as caught:
        parse("error_invalid_fraction_sum.gift.txt", text)
    found = [(p.line, p.key, p.params) for p in caught.value.problems]
    assert found == [
        (2, "gift.weights_sum", {"total": "200"}),
        (9, "gift.weights_sum", {"total": "60"}),
    ]
    valid = only(question.format(n=3, a=-50, b=100))
    assert valid.correct == (1,)
    # The answers take the question's [html] format: their <p> is not shown.
    assert [o.text for o in valid.options] == [f"choice {n}" for n in (1, 2, 3)]


# The examples of Moodle's GIFT documentation (docs.moodle.org/en/GIFT_format), as Moodle ships
# them in moodle/moodle question/format/gift/examples.txt ("Examples from the documentation"),
# with the quick examples and the general-feedback example of the documentation page.
MOODLE_DOC_EXAMPLES = r"""// true/false
::Q1:: 1+1=2 {T}

// multiple choice with specified feedback for right and wrong answers
::Q2:: What's between orange and green in the spectrum?
{ =yellow # right; good! ~red # wrong, it's yellow ~blue # wrong, it's yellow }

// fill-in-the-blank
::Q3:: Two plus {=two =2} equals four.

// matching
::Q4:: Which animal eats which food? { =cat -> cat food =dog -> dog food }

// math range question
::Q5:: What is a number from 1 to 5? {#3:2}

// essay
::Q8:: How are you? {}

Who's buried in Grant's tomb?{~Grant ~Jefferson =no one}

Grant is {~buried =entombed ~living} in Grant's tomb.

The American holiday of Thanksgiving is celebrated on the {
    ~second
    ~third
    =fourth
} Thursday of November.

Japanese characters originally came from what country? {
    ~India
    =China
    ~Korea
    ~Egypt}

Grant is buried in Grant's tomb.{F}

The sun rises in the east.{T}

::Thanksgiving Date::The American holiday of Thanksgiving is
celebrated on the {~second ~third =fourth} Thursday of November.

What's the answer to this multiple-choice question?{
~wrong answer#feedback comment on the wrong answer
~another wrong answer#feedback comment on this wrong answer
=right answer#Very good!}

Grant is buried in Grant's tomb.{FALSE#No one is buried in Grant's tomb.}

Difficult question.{~wrong answer ~%50%half credit answer =full credit answer}

::Jesus' hometown::Jesus Christ was from {
    ~Jerusalem#This was an important city, but the wrong answer.
    ~%25%Bethlehem#He was born here, but not raised here.
    ~%50%Galilee#You need to be more specific.
    =Nazareth#Yes! That's right!}.

What two people are entombed in Grant's tomb? {
    ~No one
    ~%50%Grant
    ~%50%Grant's wife
    ~Grant's father }

What two people are entombed in Grant's tomb? {
    ~%-50%No one
    ~%50%Grant
    ~%50%Grant's wife
    ~%-50%Grant's father }

Which answer equals 5? {
     ~ \= 2 + 2
     = \= 2 + 3
     ~ \= 2 + 4  }

::GIFT Control Characters::
Which of the following is NOT a control character for the GIFT import format? {
   ~ \~     # \~ is a control character.
   ~ \=     # \= is a control character.
   ~ \#     # \# is a control character.
   ~ \{     # \{ is a control character.
   ~ \}     # \} is a control character.
   = \\     # Correct! \\ (backslash) is not a control character. BUT,
              it is used to escape the control characters.
}

// general feedback after four hashes; with nothing else, an essay
How are you? {
####We hope you're feeling well.
}

::Kanji Origins::Japanese characters originally
came from what country? {=China}

[markdown]Who's buried in **Grant's tomb**?{
=no one#excellent answer!
=nobody#excellent answer!}

::Jesus' hometown:: Jesus Christ was from {
    =Nazareth#Yes! That's right!
    =%75%Nazereth#Right, but misspelled.
    =%25%Bethlehem#He was born here, but not raised here.}

Match the following countries with their corresponding capitals. {
    =Canada -> Ottawa
    =Italy  -> Rome
    =Japan  -> Tokyo
    =India  -> New Delhi
    }

::Q7:: When was Ulysses S. Grant born? {#
         =1822:0      # Correct! Full credit.
         =%50%1822:2  # He was born in 1822. Half credit for being close.
}

$CATEGORY: tom/dick/harry

::Grant's Tomb::Grant is {
      ~buried#No one is buried there.
      =entombed#Right answer!
      ~living#We hope not!
} in Grant's tomb.

Difficult multiple choice question.{
     ~wrong answer           #comment on wrong answer
     ~%50%half credit answer #comment on answer
     =full credit answer     #well done!}
"""


def test_moodle_documentation_examples():
    parsed = parse_module_file("docs.gift", MOODLE_DOC_EXAMPLES.encode())
    docs, harry = parsed.modules
    assert (docs.title, harry.title) == ("docs", "harry")  # $CATEGORY: tom/dick/harry
    by_text = [(q.text, q.correct) for q in docs.questions]
    assert by_text == [
        ("1+1=2", (0,)),
        ("What's between orange and green in the spectrum?", (0,)),
        ("Who's buried in Grant's tomb?", (2,)),
        ("Grant is _____ in Grant's tomb.", (1,)),  # the missing word, spaced as written
        ("The American holiday of Thanksgiving is celebrated on the _____ Thursday of November.",
         (2,)),
        ("Japanese characters originally came from what country?", (1,)),
        ("Grant is buried in Grant's tomb.", (1,)),
        ("The sun rises in the east.", (0,)),
        ("The American holiday of Thanksgiving is\ncelebrated on the _____ Thursday of November.",
         (2,)),
        ("What's the answer to this multiple-choice question?", (2,)),
        ("Grant is buried in Grant's tomb.", (1,)),
        # Partial credit in a single-answer question: only the full-credit answer is right
        # (branchbot scores right or wrong; README, "Study modules").
        ("Difficult question.", (2,)),
        ("Jesus Christ was from _____.", (3,)),
        ("What two people are entombed in Grant's tomb?", (1, 2)),
        ("What two people are entombed in Grant's tomb?", (1, 2)),
        ("Which answer equals 5?", (1,)),
        ("Which of the following is NOT a control character for the GIFT import format?", (5,)),
    ]
    q2 = docs.questions[1]
    assert [o.feedback for o in q2.options] == [
        "right; good!",
        "wrong, it's yellow",
        "wrong, it's yellow",
    ]
    feedback = docs.questions[9]
    assert [o.feedback for o in feedback.options] == [
        "feedback comment on the wrong answer",
        "feedback comment on this wrong answer",
        "Very good!",
    ]
    # {FALSE#feedback}: the one feedback is shown for the wrong answer, True.
    assert [o.feedback for o in docs.questions[10].options] == [
        "No one is buried in Grant's tomb.",
        None,
    ]
    hometown = docs.questions[12]
    assert hometown.options[1].feedback == "He was born here, but not raised here."
    assert [o.text for o in docs.questions[15].options] == ["= 2 + 2", "= 2 + 3", "= 2 + 4"]
    control = docs.questions[16]
    assert [o.text for o in control.options] == ["~", "=", "#", "{", "}", "\\"]
    assert control.options[0].feedback == "~ is a control character."
    assert control.options[5].feedback == (
        "Correct! \\ (backslash) is not a control character. BUT,\n"
        "it is used to escape the control characters."
    )
    tomb, difficult = harry.questions
    assert tomb.text == "Grant is _____ in Grant's tomb."
    assert [o.feedback for o in tomb.options] == [
        "No one is buried there.",
        "Right answer!",
        "We hope not!",
    ]
    assert [o.text for o in difficult.options] == [
        "wrong answer",
        "half credit answer",
        "full credit answer",
    ]
    assert difficult.correct == (2,)
    kinds = [w.params["kind"] for w in parsed.warnings]
    assert kinds == [
        "short_answer",  # Q3
        "matching",  # Q4
        "numeric",  # Q5
        "essay",  # Q8
        "essay",  # general feedback only
        "short_answer",  # Kanji Origins
        "short_answer",  # [markdown] Grant's tomb
        "short_answer",  # Jesus' hometown with = weights
        "matching",
        "numeric",  # Q7
    ]


# -- the differences found by comparing with Moodle ------------------------------------------


def test_format_tags_are_dropped_from_answers_feedback_and_general_feedback():
    # Moodle's parse_text_with_format, applied to each part (format.php::readquestion).
    question = only(
        "[html]题干{\n=[plain]甲#[markdown]对\n~[moodle]乙#[html]错\n####[html]解析\n}"
    )
    assert question.text == "题干"
    assert [(o.text, o.feedback) for o in question.options] == [("甲", "对"), ("乙", "错")]
    assert question.explanation == "解析"
    # Moodle knows these four names in lower case only; anything else stays in the text.
    assert only("[HTML]题干{=[x]甲 ~乙}").text == "[HTML]题干"
    assert only("题干{=[x]甲 ~乙}").options[0].text == "[x]甲"
    # A tag alone before the first answer is no answer (Moodle drops the empty answer it makes).
    assert [o.text for o in only("题干{[html]=甲 ~乙}").options] == ["甲", "乙"]


def test_true_false_keeps_both_feedbacks_and_the_general_feedback():
    question = only("预备期为一年。{T#错了，预备期为一年。#正确。####党章第一章第七条。}")
    assert [(o.text, o.correct, o.feedback) for o in question.options] == [
        ("True", True, "正确。"),
        ("False", False, "错了，预备期为一年。"),
    ]
    assert question.explanation == "党章第一章第七条。"


def test_comment_lines_inside_the_braces_are_comments():
    # Moodle drops every line that starts with // (format.php::readquestion), inside {…} too.
    question = only("题目{\n// 正确答案\n=甲#对\n// 干扰项\n~乙\n// 结束\n}")
    assert [(o.text, o.feedback) for o in question.options] == [("甲", "对"), ("乙", None)]


def test_a_blank_line_inside_the_braces_ends_the_question_there():
    # Moodle splits questions at every blank line: both halves are errors, nothing is merged.
    assert errors("x.gift", "第一题{=甲 ~乙\n\n第二题 =丙 ~丁}") == [
        (1, "gift.unclosed"),
        (3, "gift.unopened"),
    ]


def test_an_essay_with_only_general_feedback_is_an_essay():
    # The general feedback is taken off before the kind is told (format.php::readquestion).
    assert warnings_of("谈谈体会。{\n####言之有物即可。\n}") == [(1, "gift.unsupported", "essay")]
    assert warnings_of("党的二十大召开的年份？{#2022 ####2022 年。}") == [
        (1, "gift.unsupported", "numeric")
    ]


def test_deliberate_differences_from_moodle():
    # README, "Study modules". Partial credit in a single-answer question is wrong here.
    partial = only("题目{=全对 ~%50%半对 ~错}")
    assert partial.correct == (0,)
    # Several full-credit answers in a single-answer question (any one is right in Moodle)
    # cannot be scored as one set of right answers: skipped with a warning.
    assert warnings_of("题目{=甲 =乙 ~丙}") == [(1, "gift.any_of", None)]
    # True/false in lower case (Moodle reads {t} as a short answer).
    assert only("题目{t}").correct == (0,)
    assert only("题目{false}").correct == (1,)


# -- Aiken: moodle/moodle question/format/aiken/tests/ -----------------------------------------

# Source: moodle/moodle question/format/aiken/tests/fixtures/aiken_errors.txt, with the third
# good question of the current aikenformat_test.php::test_readquestions.
MOODLE_AIKEN_ERRORS = """A question with too few answers
A) Only answer
ANSWER: A

A) Question not started

ANSWER: Question not started

A good question
A) Correct
B) Incorrect
ANSWER: A

A question started but not finished
A) Correct-ish
B) Incorrect-ish

A second good question
A)Incorrect (No space)
B)Correct (No space)
ANSWER: B

A third good question with HTML chars such as > < &
A) Correct (< > &)
B) Incorrect (< > &)
ANSWER: A
"""


def test_moodle_aiken_errors_by_line():
    # Source: moodle/moodle question/format/aiken/tests/aikenformat_test.php::test_readquestions:
    # 'Question must have at least 2 answers on line 3', 'Question not started on line 5' and
    # 'on line 7', 'Question not completed before next question start on line 18'.
    assert errors("aiken_errors.aiken", MOODLE_AIKEN_ERRORS) == [
        (3, "aiken.few_options"),
        (5, "aiken.not_started"),
        (7, "aiken.not_started"),
        (18, "aiken.unfinished"),
    ]


def test_moodle_aiken_good_questions():
    # Source: the same test: three good questions; the second has no space after "A)"; the
    # third keeps > < & (Moodle stores HTML, '&lt; &gt; &amp;'; a quiz poll is plain text).
    good = "\n".join(MOODLE_AIKEN_ERRORS.split("\n")[8:12] + MOODLE_AIKEN_ERRORS.split("\n")[17:])
    first, second, third = parse("good.aiken", good).modules[0].questions
    assert first.text == "A good question"
    assert [o.text for o in first.options] == ["Correct", "Incorrect"]
    assert first.correct == (0,)
    assert [o.text for o in second.options] == ["Incorrect (No space)", "Correct (No space)"]
    assert second.correct == (1,)
    assert third.text == "A third good question with HTML chars such as > < &"
    assert [o.text for o in third.options] == ["Correct (< > &)", "Incorrect (< > &)"]
    assert third.correct == (0,)


def test_moodle_aiken_fixture_and_questions_without_blank_lines_between():
    # Source: moodle/moodle question/format/aiken/tests/fixtures/questions.aiken.txt, imported
    # by question/format/aiken/tests/behat/aiken_import.feature ("Importing 2 questions from
    # file"). Moodle does not need the blank line between questions: without it the same two
    # questions are read.
    text = (
        "The Moodle project was started by:\nA) Petr Skoda\nB) Martin Dougiamas\n"
        "C) Eloy Lafuente\nD) Tim Hunt\nANSWER: B\n\n"
        "Moodle's abilities include handling user input that includes <html class=\"cool\"> & "
        "images:\nA) True\nB) False\nANSWER: A\n"
    )
    for variant in (text, text.replace("\n\n", "\n")):
        parsed = parse_module_file("questions.aiken.txt", variant.encode())
        (module,) = parsed.modules
        assert module.title == "questions"
        started, abilities = module.questions
        assert started.text == "The Moodle project was started by:"
        assert started.correct == (1,)
        assert len(started.options) == 4
        assert abilities.text.endswith('<html class="cool"> & images:')
        assert abilities.correct == (0,)
        assert abilities.line == (8 if variant == text else 7)


def test_txt_files_are_gift_or_aiken_by_name_or_by_content():
    aiken_text = "题目\nA. 甲\nB. 乙\nANSWER: B\n"
    assert parse("导出.txt", aiken_text).modules[0].questions[0].correct == (1,)
    assert parse("x.gift.txt", "题目{=甲 ~乙}").modules[0].title == "x"
    assert parse("题库.txt", "题目{=甲 ~乙}").modules[0].questions[0].correct == (0,)


# -- whole-file errors are told without a line ---------------------------------------------


async def test_whole_file_errors_name_no_line(harness):
    await harness.setup_branch()
    (answer,) = await send_file(harness, "// 只有注释\n".encode(), "空.gift")
    assert "文件中没有题目" in answer.text
    assert "第 0 行" not in answer.text
    (answer,) = await send_file(harness, b"x", "x.docx")
    assert "未知的文件类型" in answer.text
    assert "第 0 行" not in answer.text
    (answer,) = await send_file(harness, "题目\nA. 甲\nB. 乙\nANSWER: C".encode(), "x.aiken")
    assert "第 4 行：ANSWER C 不在选项中" in answer.text
    assert await count(harness, "modules") == 0


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
    words = Translator.load().words("zh")
    source = "\n".join(
        p.read_text(encoding="utf-8")
        for p in (Path(__file__).resolve().parents[1] / "bot" / "module_formats").glob("*.py")
    )
    keys = set(re.findall(r'"((?:format|gift|aiken|toml)\.[a-z_]+)"', source))
    assert len(keys) >= 15
    for key in keys:
        params = {"kind": "论述", "letter": "A", "text": "x", "field": "f", "detail": "d"}
        assert words(key, **params, weight=1, total=2, count=13, limit=12)


@settings(max_examples=300, deadline=None)
@given(
    st.text(alphabet=st.sampled_from(list("{}=~#%:\\$/-> \nABCTF.1题答案")), max_size=200),
    st.sampled_from(["x.gift", "x.aiken", "x.toml", "x.txt"]),
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
