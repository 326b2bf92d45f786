"""/import and /publish end to end: files as captions or replies, all or nothing, limits."""

from __future__ import annotations

from pathlib import Path

from tests import factories
from tests.conftest import ADMIN, GROUP, MEMBER

DATA = Path(__file__).with_name("data")
STUDY_GIFT = (DATA / "study.gift").read_bytes()
STUDY_AIKEN = (DATA / "study-bom.aiken").read_bytes()
EXAMPLE = (Path(__file__).resolve().parents[1] / "docs" / "module-example.toml").read_bytes()


def gift_of(count: int) -> bytes:
    """A GIFT file of ``count`` Chinese single-choice questions."""
    questions = [
        f"::第{n}题::第 {n} 题：“三会一课”中的“一课”指什么？"
        f"{{=党课#正确 ~团课#不对 ~业务课 ####“一课”即按时上好党课。}}"
        for n in range(1, count + 1)
    ]
    return ("$CATEGORY: 三会一课\n\n" + "\n\n".join(questions) + "\n").encode()


async def send_file(harness, content: bytes, name: str, *, caption="/import", user=ADMIN):
    file_id = f"f{len(harness.api.files) + 1}"
    harness.api.files[file_id] = content
    update = factories.document(
        chat=GROUP, user=user, file_id=file_id, file_name=name, size=len(content), caption=caption
    )
    return harness.read(await harness.feed(update))


async def count(harness, table):
    return (await harness.services.storage.db.fetch_one(f"SELECT count(*) FROM {table}"))[0]


async def test_a_fifty_question_chinese_gift_file_imports_and_publishes(harness):
    await harness.setup_branch()
    (answer,) = await send_file(harness, gift_of(50), "三会一课.gift")
    assert "#1 三会一课：50 道题（0 道超出群内答题限制）" in answer.text
    assert await count(harness, "questions") == 50
    text = await harness.reply("/publish #1", chat=GROUP, user=ADMIN)
    assert text == "已向本支部发布 #1 三会一课。"
    assert "已在本支部发布" in await harness.reply("/publish 1", chat=GROUP, user=ADMIN)
    branch = await harness.services.branches.for_chat(GROUP.id)
    (published,) = await harness.services.storage.study.published(branch.id)
    assert (published.questions, published.poll_ready) == (50, 50)


async def test_import_as_a_reply_to_a_file_with_skipped_kinds(harness):
    await harness.setup_branch()
    content = STUDY_GIFT
    harness.api.files["g1"] = content
    file_message = factories.document(
        chat=GROUP, user=ADMIN, file_id="g1", file_name="study.gift", size=len(content)
    )["message"]
    text = await harness.reply("/import", chat=GROUP, user=ADMIN, reply_to=file_message)
    assert "#1 党章学习：4 道题" in text
    assert "#2 党史学习：2 道题" in text
    assert "第 28 行：已跳过：不支持问答题" in text
    assert "第 34 行：已跳过：不支持填空题" in text


async def test_a_file_with_errors_imports_nothing_and_lists_them_by_line(harness):
    await harness.setup_branch()
    bad = "\n\n".join(f"第{n}题{{~甲 ~乙}}" for n in range(25)).encode()
    (answer,) = await send_file(harness, bad, "bad.gift")
    assert answer.text.startswith("未导入任何内容")
    assert "第 1 行：没有标出正确答案" in answer.text
    assert "第 39 行" in answer.text
    assert "第 41 行" not in answer.text
    assert "……另有 5 处" in answer.text
    assert await count(harness, "modules") == 0


async def test_limits_are_checked_before_anything_is_stored(harness):
    await harness.setup_branch()
    (answer,) = await send_file(harness, gift_of(501), "big.gift")
    assert "共有 501 道题" in answer.text
    assert await count(harness, "modules") == 0
    harness.api.files["huge"] = b"x"
    update = factories.document(
        chat=GROUP,
        user=ADMIN,
        file_id="huge",
        file_name="h.gift",
        size=2_000_000,
        caption="/import",
    )
    (answer,) = harness.read(await harness.feed(update))
    assert "文件过大" in answer.text
    assert "huge" not in harness.api.downloads  # refused before downloading


async def test_aiken_and_the_toml_example_import(harness):
    await harness.setup_branch()
    (answer,) = await send_file(harness, STUDY_AIKEN, "a.aiken")
    assert "study-bom" not in answer.text
    assert "#1 a：3 道题" in answer.text
    (answer,) = await send_file(harness, EXAMPLE, "党章.toml")
    assert "#2 党章学习（第一章 党员）：3 道题" in answer.text


async def test_members_cannot_import_or_publish_and_bad_input_is_explained(harness):
    await harness.setup_branch()
    (answer,) = await send_file(harness, gift_of(2), "x.gift", user=MEMBER)
    assert "支部管理员" in answer.text
    assert await count(harness, "modules") == 0
    assert "用法" not in await harness.reply("/publish 1", chat=GROUP, user=MEMBER)
    assert "说明中发送" in await harness.reply("/import", chat=GROUP, user=ADMIN)
    assert "用法：/publish" in await harness.reply("/publish", chat=GROUP, user=ADMIN)
    assert "#9" in await harness.reply("/publish 9", chat=GROUP, user=ADMIN)
    (answer,) = await send_file(harness, gift_of(2), "x.docx")
    assert "未知的文件类型" in answer.text


async def test_a_replayed_import_stores_once_and_other_branches_cannot_publish(harness):
    await harness.setup_branch()
    harness.api.files["r1"] = gift_of(3)
    update = factories.document(
        chat=GROUP,
        user=ADMIN,
        file_id="r1",
        file_name="r.gift",
        size=len(gift_of(3)),
        caption="/import",
    )
    harness.read(await harness.feed(update))
    harness.read(await harness.feed(update))
    assert await count(harness, "modules") == 1
    assert await count(harness, "questions") == 3
    other = factories.Group(-4555, "第三支部")
    await harness.setup_branch(other)
    assert "#1" in await harness.reply("/publish 1", chat=other, user=ADMIN)
    assert await count(harness, "publications") == 0


async def test_study_lists_published_modules_and_the_link_opens_one_privately(harness):
    branch = await harness.setup_branch()
    assert "尚未发布" in await harness.reply("/study", chat=GROUP, user=MEMBER)
    await send_file(harness, EXAMPLE, "党章.toml")
    await harness.reply("/publish 1", chat=GROUP, user=ADMIN)
    (listing,) = await harness.say("/study", chat=GROUP, user=MEMBER)
    assert "#1 党章学习（第一章 党员）（共 3 道题）" in listing.text  # no one's score
    (button,) = listing.params["reply_markup"]["inline_keyboard"][0]
    assert button["url"].endswith(f"?start=m1b{branch.id}")
    calls = await harness.say(f"/start m1b{branch.id}", chat=MEMBER, user=MEMBER)
    assert GROUP.title in calls[0].text
    assert "共 3 道题" in calls[1].text
    assert "八项义务" in calls[1].text
    assert "https://www.12371.cn/" in calls[1].text
    # In private, /study lists the chosen branch's modules, with the same buttons.
    (private,) = await harness.say("/study", chat=MEMBER, user=MEMBER)
    assert "#1 党章学习（第一章 党员）（3 道题，你的最好成绩 —）" in private.text
    assert private.params["reply_markup"]["inline_keyboard"] == [[button]]


async def test_a_link_to_an_unpublished_module_says_so(harness):
    branch = await harness.setup_branch()
    await send_file(harness, EXAMPLE, "党章.toml")
    await harness.say("/help", chat=GROUP, user=MEMBER)  # a member: seen in the group
    calls = await harness.say(f"/start m1b{branch.id}", chat=MEMBER, user=MEMBER)
    assert "未在本支部发布" in calls[-1].text


async def test_an_html_gift_question_reaches_the_poll_and_the_private_quiz_without_tags(harness):
    # Moodle's [html] text, as Moodle's own exports write it: members see the text, not tags.
    gift = (
        b"::Q1:: [html]<p>Who's buried in Grant's tomb?</p> {=Grant ~nobody"
        b" ####<p>Grant &amp; his wife.</p>}\n"
    )
    branch = await harness.setup_branch()
    await send_file(harness, gift, "grant.gift")
    await harness.reply("/publish 1", chat=GROUP, user=ADMIN)
    _, poll = await harness.say("/quiz 1 1", chat=GROUP, user=ADMIN)
    assert poll.method == "sendPoll"
    assert poll.params["question"] == "Who's buried in Grant's tomb?"
    assert [o["text"] for o in poll.params["options"]] == ["Grant", "nobody"]
    assert poll.params["explanation"] == "Grant & his wife."
    await harness.say("/help", chat=GROUP, user=MEMBER)  # a member: seen in the group
    calls = await harness.say(f"/start m1b{branch.id}", chat=MEMBER, user=MEMBER)
    start = calls[-1].params["reply_markup"]["inline_keyboard"][0][0]["callback_data"]
    _, question = await harness.press(start, chat=MEMBER, user=MEMBER)
    assert "Who's buried in Grant's tomb?" in question.text
    assert "<" not in question.text
    labels = [b["text"] for row in question.params["reply_markup"]["inline_keyboard"] for b in row]
    assert sorted(labels) == ["Grant", "nobody"]
