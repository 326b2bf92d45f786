"""Telegram's limits on what a message carries: every long text goes as several messages of at
most 4096 characters (split at line boundaries), every long keyboard in pages, titles capped
at input. The fake Bot API refuses anything over a limit, so every test checks them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st
from telegram import InlineKeyboardMarkup

from bot.commands import Access
from bot.text import MESSAGE_LIMIT, split_message
from tests import factories
from tests.conftest import ADMIN, GROUP, MEMBER, OPERATOR
from tests.fakes.telegram_api import limit_breach
from tests.test_meetings import add_meeting, fire, roster_of
from tests.test_study import send_file


def utf16_length(text):
    return len(text.encode("utf-16-le")) // 2


def keyboard(call):
    return [b for row in call.params["reply_markup"]["inline_keyboard"] for b in row]


def fits(calls):
    """Every call within Telegram's limits (the fake also refuses a breach and fails the test)."""
    return all(limit_breach(c.method, c.params) is None for c in calls)


# -- the splitter --------------------------------------------------------------------------


def test_a_single_line_longer_than_the_limit_is_cut_within_it():
    line = "党" * 9000
    chunks = split_message(f"标题\n{line}\n结尾")
    assert [len(c) for c in chunks] == [2, 4096, 4096, 808 + 3]
    assert "".join(chunks[1:]) == line + "\n结尾"


def test_the_limit_is_counted_as_telegram_counts_it_in_utf16_units():
    chunks = split_message("🎉" * 3000)  # each emoji is two UTF-16 units
    assert [utf16_length(c) for c in chunks] == [4096, 1904]
    assert "".join(chunks) == "🎉" * 3000


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(alphabet=st.sampled_from("党员🎉a <&\t"), max_size=5000), max_size=12))
def test_every_part_fits_and_the_parts_give_back_the_lines(lines):
    text = "\n".join(lines)
    chunks = split_message(text)
    assert all(utf16_length(c) <= MESSAGE_LIMIT for c in chunks)
    assert "".join(chunks).replace("\n", "") == text.replace("\n", "")


def test_the_fake_refuses_what_telegram_refuses():
    buttons = [[{"text": str(i), "callback_data": str(i)}] for i in range(101)]
    assert limit_breach("sendMessage", {"chat_id": 1, "text": "x" * 4097})
    assert limit_breach("sendMessage", {"chat_id": 1, "text": "🎉" * 2049})
    assert limit_breach("sendMessage", {"chat_id": 1, "text": " "})
    assert limit_breach("sendPhoto", {"chat_id": 1, "caption": "x" * 1025})
    assert limit_breach("sendMessage", {"text": "x", "reply_markup": {"inline_keyboard": buttons}})
    data = {"inline_keyboard": [[{"text": "x", "callback_data": "я" * 33}]]}
    assert limit_breach("editMessageReplyMarkup", {"reply_markup": data})
    assert limit_breach("sendMessage", {"chat_id": 1, "text": "x" * 4096}) is None
    assert limit_breach("sendPhoto", {"chat_id": 1, "caption": "x" * 1024}) is None


# -- long texts, end to end ----------------------------------------------------------------


async def test_a_4000_character_meeting_title_is_refused_and_meetings_splits_old_ones(harness):
    await harness.setup_branch()
    text = await harness.reply(
        "/meeting_add committee 2031-03-05 19:30 " + "长" * 4000, chat=GROUP, user=ADMIN
    )
    assert text.startswith("会议标题有 4000 个字，最多 100 个。未安排任何会议。")
    assert (await harness.services.storage.db.fetch_one("SELECT count(*) FROM meetings"))[0] == 0
    assert "有 101 个字" in await harness.reply(
        "/meeting_add committee 2031-03-05 19:30 " + "长" * 101, chat=GROUP, user=ADMIN
    )
    await add_meeting(harness, "committee 2031-03-05 19:30 " + "长" * 100 + " repeat=weekly")
    # A title stored before the cap: /meetings still answers, in parts within the limit.
    await harness.services.storage.db.execute("UPDATE meetings SET title = ?", ("长" * 4000,))
    calls = await harness.say("/meetings", chat=GROUP, user=ADMIN)
    assert len(calls) > 1
    assert fits(calls)
    assert sum(c.text.count("长") for c in calls) == 4000 * 10  # the next ten occurrences


async def test_an_import_with_1500_skipped_questions_answers_in_one_message(harness):
    await harness.setup_branch()
    essays = "\n\n".join(f"::e{n}::谈谈认识 {n}。{{}}" for n in range(1500))
    content = f"::q::“一课”指什么？{{=党课 ~团课}}\n\n{essays}\n".encode()
    (answer,) = await send_file(harness, content, "many.gift")
    assert "#1 many：1 道题" in answer.text
    assert answer.text.count("已跳过：不支持问答题") == 20
    assert "……另有 1480 处" in answer.text
    assert fits([answer])


async def test_study_with_120_modules_pages_its_buttons(harness):
    branch = await harness.setup_branch()
    modules = "\n\n".join(
        f"$CATEGORY: 第{n:03d}课 " + "学" * 30 + f"\n\n::q{n}::第 {n} 题{{=对 ~错}}"
        for n in range(1, 121)
    )
    answer = await send_file(harness, modules.encode(), "course.gift")
    assert "#120 第120课" in "".join(c.text for c in answer)
    for module_id in range(1, 121):
        await harness.services.study.publish(branch, module_id, harness.clock())
    calls = await harness.say("/study", chat=GROUP, user=MEMBER)
    assert len(calls) == 2
    assert fits(calls)
    assert sum(c.text.count("第") for c in calls) >= 120
    first = keyboard(calls[-1])
    turn = f"stp:{branch.id}:"
    assert [b["text"][:4] for b in first[:10]] == [f"#{n} 第" for n in range(1, 10)] + ["#10 "]
    assert [b.get("callback_data") for b in first[10:]] == [f"{turn}1"]  # ▶ only on page one
    assert first[10]["text"] == "▶"
    toast, turned = await harness.press(f"{turn}1", chat=GROUP, user=MEMBER)
    assert toast.method == "answerCallbackQuery"
    page = keyboard(turned)
    assert page[0]["text"].startswith("#11 ")
    turns = [(b["text"], b["callback_data"]) for b in page[10:]]
    assert turns == [("◀", f"{turn}0"), ("▶", f"{turn}2")]
    _, last = await harness.press(f"{turn}11", chat=GROUP, user=MEMBER)
    assert [b["text"][:5] for b in keyboard(last)] == [f"#{n} " for n in range(111, 121)] + ["◀"]
    # A second tap on the page already shown changes nothing and raises nothing.
    harness.api.fail_next(
        "editMessageReplyMarkup",
        error_code=400,
        description="Bad Request: message is not modified",
    )
    assert [c.method for c in await harness.press(f"{turn}11", chat=GROUP, user=MEMBER)] == [
        "answerCallbackQuery",
        "editMessageReplyMarkup",
    ]
    # A forged page number is clamped; the data names the branch (see test_private_chat).
    _, clamped = await harness.press(f"{turn}9999", chat=GROUP, user=MEMBER)
    assert keyboard(clamped)[0]["text"].startswith("#111 ")
    # Data that names no branch is refused.
    (stale,) = await harness.press("stp:1", chat=GROUP, user=MEMBER)
    assert stale.method == "answerCallbackQuery"
    assert stale.params.get("show_alert") or stale.params.get("text")


async def test_branches_with_121_branches_is_sent_in_parts(harness):
    for n in range(121):
        await harness.services.branches.setup(
            chat_id=-5000 - n,
            title=f"第{n}支部" + "名" * 50,
            code=None,
            access=Access.OPERATOR,
            now=harness.clock(),
        )
    calls = await harness.say("/branches", chat=OPERATOR, user=OPERATOR)
    assert len(calls) > 1
    assert fits(calls)
    assert all(c.method == "sendMessage" for c in calls)
    text = "\n".join(c.text for c in calls)
    assert all(f"第{n}支部" in text for n in range(121))


async def test_long_group_titles_and_names_are_cut_with_an_ellipsis(harness):
    group = factories.Group(-4777, "支部" * 100)
    branch = await harness.setup_branch(group)
    assert len(branch.title) == 64
    assert branch.title.endswith("…")
    person = factories.Person(100777, "名" * 300, last_name="姓" * 300)
    await harness.say("/help", chat=group, user=person)
    user = await harness.services.storage.users.get(person.id)
    assert (len(user.first_name), len(user.last_name)) == (64, 64)


async def test_the_roll_of_40_long_names_is_sent_in_parts(harness, clock):
    await harness.setup_branch()
    await harness.say("/start", chat=ADMIN, user=ADMIN)
    people = [
        factories.Person(200000 + n, f"{n:02d}" + "名" * 62, last_name="姓" * 64)
        for n in range(40)
    ]
    await roster_of(harness, *people)
    _, occ = await add_meeting(harness, "general 2031-03-05 19:30 remind=1h")
    start = datetime(2031, 3, 5, 11, 30, tzinfo=UTC)
    clock.now = start + timedelta(minutes=90)
    await fire(harness, f"close:{occ}")
    calls = harness.read(harness.unread())
    private = [c for c in calls if c.chat_id == ADMIN.id]
    assert len(private) > 1
    assert fits(calls)
    text = "\n".join(c.text for c in private)
    assert all(f"{n:02d}名" in text for n in range(40))


async def test_an_edit_longer_than_the_limit_continues_in_new_messages(harness):
    await harness.setup_branch()
    (sent,) = await harness.say("/help", chat=GROUP, user=ADMIN)
    lines = "\n".join(f"第 {n} 行 " + "字" * 40 for n in range(300))
    markup = {"inline_keyboard": [[{"text": "x", "callback_data": "ci"}]]}
    await harness.app.bot.edit_message_text(
        lines,
        chat_id=GROUP.id,
        message_id=sent.result["message_id"],
        reply_markup=InlineKeyboardMarkup.de_json(markup, harness.app.bot),
    )
    calls = harness.read(harness.unread())
    assert [c.method for c in calls][0] == "editMessageText"
    assert {c.method for c in calls[1:]} == {"sendMessage"}
    assert fits(calls)
    assert "reply_markup" not in calls[0].params
    assert calls[-1].params["reply_markup"] == markup
    assert "\n".join(c.text for c in calls) == lines


async def test_a_keyboard_of_many_branches_for_a_private_import_is_paged(harness):
    for n in range(12):
        group = factories.Group(-6000 - n, f"第{n}支部")
        await harness.setup_branch(group)
        await harness.say("/help", chat=group, user=ADMIN)  # seen there, as its secretary
    content = "::q::“一课”指什么？{=党课 ~团课}\n".encode()
    harness.api.files["priv1"] = content
    update = factories.document(
        chat=ADMIN,
        user=ADMIN,
        file_id="priv1",
        file_name="q.gift",
        size=len(content),
        caption="/import",
    )
    (choose,) = harness.read(await harness.feed(update))
    buttons = keyboard(choose)
    assert len(buttons) == 11
    assert buttons[-1]["text"] == "▶"
    draft = buttons[0]["callback_data"].split(":")[1]
    assert buttons[-1]["callback_data"] == f"impp:{draft}:1"
    _, turned = await harness.press(f"impp:{draft}:1", chat=ADMIN, user=ADMIN)
    assert [b["text"] for b in keyboard(turned)] == ["第10支部", "第11支部", "◀"]


async def test_a_callback_answer_longer_than_200_characters_is_cut(harness):
    await harness.app.bot.answer_callback_query("17", "警告" * 150, show_alert=True)
    (answer,) = harness.read(harness.unread())
    assert len(answer.text) == 200
    assert answer.text.endswith("…")


async def test_a_choice_among_12_open_meetings_is_paged(harness, clock):
    await harness.setup_branch()
    for n in range(12):
        await add_meeting(harness, f"other 2031-03-05 19:30 第{n}场 remind=1h")
    clock.now = datetime(2031, 3, 5, 11, 30, tzinfo=UTC)
    (choose,) = await harness.say("/checkin", chat=GROUP, user=MEMBER)
    buttons = keyboard(choose)
    assert [b["callback_data"] for b in buttons[-1:]] == ["cip:1"]
    assert len(buttons) == 11
    _, turned = await harness.press("cip:1", chat=GROUP, user=MEMBER)
    page = keyboard(turned)
    assert [b["callback_data"] for b in page][-1] == "cip:0"
    assert len(page) == 3
    assert page[0]["callback_data"].startswith("mc:")
