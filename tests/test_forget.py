"""/forget: after a confirmation button a member's personal data is gone; counts keep their
part without the person, who appears in no summary, report or export."""

from __future__ import annotations

from tests.conftest import ADMIN, GROUP, OTHER
from tests.test_meetings import fire
from tests.test_summary import seeded_week


def buttons(call):
    return [
        b["callback_data"] for row in call.params["reply_markup"]["inline_keyboard"] for b in row
    ]


async def total_points(harness):
    return (await harness.services.storage.db.fetch_one("SELECT sum(points) FROM points"))[0]


async def test_forget_removes_the_person_and_keeps_the_counts(harness, clock):
    await seeded_week(harness, clock)
    points_before = await total_points(harness)
    (ask,) = await harness.say("/forget", chat=OTHER, user=OTHER)
    assert ask.text.startswith("Delete your personal data?")
    assert buttons(ask) == ["forget:yes", "forget:no"]
    _, done = await harness.press("forget:yes", chat=OTHER, user=OTHER)
    assert done.text == "Your personal data has been deleted."

    db = harness.services.storage.db
    assert await db.fetch_one("SELECT 1 FROM users WHERE id = ?", (OTHER.id,)) is None
    names = await db.fetch_all("SELECT first_name, username FROM users WHERE forgotten = 1")
    assert [tuple(r) for r in names] == [("", None)]
    assert await total_points(harness) == points_before
    await fire(harness, "summaries")
    sent = harness.read(harness.unread())
    summary = next(c.text for c in sent if c.chat_id == GROUP.id and c.text.startswith("📊"))
    detail = next(c.text for c in sent if c.chat_id == ADMIN.id)
    assert "签到：3 人次" in summary  # the forgotten member's check-in still counts
    assert "参与：2 人（名册 2 人）" in summary  # and their participation, off the roster
    assert "Zhang" not in summary
    assert "Zhang" not in detail
    calls = await harness.say("/export 2031-03-01 2031-03-09", chat=GROUP, user=ADMIN)
    for document in (c for c in calls if c.method == "sendDocument"):
        assert "Zhang" not in document.params["document"].content.decode("utf-8-sig")


async def test_forget_can_be_declined_and_is_private(harness, clock):
    await seeded_week(harness, clock)
    await harness.say("/forget", chat=OTHER, user=OTHER)
    _, kept = await harness.press("forget:no", chat=OTHER, user=OTHER)
    assert kept.text == "Nothing was deleted."
    db = harness.services.storage.db
    assert await db.fetch_one("SELECT 1 FROM users WHERE id = ?", (OTHER.id,)) is not None
    assert await harness.reply("/forget", chat=GROUP, user=OTHER) == "此命令需在与我的私聊中使用。"
