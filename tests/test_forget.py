"""/forget: after a confirmation button a member's personal data is gone; counts keep their
part without the person, who appears in no summary, report or export."""

from __future__ import annotations

from datetime import timedelta

from tests.conftest import ADMIN, GROUP, MEMBER, OTHER, table_names
from tests.test_checkin import checkin
from tests.test_leave import START, scheduled
from tests.test_meetings import fire
from tests.test_private_import import choices, upload
from tests.test_study import gift_of
from tests.test_summary import WEEK_END, seeded_week


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
    assert "参与：2 人（党员名册 2 人）" in summary  # and their participation, off the roster
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


REASON = "看病去了"
FORBIDDEN = "Forbidden: bot can't initiate conversation with a user"


def refuse_next_to(harness, person):
    harness.api.fail_next(
        "sendMessage",
        error_code=403,
        description=FORBIDDEN,
        match=lambda p: p.get("chat_id") == person.id,
    )


async def text_cells(db):
    """Every text (or blob) value of every column of every table, with where it is."""
    if db.dialect.name != "sqlite":
        return await _text_cells_postgresql(db)
    cells = []
    for table in await table_names(db):
        columns = await db.fetch_all(f"SELECT name FROM pragma_table_info('{table}')")
        for (column,) in (tuple(c) for c in columns):
            rows = await db.fetch_all(
                f"SELECT CAST({column} AS TEXT) FROM {table}"  # noqa: S608 - schema names
                f" WHERE typeof({column}) IN ('text', 'blob')"
            )
            cells += [(table, column, row[0]) for row in rows]
    return cells


async def _text_cells_postgresql(db):
    cells = []
    columns = await db.fetch_all(
        "SELECT table_name, column_name, data_type FROM information_schema.columns"
        " WHERE table_schema = 'public' AND data_type IN ('text', 'bytea')"
    )
    for table, column, kind in (tuple(c) for c in columns):
        value = f"encode({column}, 'escape')" if kind == "bytea" else column
        rows = await db.fetch_all(
            f"SELECT {value} FROM {table} WHERE {column} IS NOT NULL"  # noqa: S608
        )
        cells += [(table, column, row[0]) for row in rows]
    return cells


async def held_for_admin_then_forgotten(harness, clock):
    """OTHER asks for leave, checks in and misses a meeting; the secretary, who cannot be
    written to, is kept the leave request, the roll, a report and the week's detail; then
    OTHER uses /forget."""
    occ = await scheduled(harness)
    assert await checkin(harness, OTHER) == "👍"
    refuse_next_to(harness, ADMIN)
    await harness.say(f"/leave {occ} {REASON}", chat=GROUP, user=OTHER)
    clock.now = START + timedelta(minutes=90)
    refuse_next_to(harness, ADMIN)
    await fire(harness, f"close:{occ}")
    refuse_next_to(harness, ADMIN)
    await harness.say("/report 2031-03-01 2031-03-09", chat=GROUP, user=ADMIN)
    clock.now = WEEK_END
    refuse_next_to(harness, ADMIN)
    await fire(harness, "summaries")
    harness.read(harness.unread())
    db = harness.services.storage.db
    kept = await db.fetch_all("SELECT message_key, params, dedupe_key FROM pending_messages")
    assert sorted(r[0] for r in kept) == [
        "leave.for_secretary",
        "meeting.roll",
        "report.part",
        "summary.detail",
    ]
    # Kept as references: nothing in them names anyone or says why.
    assert not [r for r in kept if "Zhang" in r[1] + r[2] or REASON in r[1] + r[2]]
    await harness.say("/forget", chat=OTHER, user=OTHER)
    await harness.press("forget:yes", chat=OTHER, user=OTHER)
    return occ


async def test_after_forget_no_column_holds_the_name_username_reason_or_id(harness, clock):
    await held_for_admin_then_forgotten(harness, clock)
    db = harness.services.storage.db
    # Every text column of the schema, searched (LIKE ignores ASCII case: "zhang" too).
    for needle in ("Zhang", REASON, str(OTHER.id)):
        found = [
            (table, column)
            for table, column, value in await text_cells(db)
            if needle.lower() in (value or "").lower()
        ]
        assert found == [], needle
    assert await db.fetch_one("SELECT 1 FROM users WHERE id = ?", (OTHER.id,)) is None


async def test_held_messages_are_rendered_at_delivery_without_the_forgotten_member(harness, clock):
    await held_for_admin_then_forgotten(harness, clock)
    calls = await harness.say("/start", chat=ADMIN, user=ADMIN)
    delivered = "\n".join(c.text for c in calls if c.chat_id == ADMIN.id)
    assert "到会情况" in delivered  # the roll
    assert "参与情况报告" in delivered  # the report
    assert "一周明细" in delivered  # the week's detail
    assert "请假申请" not in delivered  # the forgotten member's request: dropped
    assert "Zhang" not in delivered
    assert REASON not in delivered
    # Delivered (or dropped) messages are deleted, not kept.
    db = harness.services.storage.db
    assert await db.fetch_all("SELECT * FROM pending_messages") == []


async def test_deciding_a_forgotten_members_leave_sends_nothing_to_the_stand_in(harness, clock):
    await held_for_admin_then_forgotten(harness, clock)
    db = harness.services.storage.db
    # The request went with the member: withdrawn, so its old buttons decide nothing and
    # write to no one, and its id is never another request's.
    assert [tuple(r) for r in await db.fetch_all("SELECT id, status FROM leaves")] == [
        (1, "withdrawn")
    ]
    (stand_in,) = await db.fetch_one("SELECT id FROM users WHERE forgotten = 1")
    before = len(harness.api.calls)
    calls = await harness.press("lv:1:a", chat=ADMIN, user=ADMIN)
    assert [c.method for c in calls] == ["answerCallbackQuery"]
    await harness.say(f"/leave 1 {REASON}", chat=GROUP, user=MEMBER)
    (newest,) = await db.fetch_one("SELECT max(id) FROM leaves")
    assert newest == 2
    sent_to = {c.params.get("chat_id") for c in harness.api.calls[before:]}
    assert str(stand_in) not in {str(chat) for chat in sent_to}
    assert (
        await db.fetch_all("SELECT * FROM pending_messages WHERE user_id = ?", (stand_in,)) == []
    )
    # The roll frozen at the close stands: the stand-in stays absent, unnamed.
    (status,) = await db.fetch_one("SELECT status FROM attendance WHERE user_id = ?", (stand_in,))
    assert status == "absent"


async def test_a_pending_leave_asked_privately_goes_with_forget(harness, clock):
    occ = await scheduled(harness)
    assert await checkin(harness, OTHER) == "👍"
    refuse_next_to(harness, ADMIN)
    await harness.say(f"/leave {occ} {REASON}", chat=OTHER, user=OTHER)
    await harness.say("/forget", chat=OTHER, user=OTHER)
    await harness.press("forget:yes", chat=OTHER, user=OTHER)
    db = harness.services.storage.db
    assert await db.fetch_all("SELECT * FROM leaves WHERE status = 'pending'") == []
    # The key that keeps a redelivered /leave from repeating named the private chat.
    assert [c for c in await text_cells(db) if str(OTHER.id) in (c[2] or "")] == []
    calls = await harness.say("/start", chat=ADMIN, user=ADMIN)
    assert not [c for c in calls if "请假申请" in c.text]
    assert await db.fetch_all("SELECT * FROM pending_messages") == []


async def test_a_message_delivered_at_start_is_deleted(harness, clock):
    occ = await scheduled(harness)
    refuse_next_to(harness, ADMIN)
    await harness.say(f"/leave {occ} 出差", chat=GROUP, user=MEMBER)
    db = harness.services.storage.db
    assert len(await db.fetch_all("SELECT * FROM pending_messages")) == 1
    calls = await harness.say("/start", chat=ADMIN, user=ADMIN)
    held = next(c for c in calls if "请假申请" in c.text)
    assert "李四" in held.text  # rendered from the live rows
    assert "出差" in held.text
    assert await db.fetch_all("SELECT * FROM pending_messages") == []


async def test_a_forgotten_secretary_leaves_no_id_in_keys_menus_or_organisations(harness):
    await harness.setup_branch()
    await harness.say("/start", chat=MEMBER, user=MEMBER)
    await harness.say("hello", chat=GROUP, user=MEMBER)
    await harness.say(f"/role {MEMBER.id} secretary", chat=GROUP, user=ADMIN)
    (asked,) = await upload(harness, gift_of(2), user=MEMBER)  # imported in private
    done = await harness.press(choices(asked)[0][1], chat=MEMBER, user=MEMBER)
    assert done[-1].text.startswith("已导入")
    db = harness.services.storage.db
    await db.execute(  # as if /org_add had been sent by them in private
        "INSERT INTO organisations (name, code, admin_user_id, created_key, created_at)"
        " VALUES ('城东党委', 'ABCD2345', ?, ?, 0)",
        (MEMBER.id, f"{MEMBER.id}:77"),
    )
    assert [c for c in await text_cells(db) if str(MEMBER.id) in c[2]]  # before: in keys
    await harness.say("/forget", chat=MEMBER, user=MEMBER)
    await harness.press("forget:yes", chat=MEMBER, user=MEMBER)
    for needle in ("李四", "lisi", str(MEMBER.id)):
        assert [(t, c) for t, c, v in await text_cells(db) if needle in (v or "").lower()] == []
    assert (
        await db.fetch_one("SELECT 1 FROM organisations WHERE admin_user_id = ?", (MEMBER.id,))
        is None
    )
    # Their secretary menus are gone too: in the group and in private.
    assert [c.params["scope"] for c in harness.api.of("deleteMyCommands")] == [
        {"type": "chat_member", "chat_id": GROUP.id, "user_id": MEMBER.id},
        {"type": "chat", "chat_id": MEMBER.id},
    ]


async def test_a_kept_message_that_cannot_be_read_is_dropped_without_blocking_the_rest(
    harness, caplog
):
    branch = await harness.setup_branch()
    await harness.say("hello", chat=GROUP, user=ADMIN)
    db = harness.services.storage.db
    for key, params, dedupe in (
        ("meeting.roll", "{}", "roll:9:1"),  # no occurrence named
        ("role.told", '{"branch_title": "城东", "role": "书记"}', "role:1:2"),
    ):
        await db.execute(
            "INSERT INTO pending_messages (user_id, branch_id, message_key, params, dedupe_key,"
            " created_at) VALUES (?, ?, ?, ?, ?, 0)",
            (ADMIN.id, branch.id, key, params, dedupe),
        )
    calls = await harness.say("/start", chat=ADMIN, user=ADMIN)
    assert any("城东" in c.text for c in calls)
    assert "kept message" in caplog.text
    assert await db.fetch_all("SELECT * FROM pending_messages") == []
