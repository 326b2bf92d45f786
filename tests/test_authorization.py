"""Every secretary and operator command, from a plain member, from a member of another
branch, and in the wrong chat: refused with a reason, and nothing in the database changes."""

from __future__ import annotations

import pytest

from tests import factories
from tests.conftest import ADMIN, GROUP, MEMBER, OPERATOR, table_names
from tests.test_meetings import add_meeting

OTHER_GROUP = factories.Group(-4999, "第二支部")
OUTSIDER = factories.Person(100099, "外支部成员", username="outsider")

SECRETARY_COMMANDS = [
    "/settings language=en",
    "/role @lisi secretary",
    "/roster",
    "/roster remove @lisi",
    "/meeting_add group 2031-03-05 19:30",
    "/meeting_add",
    "/meeting_cancel 1 series",
    "/meeting_notes 1 纪要",
    "/attendance 1 @lisi absent",
    "/checkin_open",
    "/publish 1",
    "/quiz 1 3",
    "/report",
    "/export",
    "/setup",
]


async def snapshot(harness):
    db = harness.services.storage.db
    tables = await table_names(db)
    dump = {}
    for table in tables:
        rows = await db.fetch_all(f"SELECT * FROM {table}")
        dump[table] = sorted(tuple(row) for row in rows)
    # Sightings (who was seen where, and when) are recorded on every interaction, as the
    # spec asks; roles, roster places and settings are the facts a refusal must not touch.
    del dump["users"]
    dump["memberships"] = await db.fetch_all(
        "SELECT branch_id, user_id, role, on_roster FROM memberships"
        " WHERE role != 'member' OR on_roster = 1 ORDER BY branch_id, user_id"
    )
    dump["memberships"] = [tuple(row) for row in dump["memberships"]]
    dump["branches"] = [
        tuple(row)
        for row in await db.fetch_all(
            "SELECT id, chat_id, organisation_id, timezone, language, summary_weekday,"
            " summary_time, checkin_time, active FROM branches ORDER BY id"
        )
    ]
    return dump


@pytest.fixture
async def branches(harness):
    await harness.setup_branch()
    await harness.setup_branch(OTHER_GROUP)
    await harness.press("roster:join", chat=GROUP, user=MEMBER)
    await harness.say("hi", chat=OTHER_GROUP, user=OUTSIDER)
    await add_meeting(harness, "group 2031-03-05 19:30")
    return harness


@pytest.mark.parametrize("line", SECRETARY_COMMANDS)
@pytest.mark.parametrize("who", ["member", "outsider", "private"])
async def test_secretary_commands_are_refused_and_change_nothing(branches, line, who):
    harness = branches
    before = await snapshot(harness)
    jobs = sorted(job.name for job in harness.app.job_queue.jobs())
    if who == "member":
        text = await harness.reply(line, chat=GROUP, user=MEMBER)
        assert "支部管理员" in text
    elif who == "outsider":
        text = await harness.reply(line, chat=GROUP, user=OUTSIDER)
        assert "支部管理员" in text
    elif line in ("/report", "/export"):  # these work in private too, for secretaries only
        text = await harness.reply(line, chat=MEMBER, user=MEMBER)
        assert "支部管理员" in text
    else:
        text = await harness.reply(line, chat=ADMIN, user=ADMIN)
        assert "群内" in text
    assert await snapshot(harness) == before
    assert sorted(job.name for job in harness.app.job_queue.jobs()) == jobs


@pytest.mark.parametrize("line", ["/org_add 组织", "/branches", "/backup"])
@pytest.mark.parametrize("where", ["member_private", "secretary_private", "operator_group"])
async def test_operator_commands_are_refused_outside_an_operators_private_chat(
    branches, line, where
):
    harness = branches
    before = await snapshot(harness)
    if where == "member_private":
        assert "运维" in await harness.reply(line, chat=MEMBER, user=MEMBER)
    elif where == "secretary_private":
        assert "运维" in await harness.reply(line, chat=ADMIN, user=ADMIN)
    else:
        assert "私聊" in await harness.reply(line, chat=GROUP, user=OPERATOR)
    assert await snapshot(harness) == before
    assert not harness.config.storage.backup_dir.exists()
